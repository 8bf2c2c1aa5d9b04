# The resident web app (served by the town hall's server at /).
web-setup-title = Vos communes
web-setup-intro = Choisissez une ou plusieurs communes : la page montre leurs alertes. Ce choix reste dans ce navigateur ; seule la liste des communes est envoyée à la mairie pour demander leurs alertes.
web-communes-filter = Chercher une commune
web-communes-legend = Communes suivies
web-communes-chosen = { $count ->
    [0] Aucune commune choisie
    [one] 1 commune choisie
   *[other] { $count } communes choisies
}
web-save = Continuer
web-communes-none = Choisissez au moins une commune.
web-live = En ligne : les alertes arrivent en direct.
web-offline = Hors ligne : voici les dernières alertes reçues ({ $when }).
web-offline-never = Hors ligne : aucune alerte reçue encore sur ce navigateur.
web-rejected = { $count ->
    [one] Une alerte n'a pas pu être vérifiée avec la clé de votre mairie : elle n'est pas affichée.
   *[other] { $count } alertes n'ont pas pu être vérifiées avec la clé de votre mairie : elles ne sont pas affichées.
}
web-verified = Chaque alerte affichée est vérifiée avec la clé de votre mairie.
web-push-title = Alertes page fermée
web-push-enable = Recevoir les alertes même page fermée
web-push-disable = Ne plus les recevoir page fermée
web-push-on = Les alertes de vos communes arrivent sur cet appareil, même page fermée.
web-push-off = Page fermée, vous ne recevez pas les alertes.
web-push-unsupported = Ce navigateur ne peut pas recevoir d'alertes page fermée : gardez la page ouverte, ou installez l'application.
web-push-denied = Les notifications sont bloquées pour ce site : autorisez-les dans les réglages du navigateur.
web-push-failed = Les alertes page fermée ne fonctionnent pas : { $detail }
web-notify-unverified = Nouvelle alerte de votre mairie : ouvrez Beffroi pour la lire.
web-notify-measures = Les règles en vigueur ont changé : ouvrez Beffroi pour les lire.
web-rules-line = { $commune } : { $rules }
web-error-status = Le serveur de la mairie a répondu par une erreur ({ $status }) : réessayez plus tard.
web-follow-no-commune = Ce lieu n'est rattaché à aucune commune du territoire : il ne peut pas être suivi ici.
web-directory-size = Annuaire de la mairie : { $count ->
    [one] { $count } lieu
   *[other] { $count } lieux
}, à jour.
web-photo-unreadable = Cette photo ne peut pas être lue : choisissez une image JPEG, PNG ou WebP.
web-photo-gone = Une photo de ce signalement n'est plus disponible sur cet appareil : ajoutez-la de nouveau.
