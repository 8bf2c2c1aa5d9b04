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
server-error-unauthorized = Votre session a expiré : reconnectez-vous.
server-error-forbidden = Votre rôle ne permet pas cette action : demandez-la à un responsable.
server-error-not_found = Introuvable : l'élément a peut-être été supprimé entre-temps. Rechargez la page.
server-error-too_many_requests = Trop de demandes en peu de temps : patientez un instant puis réessayez.
server-error-payload_too_large = Le fichier ou le texte envoyé est trop volumineux.
server-error-unsupported_media_type = Ce type de fichier n'est pas accepté.
server-error-method_not_allowed = Cette action n'est pas possible ici.
server-error-internal = Le serveur a rencontré une erreur (elle est enregistrée dans son journal). Réessayez dans un moment.
server-error-busy = Le serveur est très sollicité : réessayez dans quelques secondes.
server-error-draft_changed = Ce brouillon a été modifié depuis votre relecture : relisez-le avant de publier.
server-error-network = Le serveur ne répond pas : vérifiez la connexion puis réessayez.
server-error-refused = Refusé par le serveur : { $detail }
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
places-direct-sales = Vente directe (producteur)
places-collection-point = Point de retrait
places-takeaway = À emporter
places-save = Enregistrer
places-cancel = Annuler
places-saved = « { $name } » est enregistré.
places-actions = Actions
places-edit = Modifier
places-edit-label = Modifier { $name }
places-close = Fermer
places-close-label = Fermer { $name }
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

# Alerts page
alerts-new = Nouvelle alerte
alerts-form-draft = Rédiger une alerte
alerts-form-update = Mettre à jour l'alerte envoyée
alerts-event = Évènement (quelques mots)
alerts-event-code = Code d'évènement (facultatif, ex. confinement)
alerts-category = Catégorie
alerts-severity = Gravité
alerts-urgency = Urgence
alerts-certainty = Certitude
alerts-status = Nature
alerts-expires = Fin de validité
alerts-fr-first = obligatoire
alerts-headline = Titre (160 caractères au plus)
alerts-description = Description
alerts-instruction = Consignes
alerts-web-help = Le lien peut être une page de conseils de la mairie (proposée en tapant) : l'application l'ouvre alors depuis sa copie, même hors connexion.
alerts-web = Lien (facultatif)
alerts-area = Communes concernées
alerts-save-draft = Enregistrer le brouillon et prévisualiser
alerts-send-update = Envoyer la mise à jour
alerts-draft-saved = Brouillon enregistré. Vérifiez l'aperçu avant de publier.
alerts-update-sent = Mise à jour envoyée aux habitants.
alerts-published = Alerte publiée : elle part vers les habitants concernés.
alerts-cancelled = Alerte annulée.
alerts-cancel-confirm = Annuler cette alerte pour tous les habitants ?
alerts-preview = Aperçu de la notification
alerts-urgent = urgente
alerts-normal = normale
alerts-publish = Publier
alerts-choose = Choisir…
alerts-area-communes = Certaines communes
alerts-area-shapes = Une zone dessinée (polygone ou cercle)
alerts-polygons = Polygones, un par ligne
alerts-polygons-help = Au format CAP : des paires « latitude,longitude » séparées par des espaces, le premier point répété à la fin. Par exemple 43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.264
alerts-circles = Cercles, un par ligne
alerts-circles-help = Au format CAP : « latitude,longitude rayon », le rayon en kilomètres. Par exemple 43.7281,7.3617 1.5
alerts-area-check = Vérifier la zone
alerts-area-map-label = Carte pour dessiner la zone ; le champ « Polygones » reçoit ce qui est dessiné.
alerts-area-map-help = Cliquez sur la carte pour placer les coins d'un polygone, puis « Fermer le polygone » : il s'ajoute au champ ci-dessus, que vous pouvez aussi remplir au clavier.
alerts-area-corners = { $count ->
    [0] Aucun coin placé
    [one] 1 coin placé
   *[other] { $count } coins placés
}
alerts-area-close = Fermer le polygone
alerts-area-clear = Effacer le tracé
alerts-area-reaches = Cette zone touche { $count ->
    [one] la commune
   *[other] { $count } communes :
} { $names }.
alerts-area-places = Lieux de l'annuaire dans la zone : { $list }.
alerts-area-places-none = Aucun lieu de l'annuaire dans la zone.
alerts-area-place-count = { $kind } ({ $count })
alerts-confirm-shapes = { $count ->
    [one] une zone sur la carte
   *[other] { $count } zones sur la carte
}
alerts-confirm-title = Publier cette alerte ?
alerts-confirm-to = Destinataires
alerts-confirm-langs = Langues
alerts-confirm-communes = { $count ->
    [one] La commune de { $names }
   *[other] { $count } communes : { $names }
}
alerts-confirm-publish = Publier maintenant
alerts-confirm-back = Revenir sans publier
alerts-missing-langs = Pas de texte en : { $langs }. Ces habitants recevront le texte français.
alerts-other-texts = Textes conservés tels quels (cette page ne les modifie pas) : { $langs }.
alerts-duplicate = Une alerte active dit déjà la même chose : « { $headline } ». La publier à nouveau ?
alerts-needs-publisher = La publication demande le rôle publication.
alerts-state = État
alerts-updated = Modifiée le
alerts-actions = Actions
alerts-update = Mettre à jour
alerts-cancel = Annuler l'alerte
alerts-public-page = Page publique
alerts-public-page-of = Page publique de « { $headline } » (nouvel onglet)
edit = Modifier
cancel = Abandonner
alert-category-health = Santé
alert-category-safety = Sécurité civile
alert-category-security = Sûreté
alert-category-rescue = Secours
alert-category-fire = Incendie
alert-category-met = Météo
alert-category-geo = Géologique
alert-category-env = Environnement
alert-category-transport = Transports
alert-category-infra = Réseaux et infrastructures
alert-category-cbrne = NRBC
alert-category-other = Autre
urgency-immediate = Immédiate
urgency-expected = Attendue
urgency-future = Future
urgency-past = Passée
urgency-unknown = Inconnue
certainty-observed = Constatée
certainty-likely = Probable
certainty-possible = Possible
certainty-unlikely = Peu probable
certainty-unknown = Inconnue
alerts-col-headline = Titre

