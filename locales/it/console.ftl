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
