# App per i residenti.

app-title = Beffroi
app-tagline = Le informazioni del tuo comune, anche offline
lang-fr = Français
lang-en = English
lang-it = Italiano
loading = Caricamento…

status-online = Online
status-offline = Offline
status-unknown = Connessione non ancora verificata
status-last-sync = Ultima sincronizzazione: { $when }
status-never-synced = Mai sincronizzato
status-offline-help = Il server del comune non è raggiungibile: stai consultando i dati salvati su questo dispositivo.
sync-now = Sincronizza
syncing = Sincronizzazione…

first-run-title = Benvenuto
first-run-intro = Scegli la lingua e il tuo comune. Potrai cambiarli in seguito.
first-run-language = Lingua
first-run-commune = Il tuo comune
first-run-choose = Scegli un comune
first-run-no-communes = Nessun comune è ancora salvato su questo dispositivo. Connettiti a Internet e riprova.
first-run-retry = Riprova
first-run-submit = Continua
server-intro = Scegliete il vostro comune: digitate l'indirizzo del suo server, oppure incollate il link beffroi:// del suo manifesto o del suo sito.
server-address = Indirizzo del server o link del comune
server-address-help = Per esempio https://allerte.comune.it o beffroi://connect?server=…&key=…
server-check = Verifica
server-found = Server trovato: { $territory }
server-key-verified = La chiave data dal link è proprio quella di questo server. La sua impronta:
server-key-compare = Confrontate l'impronta della sua chiave con quella del manifesto o del sito del vostro comune prima di continuare:
server-choose = È il mio comune
server-error-offline = Nessun server risponde a questo indirizzo. Verificatelo, e la vostra connessione a Internet.
server-error-untrusted = Questo server non detiene la chiave data dal link: potrebbe essere un impostore. Verificate l'indirizzo sul manifesto o sul sito del comune.
server-error-invalid = Non è né un indirizzo (https://…) né un link del comune (beffroi://…).
server-error-not-beffroi = Un server risponde a questo indirizzo, ma non è un server di allerte Beffroi.
settings-title = Impostazioni
settings-open = Impostazioni
settings-key-title = Chiave del tuo comune
settings-key-explain = Questo dispositivo crede solo agli avvisi firmati con questa chiave. Confronta la sua impronta con quella del manifesto o del sito del tuo comune:
settings-key-none = Nessuna chiave registrata per ora: lo sarà alla prossima sincronizzazione.
settings-cancel = Annulla

communes-title = Comuni del territorio
communes-count = { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
}
communes-filter = Filtra i comuni
communes-home = il tuo comune
communes-population = { $count } abitanti
communes-postal = Codice postale: { $codes }
communes-none-match = Nessun comune corrisponde a «{ $query }».

error-generic = Si è verificato un errore: { $message }
error-offline = Il server del comune non è raggiungibile: riprova più tardi. Ciò che è salvato su questo dispositivo resta consultabile.
error-storage = Impossibile salvare su questo dispositivo: { $detail }
error-invalid = Dati rifiutati: { $detail }
error-server = Il comune ha rifiutato la richiesta: { $detail }
error-untrusted = Questo server non detiene la chiave del tuo comune: potrebbe essere un impostore. Verifica l'indirizzo e la chiave sul manifesto o sul sito del comune.

nav-label = Sezioni
nav-directory = Elenco
nav-communes = Comuni
directory-title = Negozi e servizi
directory-search = Cerca
directory-search-hint = Nome, tipo di negozio o via, anche senza accenti
directory-category = Categoria
directory-all-categories = Tutte le categorie
directory-filters = Filtri
filter-open-now = Aperto ora
filter-delivery = Consegna a domicilio
filter-direct-sales = Vendita diretta
filter-collection-point = Punto di ritiro
filter-takeaway = Da asporto
directory-updated = Elenco salvato su questo dispositivo: { $count ->
    [one] { $count } luogo
   *[other] { $count } luoghi
}, aggiornato il { $when }.
directory-never = L'elenco non è ancora stato scaricato: connettiti a Internet, poi sincronizza.
directory-results = { $count ->
    [0] Nessun risultato
    [one] { $count } risultato
   *[other] { $count } risultati
}
directory-order = Ordina
directory-order-relevance = Per pertinenza
directory-order-home = I più vicini al mio comune
directory-order-home-unknown = L'ordinamento per distanza dal tuo comune sarà possibile quando l'elenco conterrà luoghi del tuo comune.
directory-distance = a { $km } km
place-back = Torna all'elenco
place-week = Orari dei prossimi 7 giorni
place-day-closed = Chiuso
place-day-unknown = Orari incerti
place-no-hours = Orari non indicati.
place-crisis = Misura eccezionale
place-address = Indirizzo
place-phone = Telefono
place-website = Sito web
place-email = E-mail
place-services = Servizi
place-checked = Informazioni verificate il { $date }
place-source-osm = Fonte: OpenStreetMap (contributori OSM, ODbL)
place-source-staff = Fonte: il comune

# The places a resident follows besides home (settings and first run).
places-title = I miei altri luoghi
places-intro = Ricevete anche le allerte dei luoghi che contano per voi: il lavoro, il comune di un genitore. Restano su questo dispositivo: il municipio non li conosce.
places-none = Ancora nessun altro luogo.
places-add-title = Aggiungi un luogo
places-name = Nome del luogo
places-name-example = Lavoro
places-where = Dove
places-kind-commune = Un comune
places-kind-point = Un punto preciso
places-commune = Comune
places-point-help = Indicate latitudine e longitudine in gradi decimali (lette su una mappa, per esempio).
places-lat = Latitudine
places-lon = Longitudine
places-point-invalid = Scrivete latitudine e longitudine come numeri, per esempio 43,7281 e 7,3617.
places-point-in = { $at } ({ $commune })
places-notify-from = Notificami a partire da
places-add = Aggiungi questo luogo
places-saved = Luogo «{ $name }» salvato.
places-removed = Non seguite più «{ $name }».
places-remove = Togli
places-remove-named = Togli «{ $name }»
settings-notify-title = Notifiche
settings-notify-tests = Notificami anche le allerte di test e di esercitazione (restano in elenco, segnalate come tali)
settings-notify-critical = Lasciare suonare le allerte estreme anche in modalità «non disturbare»

# Maps (each has its list equivalent on the same screen).
map-show = Mostra la mappa
map-hide = Nascondi la mappa
map-legend = Legenda della mappa
map-home = Il vostro comune
map-alerts-label = Mappa delle allerte in corso e dei vostri luoghi; l'elenco qui sotto dà le stesse informazioni.
map-directory-label = Mappa dei luoghi trovati; l'elenco qui sotto dà le stesse informazioni.
map-report-label = Mappa per scegliere il luogo della segnalazione: toccate o cliccate il punto.
map-open = Aperto
map-closed = Chiuso
map-unknown = Orari sconosciuti
map-cluster = { $count } luoghi qui: ingrandite per vederli
# The rules in force on the home screen.
rules-place = { $place } — { $commune }
rules-upcoming = In arrivo
