# Resident app. French is the source language.

app-title = Beffroi
app-tagline = Les informations de votre mairie, même hors ligne
lang-fr = Français
lang-en = English
lang-it = Italiano
loading = Chargement…

status-online = En ligne
status-offline = Hors ligne
status-unknown = Connexion non vérifiée
status-last-sync = Dernière synchronisation : { $when }
status-never-synced = Jamais synchronisé
status-offline-help = Le serveur de la mairie est injoignable : vous consultez les données enregistrées sur cet appareil.
sync-now = Synchroniser
syncing = Synchronisation…

first-run-title = Bienvenue
first-run-intro = Choisissez votre langue et votre commune. Vous pourrez les changer plus tard.
first-run-language = Langue
first-run-commune = Votre commune
first-run-choose = Choisissez une commune
first-run-no-communes = Aucune commune n'est encore enregistrée sur cet appareil. Connectez-vous à Internet puis réessayez.
first-run-retry = Réessayer
first-run-submit = Continuer
server-intro = Choisissez votre mairie : saisissez l'adresse de son serveur, ou collez le lien beffroi:// de son affiche ou de son site.
server-address = Adresse du serveur ou lien de la mairie
server-address-help = Par exemple https://alertes.ville.fr ou beffroi://connect?server=…&key=…
server-check = Vérifier
server-found = Serveur trouvé : { $territory }
server-key-verified = La clé donnée par le lien est bien celle de ce serveur. Son empreinte :
server-key-compare = Comparez l'empreinte de sa clé avec celle de l'affiche ou du site de votre mairie avant de continuer :
server-choose = C'est ma mairie
server-error-offline = Aucun serveur ne répond à cette adresse. Vérifiez-la, et votre connexion à Internet.
server-error-untrusted = Ce serveur ne détient pas la clé donnée par le lien : il pourrait s'agir d'un imposteur. Vérifiez l'adresse sur l'affiche ou le site de la mairie.
server-error-invalid = Ce n'est ni une adresse (https://…) ni un lien de mairie (beffroi://…).
server-error-not-beffroi = Un serveur répond à cette adresse, mais ce n'est pas un serveur d'alertes Beffroi.
settings-title = Réglages
settings-open = Réglages
settings-key-title = Clé de votre mairie
settings-key-explain = Cet appareil ne croit que les alertes signées avec cette clé. Comparez son empreinte avec celle de l'affiche ou du site de votre mairie :
settings-key-none = Aucune clé enregistrée pour l'instant : elle le sera à la prochaine synchronisation.
settings-cancel = Annuler

communes-title = Communes du territoire
communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
communes-filter = Filtrer les communes
communes-home = votre commune
communes-population = { $count } habitants
communes-postal = Code postal : { $codes }
communes-none-match = Aucune commune ne correspond à « { $query } ».

error-generic = Une erreur est survenue : { $message }
error-offline = Le serveur de la mairie est injoignable : réessayez plus tard. Ce qui est enregistré sur cet appareil reste consultable.
error-storage = Impossible d'enregistrer sur cet appareil : { $detail }
error-invalid = Saisie refusée : { $detail }
error-server = La mairie a refusé la demande : { $detail }
error-untrusted = Ce serveur ne détient pas la clé de votre mairie : il pourrait s'agir d'un imposteur. Vérifiez l'adresse et la clé sur l'affiche ou le site de la mairie.

nav-label = Sections
nav-directory = Annuaire
nav-communes = Communes
directory-title = Commerces et services
directory-search = Rechercher
directory-search-hint = Nom, type de commerce ou rue, même sans accents
directory-category = Catégorie
directory-all-categories = Toutes les catégories
directory-filters = Filtres
filter-open-now = Ouvert maintenant
filter-delivery = Livraison
filter-direct-sales = Vente directe
filter-collection-point = Point de retrait
filter-takeaway = À emporter
directory-updated = Annuaire enregistré sur cet appareil : { $count ->
    [one] { $count } lieu
   *[other] { $count } lieux
}, mis à jour le { $when }.
directory-never = L'annuaire n'a pas encore été téléchargé : connectez-vous à Internet puis synchronisez.
directory-results = { $count ->
    [0] Aucun résultat
    [one] { $count } résultat
   *[other] { $count } résultats
}
directory-order = Trier
directory-order-relevance = Par pertinence
directory-order-home = Les plus proches de ma commune
directory-order-home-unknown = Le tri par distance depuis votre commune sera possible quand l'annuaire contiendra des lieux de votre commune.
directory-distance = à { $km } km
place-back = Retour à la liste
place-week = Horaires des 7 prochains jours
place-day-closed = Fermé
place-day-unknown = Horaires incertains
place-no-hours = Horaires non renseignés.
place-crisis = Mesure exceptionnelle
place-address = Adresse
place-phone = Téléphone
place-website = Site web
place-email = Courriel
place-services = Services
place-checked = Informations vérifiées le { $date }
place-source-osm = Source : OpenStreetMap (contributeurs OSM, ODbL)
place-source-staff = Source : la mairie

# The places a resident follows besides home (settings and first run).
places-title = Mes autres lieux
places-intro = Recevez aussi les alertes de lieux qui comptent pour vous : votre travail, la commune d'un parent. Ils restent sur cet appareil : la mairie ne les connaît pas.
places-none = Aucun autre lieu pour l'instant.
places-add-title = Ajouter un lieu
places-name = Nom du lieu
places-name-example = Travail
places-where = Où
places-kind-commune = Une commune
places-kind-point = Un point précis
places-commune = Commune
places-point-help = Donnez la latitude et la longitude en degrés décimaux (par exemple lues sur une carte).
places-lat = Latitude
places-lon = Longitude
places-point-invalid = Écrivez la latitude et la longitude en nombres, par exemple 43,7281 et 7,3617.
places-point-in = { $at } ({ $commune })
places-notify-from = Me notifier à partir de
places-add = Ajouter ce lieu
places-saved = Lieu « { $name } » enregistré.
places-removed = Vous ne suivez plus « { $name } ».
places-remove = Retirer
places-remove-named = Retirer « { $name } »
settings-notify-title = Notifications
settings-notify-tests = Me notifier aussi des alertes de test et d'exercice (elles restent affichées, signalées comme telles)
settings-notify-critical = Laisser les alertes extrêmes sonner même en mode « ne pas déranger »

# Maps (each has its list equivalent on the same screen).
map-show = Voir la carte
map-hide = Masquer la carte
map-legend = Légende de la carte
map-home = Votre commune
map-alerts-label = Carte des alertes en cours et de vos lieux ; la liste ci-dessous donne les mêmes informations.
map-directory-label = Carte des lieux trouvés ; la liste ci-dessous donne les mêmes informations.
map-report-label = Carte pour choisir le lieu du signalement : touchez ou cliquez l'endroit.
map-open = Ouvert
map-closed = Fermé
map-unknown = Horaires inconnus
map-cluster = { $count } lieux ici : zoomez pour les voir
# The rules in force on the home screen.
rules-place = { $place } — { $commune }
rules-upcoming = À venir
