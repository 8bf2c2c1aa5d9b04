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
settings-title = Impostazioni
settings-open = Impostazioni
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
