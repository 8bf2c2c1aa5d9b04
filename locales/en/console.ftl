# Town hall console.

console-title = Town hall console
console-language = Language
lang-fr = Français
lang-en = English
lang-it = Italiano
login-title = Staff login
login-username = Username
login-password = Password
login-submit = Log in
login-pending = Logging in…
login-failed = Wrong username or password.
login-error = Cannot log in: { $message }
logged-in-as = Logged in: { $username } ({ $role })
logout = Log out
role-admin = administrator
role-publisher = publisher
role-editor = editor
communes-title = Communes of the territory
communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
communes-code = INSEE code
communes-name = Name
communes-population = Population
communes-postal = Postal codes
session-expired = Your session has expired: log in again.
load-error = Cannot load: { $message }
