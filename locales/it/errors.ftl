# Errors: what the server, the core and the CLI refuse, and why (rendered in the reader's language).
alert-no-text = Un'allerta ha bisogno di almeno un testo (titolo e descrizione).
alert-duplicate-lang = La lingua { $lang } compare due volte con lo stesso evento e lo stesso pubblico: un solo testo per lingua, evento e pubblico.
alert-empty-headline = Il titolo ({ $lang }) è vuoto.
alert-headline-too-long = Il titolo ({ $lang }) ha { $len } caratteri: al massimo { $max }.
alert-text-too-long =
    { $field ->
        [description] La descrizione
        [instruction] L'istruzione
        [event] L'evento
        [audience] Il pubblico
       *[other] Il campo « { $field } »
    } ({ $lang }) ha { $len } caratteri: al massimo { $max }.
alert-empty-event = L'evento è vuoto: dite in poche parole cosa succede.
alert-invalid-event-code = Il codice evento « { $code } » non è valido: solo lettere minuscole, cifre e « - ».
alert-no-commune = Nessun comune selezionato: scegliete dei comuni o tutto il territorio.
alert-invalid-web = Il link « { $web } » non è un indirizzo web (http:// o https://).
alert-expires-before-effective = L'allerta scade prima di entrare in vigore.
alert-invalid-identifier = L'identificativo « { $identifier } » non è valido: niente spazi, virgole, « < » o « & ».
alert-missing-reference = Un messaggio { $msg_type } deve citare il messaggio che aggiorna o annulla.
shape-out-of-range = Il punto { $point } è fuori intervallo: latitudine da -90 a 90, longitudine da -180 a 180.
shape-too-few-points = Un poligono richiede almeno 4 punti (l'ultimo ripete il primo); questo ne ha { $len }.
shape-open-ring = Il poligono non è chiuso: l'ultimo punto deve ripetere il primo.
shape-too-many-points = Il poligono ha { $len } punti: al massimo { $max }.
shape-antimeridian = La forma attraversa l'antimeridiano (longitudine ±180).
shape-bad-radius = Il raggio del cerchio, { $radius } km, non è valido: più di 0 e al massimo { $max } km.
shape-too-many = L'allerta ha { $len } forme: al massimo { $max }.
shape-unreadable-polygon = «{ $text }» non è un poligono CAP: coppie «lat,lon» separate da spazi.
shape-unreadable-circle = «{ $text }» non è un cerchio CAP: «lat,lon raggio» (raggio in km).
report-invalid-id = L'identificativo della segnalazione « { $id } » non è un UUID creato sul dispositivo.
report-unknown-category = Categoria sconosciuta « { $category } ».
report-empty-description = La descrizione è vuota: dite cosa non va.
report-description-too-long = La descrizione ha { $len } caratteri: al massimo { $max }.
report-no-location = La segnalazione non ha un luogo: indicate una posizione, un indirizzo o un comune.
report-invalid-position = La posizione { $lat },{ $lon } non è valida: latitudine da -90 a 90, longitudine da -180 a 180.
report-missing-answer = La domanda « { $question } » richiede una risposta.
field-too-long =
    { $field ->
        [address] L'indirizzo
        [name] Il nome
        [email] L'indirizzo e-mail
        [phone] Il telefono
        [answer] Una risposta
        [website] Il sito web
        [opening_hours] Il campo degli orari
       *[other] Il campo « { $field } »
    } supera { $max } caratteri.
hours-invalid = Orari « { $value } » non validi: { $detail }
place-no-name = Il luogo non ha un nome.
place-latitude = La latitudine { $value } è fuori dai limiti: da -90 a 90.
place-longitude = La longitudine { $value } è fuori dai limiti: da -180 a 180.
place-crisis-hours = Orari di crisi « { $value } » non validi: { $detail }
place-last-checked = « { $value } » non è una data (AAAA-MM-GG).
place-unknown-category = Categoria di luogo sconosciuta « { $category } ».
commune-invalid-insee = Codice INSEE « { $code } » non valido: 5 caratteri, cifre (o 2A/2B per la Corsica).
commune-invalid-postal = Codice postale « { $code } » non valido: 5 cifre.
commune-empty-name = Un comune deve avere un nome.
staff-unknown-role = Ruolo sconosciuto « { $role } »: editor, publisher o admin.
staff-invalid-username = Nome utente « { $username } » non valido: da 2 a 64 caratteri tra minuscole, cifre, « . », « - » e « _ ».
staff-password-too-short = La password è troppo corta: almeno { $min } caratteri.
lang-tag-invalid = « { $tag } » non è un tag di lingua (BCP 47, per esempio fr, en-GB, zh-Hant).
lang-unsupported = Lingua non supportata « { $lang } »: fr, en o it.
err-no-route = Questa risorsa non esiste: verificate l'indirizzo e la versione dell'API (/api/v1).
err-method-not-allowed = Questo metodo non è consentito su questo percorso: vedere /api/v1/openapi.json.
err-internal = Il server non è riuscito a gestire la richiesta; l'errore è registrato, riprovate più tardi.
err-invalid-json = Il corpo della richiesta non è JSON valido: { $detail }
err-invalid-body = Il corpo della richiesta non ha i campi attesi: { $detail }
err-json-content-type = Inviate il corpo in JSON con l'intestazione content-type: application/json.
err-body-too-large = Il corpo della richiesta è troppo grande.
err-body-unreadable = Non è stato possibile leggere il corpo della richiesta.
err-invalid-query = I parametri dell'indirizzo non sono validi: { $detail }
err-login-first = Accedete prima: inviate l'intestazione authorization: Bearer TOKEN.
err-bearer = L'intestazione authorization deve essere: Bearer TOKEN.
err-session-expired = La sessione è sconosciuta o scaduta: accedete di nuovo.
err-role = Serve il ruolo { $needed }; il vostro ruolo è { $role }.
err-too-many =
    { $what ->
        [login] Troppi tentativi di accesso da questo indirizzo: attendete un po' e riprovate.
        [report] Troppe segnalazioni da questo indirizzo: attendete un po' e riprovate.
        [aid] Troppi annunci o messaggi da questo dispositivo o indirizzo: attendete un po' e riprovate.
       *[read] Troppe richieste da questo indirizzo: attendete un po' e riprovate.
    }
err-credentials = Nome utente o password errati.
err-too-many-account = Troppi tentativi di accesso per questo account: attendete un minuto e riprovate.
err-busy-passwords = Il server sta verificando molte password contemporaneamente: riprovate tra qualche secondo.
err-database-unavailable = Il database del comune non è raggiungibile in questo momento: nulla è andato perso, riprovate tra qualche secondo.
err-console-not-built = La console non è integrata in questo server: eseguite `make ui`, poi riavviate il server.
err-web-not-built = L'app web non è integrata in questo server: eseguite `make ui`, poi riavviate il server.
err-commune-outside = Il comune { $code } non fa parte del territorio.
err-communes-count = Scegliete da 1 a { $max } comuni.
err-search-too-long = La ricerca è troppo lunga: { $max } caratteri al massimo.
err-position = La posizione indicata non esiste (latitudine da -90 a 90, longitudine da -180 a 180).
err-shapes-outside = L'area disegnata non tocca alcun comune del territorio.
err-report-outside = Questo luogo ({ $lat }, { $lon }) è fuori dal territorio: scegliete un luogo in uno dei suoi comuni.
err-no-alert = Nessuna allerta con identificativo « { $id } ».
err-no-alert-message = Nessun messaggio di allerta « { $identifier } ».
err-invalid-alert-json = L'allerta non è valida: { $detail }
err-cap-needs-publisher = Pubblicare un messaggio CAP richiede il ruolo publisher; il vostro ruolo è { $role }.
err-alert-media-type = Inviate una bozza come application/json o un messaggio CAP 1.2 come application/cap+xml.
err-ambiguous-reference = Il messaggio cita due allerte diverse inviate qui: un messaggio per allerta.
err-unknown-reference = Il messaggio non cita alcuna allerta inviata qui.
err-reviewed = « { $value } » deve essere la data updated_at della bozza (RFC 3339).
err-draft-changed = La bozza è stata modificata da { $who } dopo la vostra revisione: rileggetela prima di pubblicare.
err-last-event-id = Last-Event-ID deve essere un cursore (un numero).
cap-xml = Non è XML ben formato: { $detail }
cap-doctype = I documenti con una DTD (<!DOCTYPE>) sono rifiutati: CAP non ne ha bisogno.
cap-entity = L'entità &{ $entity }; non è consentita: solo le entità predefinite di XML e i riferimenti a caratteri lo sono.
cap-not-cap = L'elemento radice deve essere <alert> nello spazio dei nomi CAP 1.2 ({ $namespace }).
cap-missing = <{ $element }> manca.
cap-value = <{ $element }> ha un valore non supportato « { $value } ».
cap-not-public = Solo le allerte pubbliche (<scope>Public</scope>) possono essere pubblicate ai residenti.
cap-language = <language> « { $tag } » non è un tag di lingua (RFC 3066 / BCP 47, per esempio fr-FR).
cap-schema = <{ $element }> non è consentito in <{ $parent }> dallo schema CAP 1.2.
cap-repeated = <{ $element }> compare più di una volta in <{ $parent }>: lo schema CAP 1.2 ne consente uno solo.
cap-stray-text = <{ $element }> contiene testo fuori dai suoi elementi.
cap-disagree = I blocchi <info> non concordano su <{ $element }>: un messaggio ha una sola classificazione.
cap-area = L'area deve essere indicata con codici geografici di comuni INSEE (valueName INSEE), con il codice del territorio (valueName EPCI { $territory }), o con poligoni e cerchi.
cap-too-deep = Il documento è annidato troppo in profondità.
cap-encoding = Il documento non è { $encoding } valido (UTF-8 e ISO-8859-1 sono letti).
photo-not-an-image = La foto { $n } non è un'immagine JPEG, PNG o WebP.
photo-damaged = La foto { $n } non è leggibile: { $detail }
photo-too-large = La foto { $n } supera { $max } MiB.
photo-too-many = Al massimo { $max } foto per segnalazione.
photo-io = Non è stato possibile salvare la foto.
err-form = Non è stato possibile leggere il modulo inviato: { $detail }
err-report-too-large = Una segnalazione senza foto è al massimo di { $max } KiB di JSON.
err-report-part-too-large = La parte « report » è al massimo di { $max } KiB di JSON.
err-foreign-origin = Le segnalazioni si fanno dall'app o dal sito del comune, non da { $origin }.
err-busy-photos = Il server sta ricevendo molte foto contemporaneamente: la vostra segnalazione resta sul dispositivo e sarà inviata di nuovo a breve.
err-disk-full = Il server del comune non ha più spazio per le foto: non sono salvate; inviate di nuovo la segnalazione più tardi.
err-invalid-report-json = La segnalazione non è valida: { $detail }
err-report-id-taken = Un'altra segnalazione ha già l'identificativo { $id }: createne uno nuovo.
err-no-report-secret = Nessuna segnalazione « { $id } » con questo segreto.
err-no-report = Nessuna segnalazione « { $id } ».
err-not-a-time = { $name } « { $value } » non è una data RFC 3339, per esempio 2026-11-23T00:00:00+01:00.
err-status-message-too-long = Il messaggio è troppo lungo: al massimo { $max } caratteri.
err-no-photo = Nessuna foto « { $name } » per la segnalazione « { $id } ».
err-no-place = Nessun luogo con identificativo « { $id } ».
err-import-media-type = Inviate GeoJSON OSM come application/geo+json o CSV come text/csv.
err-not-utf8 = Il file non è testo UTF-8.
err-import-file = Il file non può essere importato: { $detail }
import-not-geojson = Il file non è GeoJSON: { $detail }
import-csv-header = L'intestazione CSV non ha la o le colonne richieste { $columns }: vedere docs/directory.md.
import-csv = Il file CSV non è leggibile: { $detail }
import-unknown-format = Tipo di file sconosciuto: .geojson/.json (GeoJSON OSM) o .csv.
o311-no-resource = Questa risorsa Open311 non esiste: usate .json o .xml, per esempio /open311/v2/services.json.
o311-no-request = Questa richiesta di servizio non esiste.
o311-no-service = service_code sconosciuto.
o311-date = { $name } deve essere una data W3C, per esempio 2026-11-23T00:00:00Z.
o311-status = status « { $value } »: open o closed.
o311-max-requests = max_requests deve andare da 1 a { $max }.
o311-api-key = api_key non valida: chiedetene una al comune.
client-not-staged = « { $token } » non è una foto preparata.
client-staged-gone = Una foto preparata è scomparsa ({ $detail }): sceglietela di nuovo.
client-commune-outside = Il comune { $code } non fa parte del territorio: scegliete uno dei suoi comuni.
place-name-empty = Date un nome a questo luogo (per esempio «Lavoro»).
place-name-too-long = Il nome del luogo ha { $len } caratteri: al massimo { $max }.
place-name-taken = Seguite già un luogo chiamato «{ $name }»: scegliete un altro nome.
place-too-many = Seguite già { $max } luoghi: toglietene uno per aggiungerne un altro.
place-outside = Questo punto ({ $lat }, { $lon }) è fuori dal territorio: scegliete un punto in uno dei suoi comuni.
place-no-where = Scegliete un comune o un punto per questo luogo.
client-offline = Impossibile raggiungere il server { $server }: { $reason }
client-server = { $message }
client-protocol = Risposta inattesa da { $server }: { $detail }
client-no-server = Non è ancora stato scelto un server del comune.
client-push-no-commune = Gli avvisi push richiedono i comuni del municipio: sincronizzi prima, oppure scelga un comune.
client-push-not-subscribed = Questo dispositivo non è iscritto alle notifiche push del comune.
client-invalid-url = Indirizzo del server « { $address } » non valido: http://host:porta o https://host.
client-invalid-key = Impronta della chiave « { $key } » non valida: almeno 32 cifre esadecimali.
client-key-mismatch = Il server { $server } non detiene la chiave { $key } del comune: potrebbe essere un impostore; verificate l'indirizzo e la chiave sul manifesto del comune.
client-store = Impossibile salvare su questo dispositivo: { $detail }
client-io = Impossibile scrivere { $path }: { $reason }
client-photo-read = Impossibile leggere la foto { $path }: { $reason }
client-photo-not-an-image = { $path } non è una foto che Beffroi può inviare (JPEG, PNG o WebP).
client-photo-too-large = { $path } supera { $max } MB.
app-unknown-commune = Comune sconosciuto { $code }: sceglietene uno dall'elenco.
app-not-a-time = « { $value } » non è una data RFC 3339.
app-no-place = Nessun luogo « { $id } » nell'annuario locale.
app-photo-bytes = Inviate i byte della foto.
import-no-name = Il luogo non ha un nome (name=* o brand=*).
import-duplicate = Identificativo { $id } duplicato (prima alla riga { $first }): questa riga è ignorata.
import-geometry = Geometria « { $geometry } » non supportata: Point o Polygon.
import-no-coordinates = La geometria non ha coordinate numeriche.
import-no-osm-id = Nessun identificativo OSM (@osm, @id o l'id dell'oggetto).
import-not-a-shop = Non è né un negozio né un servizio.
import-columns = Questa riga ha { $len } colonne, l'intestazione ne ha { $expected }.
import-no-id = La colonna id è vuota.
import-empty = La colonna { $column } è vuota.
import-not-a-number = La colonna { $column } non è un numero.
err-form-part = Parte « { $part } » inattesa: inviate le parti report e photo.
err-form-no-report = Il modulo non ha una parte report (JSON).
store-staff-exists = Il membro del personale « { $username } » esiste già: scegliete un altro nome.
store-duplicate-of = Un duplicato rimanda a un'altra segnalazione esistente; « { $id } » non lo è.
store-alert-sent-edit = Questa allerta è già stata inviata: inviate un aggiornamento invece di modificarla.
store-message-exists = Esiste già un messaggio con identificativo « { $identifier } ».
store-alert-exists = Esiste già un'allerta con identificativo « { $id } ».
store-alert-not-sent = Questa allerta non è ancora stata inviata.
store-alert-cancelled = Questa allerta è stata annullata.
store-alert-sent = Questa allerta è già stata inviata.
push-endpoint-not-https = L'indirizzo di notifica deve iniziare con https://.
push-endpoint-private = L'indirizzo di notifica non è un indirizzo pubblico di internet.
push-endpoint-too-long = L'indirizzo di notifica supera { $max } caratteri.
push-keys = Le chiavi dell'abbonamento non sono valide (p256dh: 65 byte, auth: 16 byte, in base64url).
push-communes = Un abbonamento segue da 1 a { $max } comuni.
err-push-keys-differ = Questo dispositivo è già abbonato con altre chiavi: annulla prima l'abbonamento.
err-no-push-subscription = Nessun abbonamento con questo indirizzo e questo segreto.
err-push-unresolved = Il nome dell'indirizzo di notifica non si risolve: { $host }.
err-push-busy = Il server sta già verificando molti indirizzi di notifica: riprova tra qualche secondo.

# Rules in force (measures)
measure-duplicate-lang = La lingua { $lang } ha due testi: uno solo per lingua.
measure-text-too-long = Il testo ({ $lang }) ha { $len } caratteri: al massimo { $max }.
measure-other-without-text = Una misura di tipo «altro» ha bisogno di un testo che dica che cos'è.
measure-ends-before-start = La misura finisce prima di entrare in vigore.
measure-invalid-time = «{ $value }» non è un orario: scrivete HH:MM, per esempio 18:00.
measure-empty-curfew = Un coprifuoco dalle { $from } alla stessa ora non finisce mai: scegliete due orari diversi.
measure-invalid-gathering = Un limite di assembramento di { $value } persone: scegliete da 1 a { $max }.
err-no-measure = Nessuna misura con identificativo «{ $id }».
err-measure-changed = La misura è stata modificata dopo la vostra lettura (è alla versione { $version }): rileggetela prima di salvarla.
err-measure-withdrawn = Questa misura è stata ritirata: createne una nuova.

# Advice pages
advice-invalid-id = «{ $id }» non può essere l'identificativo di una pagina: lettere minuscole senza accenti, cifre e trattini, al massimo { $max } caratteri (ad esempio piano-familiare).
advice-no-text = Una pagina ha bisogno di un titolo e di un testo in almeno una lingua.
advice-duplicate-lang = La lingua { $lang } ha due testi: uno solo per lingua.
advice-no-title = Il testo ({ $lang }) non ha titolo.
advice-title-too-long = Il titolo ({ $lang }) ha { $len } caratteri: al massimo { $max }.
advice-no-body = Il testo ({ $lang }) è vuoto.
advice-body-too-long = Il testo ({ $lang }) ha { $len } caratteri: al massimo { $max }.
advice-control-character = Il testo ({ $lang }) contiene un carattere di controllo: sono ammessi solo a capo e tabulazioni.
err-no-advice = Nessuna pagina di consigli con identificativo «{ $id }».
err-advice-exists = Esiste già una pagina con identificativo «{ $id }»: sceglierne un altro, o modificarla.
err-advice-changed = La pagina è stata modificata dopo la sua lettura (è alla versione { $version }): rileggerla prima di salvarla.
err-advice-withdrawn = Questa pagina è stata ritirata: il suo identificativo non può più servire, sceglierne un altro.

# Mutual aid
aid-invalid-id = L'identificativo «{ $id }» non è un UUID creato sul dispositivo.
aid-empty-text = Il testo è vuoto: dica che cosa offre o di che cosa ha bisogno.
aid-text-too-long = Il testo ha { $len } caratteri: al massimo { $max }.
aid-when-too-long = «Quando» ha { $len } caratteri: al massimo { $max }.
aid-exact-address = Un indirizzo esatto non viene mai pubblicato: indichi un comune o un punto vicino a casa, e tolga l'indirizzo dal testo. Il municipio inoltra le risposte.
aid-no-place = Indichi un comune o un punto vicino a casa (uno dei due).
aid-invalid-point = Il punto non è una posizione sulla Terra.
aid-expires-too-late = Un annuncio dura al massimo { $max } giorni.
aid-expires-in-past = L'annuncio finirebbe prima di essere pubblicato.
aid-control-character = Il testo contiene un carattere di controllo: sono ammessi solo gli a capo.
aid-contact-in-text = Il testo contiene un numero di telefono, un'e-mail o un indirizzo: lo tolga. In una conversazione, «Condividi il mio contatto» trasmette il suo solo se lo scegliete entrambi.
aid-state-conflict = Questo annuncio è { $state ->
    [pending] in attesa di moderazione
    [published] pubblicato
    [hidden] nascosto dal municipio
    [withdrawn] ritirato dal suo autore
   *[expired] concluso
}: non è più possibile.
aid-key-missing = Questo dispositivo non ha inviato alcuna chiave di pubblicazione (intestazione Beffroi-Aid-Key, da 32 a 128 lettere, cifre, «-» o «_»): aggiorni l'app.
aid-key-blocked = Il municipio ha bloccato gli annunci di questo dispositivo. Se è un errore, contatti il municipio.
aid-post-clash = Un altro annuncio ha già questo identificativo: l'app ne crea uno nuovo, lo invii di nuovo.
aid-message-clash = Un altro messaggio ha già questo identificativo, oppure questa conversazione riguarda un altro annuncio.
aid-post-not-found = Questo annuncio non è (più) pubblicato: non si può rispondere né segnalarlo.
aid-thread-not-found = Nessuna conversazione di questo tipo per questo dispositivo.
aid-own-post = È il suo annuncio: non può rispondervi.
aid-no-post = Nessun annuncio con questo identificativo è stato inviato da questo dispositivo.
err-no-aid-post = Nessun annuncio di aiuto reciproco con l'identificativo «{ $id }».
aid-thread-closed = Questa conversazione è chiusa (da uno di voi, o il suo annuncio non è più pubblicato): niente più messaggi.
aid-post-full = Questo annuncio ha già ricevuto molte risposte: il municipio non ne inoltra altre.
err-busy-tickets = Il server sta aprendo molte connessioni in diretta insieme: riprovi tra qualche secondo.

# A base map (`beffroi-server serve --tiles-url`).
tiles-url = L'indirizzo dei tile deve essere http:// o https:// con {"{"}z{"}"}, {"{"}x{"}"} e {"{"}y{"}"}, ad esempio https://tiles.example.fr/{"{"}z{"}"}/{"{"}x{"}"}/{"{"}y{"}"}.png
tiles-attribution = I tile richiedono la loro attribuzione (ciò che la loro licenza chiede di mostrare), al massimo 300 caratteri.
tiles-max-zoom = Lo zoom massimo dei tile va da 0 a 22.
