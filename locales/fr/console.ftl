# Town hall console. French is the source language.

console-title = Console de la mairie
console-language = Langue
lang-fr = Français
lang-en = English
lang-it = Italiano
login-title = Connexion du personnel
login-username = Identifiant
login-password = Mot de passe
login-submit = Se connecter
login-pending = Connexion…
login-failed = Identifiant ou mot de passe incorrect.
login-error = Connexion impossible : { $message }
logged-in-as = Connecté : { $username } ({ $role })
logout = Se déconnecter
role-admin = administrateur
role-publisher = publication
role-editor = rédaction
communes-title = Communes du territoire
communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
communes-code = Code INSEE
communes-name = Nom
communes-population = Population
communes-postal = Codes postaux
session-expired = Votre session a expiré : reconnectez-vous.
load-error = Chargement impossible : { $message }
