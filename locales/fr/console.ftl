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
nav-label = Sections
places-title = Annuaire des commerces et services
places-search = Rechercher par nom
places-search-submit = Rechercher
places-new = Ajouter un lieu
places-new-title = Nouveau lieu
places-edit-title = Modifier le lieu
places-name = Nom
places-category = Catégorie
places-street = Rue
places-postcode = Code postal
places-city = Ville
places-lat = Latitude
places-lon = Longitude
places-phone = Téléphone
places-hours = Horaires (opening_hours)
places-hours-help = Syntaxe OpenStreetMap, par exemple : Mo-Fr 08:30-12:30,14:00-19:00; Sa 09:00-12:00; PH off
places-delivery = Livraison
places-takeaway = À emporter
places-save = Enregistrer
places-cancel = Annuler
places-saved = « { $name } » est enregistré.
places-actions = Actions
places-edit = Modifier
places-edit-label = Modifier { $name }
places-close = Fermer
places-close-label = Déclarer { $name } fermé
places-reopen = Rouvrir
places-reopen-label = Rouvrir { $name }
places-closed = fermé
places-closed-done = « { $name } » est déclaré fermé.
places-reopened-done = « { $name } » est rouvert.
places-delete = Supprimer
places-delete-label = Supprimer { $name }
places-delete-confirm = Supprimer « { $name } » de l'annuaire ?
places-deleted = « { $name } » est supprimé.
places-count = { $count ->
    [one] { $count } lieu affiché
   *[other] { $count } lieux affichés
}
places-import-title = Importer un fichier
places-import-help = GeoJSON exporté d'OpenStreetMap, ou CSV avec les colonnes id, name, category, lat, lon (voir docs/directory.md).
places-import-file = Fichier
places-import-submit = Importer
places-import-failed = Import impossible : { $message }
places-report-title = Rapport d'import
places-report-counts = { $inserted } ajoutés, { $updated } mis à jour, { $unchanged } inchangés, { $kept } conservés (modifiés ou supprimés par la mairie), { $skipped } ignorés (ni commerce ni service), { $rejected } refusés.
places-report-row = Ligne
places-report-what = Élément
places-report-reason = Motif
