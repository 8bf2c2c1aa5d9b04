# Console del comune.

console-title = Console del comune
console-language = Lingua
lang-fr = Français
lang-en = English
lang-it = Italiano
login-title = Accesso del personale
login-username = Nome utente
login-password = Password
login-submit = Accedi
login-pending = Accesso…
login-failed = Nome utente o password errati.
login-error = Accesso impossibile: { $message }
logged-in-as = Connesso: { $username } ({ $role })
logout = Esci
role-admin = amministratore
role-publisher = pubblicazione
role-editor = redazione
communes-title = Comuni del territorio
communes-count = { $count ->
    [one] { $count } comune
   *[other] { $count } comuni
}
communes-code = Codice INSEE
communes-name = Nome
communes-population = Popolazione
communes-postal = Codici postali
session-expired = La sessione è scaduta: accedi di nuovo.
load-error = Caricamento impossibile: { $message }
nav-label = Sezioni
places-title = Elenco di negozi e servizi
places-search = Cerca per nome
places-search-submit = Cerca
places-new = Aggiungi un luogo
places-new-title = Nuovo luogo
places-edit-title = Modifica il luogo
places-name = Nome
places-category = Categoria
places-street = Via
places-postcode = Codice postale
places-city = Città
places-lat = Latitudine
places-lon = Longitudine
places-phone = Telefono
places-hours = Orari (opening_hours)
places-hours-help = Sintassi OpenStreetMap, per esempio: Mo-Fr 08:30-12:30,14:00-19:00; Sa 09:00-12:00; PH off
places-delivery = Consegna a domicilio
places-takeaway = Da asporto
places-save = Salva
places-cancel = Annulla
places-saved = «{ $name }» è salvato.
places-actions = Azioni
places-edit = Modifica
places-edit-label = Modifica { $name }
places-close = Chiudi
places-close-label = Segna { $name } come chiuso
places-reopen = Riapri
places-reopen-label = Riapri { $name }
places-closed = chiuso
places-closed-done = «{ $name }» è segnato come chiuso.
places-reopened-done = «{ $name }» è riaperto.
places-delete = Elimina
places-delete-label = Elimina { $name }
places-delete-confirm = Eliminare «{ $name }» dall'elenco?
places-deleted = «{ $name }» è eliminato.
places-count = { $count ->
    [one] { $count } luogo mostrato
   *[other] { $count } luoghi mostrati
}
places-import-title = Importa un file
places-import-help = GeoJSON esportato da OpenStreetMap, o CSV con le colonne id, name, category, lat, lon (vedi docs/directory.md).
places-import-file = File
places-import-submit = Importa
places-import-failed = Importazione impossibile: { $message }
places-report-title = Rapporto di importazione
places-report-counts = { $inserted } aggiunti, { $updated } aggiornati, { $unchanged } invariati, { $kept } conservati (modificati o eliminati dal comune), { $skipped } ignorati (né negozi né servizi), { $rejected } rifiutati.
places-report-row = Riga
places-report-what = Elemento
places-report-reason = Motivo