# Reports page
reports-title = Signalements
reports-back = ← Tous les signalements
reports-filters = Filtrer les signalements
reports-commune = Commune
reports-category = Catégorie
reports-status = État
reports-all = Toutes
reports-kind-open = Ouverts
reports-kind-fixed = Résolus
reports-kind-closed = Clos
reports-from = Reçus depuis le
reports-to = Reçus avant le
reports-sort = Ordre
reports-newest = Plus récents d'abord
reports-oldest = Plus anciens d'abord
reports-apply = Filtrer
reports-export-csv = Exporter en CSV
reports-export-geojson = Exporter en GeoJSON
reports-count = { $count ->
    [one] { $count } signalement
   *[other] { $count } signalements
}
reports-more = Afficher les signalements suivants
reports-received = Reçu le
reports-description = Description
reports-commune-only = le lieu exact est dans la description
reports-address = Adresse
reports-position = Coordonnées
reports-open-map = voir sur OpenStreetMap
reports-photos = Photos
reports-photo-alt = Photo { $n } du signalement
reports-contact = Contact (privé)
reports-history = Historique
reports-new-status = Nouvel état
reports-reason = Raison
reports-duplicate-of = Doublon du signalement (identifiant)
reports-public-message = Message public à l'habitant
reports-save-status = Enregistrer l'état
reports-status-saved = État enregistré : l'habitant le verra.
link-title = Lien pour les habitants
link-explain = Imprimez ce lien ou ce code QR sur vos affiches et votre site : il donne l'adresse de votre serveur et l'empreinte de sa clé, que les habitants comparent à celle qu'affiche leur application (Réglages) ou donnent à la commande beffroi, de sorte qu'aucun autre serveur ne puisse se faire passer pour votre mairie.
link-qr-alt = Code QR du lien de la mairie
link-server = Adresse du serveur
link-fingerprint = Empreinte de la clé de la mairie
link-link = Lien
link-print = Imprimer l'affiche
reports-map-show = Voir la carte
reports-map-hide = Masquer la carte
reports-map-label = Carte des signalements qui correspondent aux filtres ; le tableau ci-dessous donne les mêmes informations.
reports-map-cluster = { $count } signalements ici : cliquez pour zoomer
reports-map-unlocated = { $count ->
    [one] 1 signalement sans position n'est pas sur la carte
   *[other] { $count } signalements sans position ne sont pas sur la carte
}

# Rules in force (measures) page; the shared sentences are in measures.ftl
measures-new = Ajouter une règle
measures-new-title = Nouvelle règle
measures-edit-title = Modifier la règle (version { $version })
measures-kind = Type de règle
measures-choose = Choisir…
measures-level = Niveau
measures-curfew-from = Début du couvre-feu
measures-curfew-until = Fin du couvre-feu
measures-curfew-help = Une fin plus tôt que le début passe minuit : de 21:00 à 06:00, par exemple.
measures-masks = Port du masque
measures-gatherings = Nombre maximal de personnes (1 à { $max })
measures-schools = Écoles
measures-preview = Les habitants liront : « { $summary } »
measures-area = Communes concernées
measures-area-communes = Certaines communes
measures-pick-commune = Cochez au moins une commune, ou choisissez tout le territoire.
measures-form-since = Prend effet le
measures-form-until = Prend fin le (facultatif)
measures-form-until-help = Laissez vide si la fin n'est pas encore connue.
measures-texts = Précisions, 500 caractères au plus par langue (facultatives)
measures-texts-other = Précisions, 500 caractères au plus par langue (obligatoires pour une règle « Autre » : au moins une langue)
measures-text-in = En { $lang } :
measures-save = Enregistrer la règle
measures-saved = Règle enregistrée : « { $summary } » (version { $version }).
measures-reload = Recharger la dernière version (vos saisies seront perdues)
measures-gone = Cette règle a été retirée entre-temps.
measures-list-title = Règles publiées
measures-count = { $count ->
    [0] Aucune règle publiée.
    [one] 1 règle publiée (les règles retirées n'y figurent plus).
   *[other] { $count } règles publiées (les règles retirées n'y figurent plus).
}
measures-other-title = { $rule } : { $text }
measures-status-in-force = En vigueur
measures-status-upcoming = À venir
measures-status-ended = Terminée
measures-communes = Communes
measures-validity = Validité
measures-version-label = Dernière modification
measures-version-changed = Version { $version } du { $date }
measures-version-withdrawn = retirée
measures-edit-label = Modifier : { $summary }
measures-withdraw = Retirer
measures-withdraw-label = Retirer : { $summary }
measures-withdraw-confirm = Retirer la règle « { $summary } » ? Les habitants ne la verront plus ; son historique reste consultable.
measures-withdrawn-done = Règle retirée : « { $summary } ».
measures-history = Historique
measures-history-label = Historique : { $summary }
measures-history-title = Historique de « { $summary } »
measures-needs-publisher = Ajouter, modifier ou retirer une règle demande le rôle publication.

# The field agent's tab: one-tap reports
field-title = Terrain
field-intro = Des boutons prêts à l'emploi pour signaler en un geste là où vous êtes : chaque bouton dépose un signalement à la position de cet appareil, marqué comme déposé par vous. Sans réseau, il attend ici et part dès le retour de la connexion.
field-position = Position connue à { $accuracy } m près.
field-position-waiting = Recherche de la position…
field-position-denied = La position est refusée à cette page : autorisez-la dans le navigateur pour signaler d'un geste.
field-position-unavailable = Position indisponible pour le moment : réessayez à l'extérieur ou dans un instant.
field-position-vague = Position trop vague (à { $accuracy } m près) pour dire où est le signalement : attendez un instant ou sortez à découvert.
field-waiting = { $count ->
    [one] Un signalement attend le réseau.
   *[other] { $count } signalements attendent le réseau.
}
field-queued = Signalement « { $category } » enregistré sur l'appareil.
field-sent = Signalement « { $category } » envoyé à la mairie.
field-refused = Signalement « { $category } » refusé : { $detail }
field-setup = Préparer les boutons
field-category = Catégorie
field-choose = Choisir…
field-text = Texte du signalement
field-add = Ajouter le bouton
field-preset-added = Bouton ajouté.
field-remove = Supprimer
field-remove-label = Supprimer le bouton « { $text } »
reports-filed-by = Déposé par
reports-filed-by-staff = { $name } (agent de la mairie)
reports-staff-badge = Agent

# Mutual aid moderation.
aid-console-intro = Les annonces d'entraide des habitants attendent votre accord avant d'être publiées, sauf dans les communes en publication directe. Seul un lieu approximatif est connu ; l'appareil n'est désigné que par une empreinte.
aid-filter = Afficher
aid-filter-all = Toutes les annonces
aid-queue-none = Aucune annonce dans cette liste.
aid-received = Reçue le { $date }
aid-device = Appareil { $device }
aid-blocked-badge = Appareil bloqué
aid-abuse = { $count ->
    [one] 1 signalement d'abus
   *[other] { $count } signalements d'abus
}
aid-approve = Publier
aid-hide = Masquer
aid-block = Bloquer l'appareil
aid-unblock = Débloquer l'appareil
aid-block-confirm = Bloquer cet appareil ? Il ne pourra plus publier, écrire ni signaler, et ses annonces seront masquées.
aid-approved = Annonce publiée.
aid-hidden = Annonce masquée.
aid-blocked = { $count ->
    [one] Appareil bloqué ; 1 annonce masquée.
   *[other] Appareil bloqué ; { $count } annonces masquées.
}
aid-unblocked = Appareil débloqué.
aid-publish-first-title = Publication directe
aid-publish-first-help = Dans les communes cochées, les annonces sont publiées dès leur envoi et modérées après. Réservé au rôle publication.
aid-publish-first-saved = { $commune } : { $on ->
    [yes] publication directe.
   *[no] modération avant publication.
}
