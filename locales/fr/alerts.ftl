# Alerts: notifications, the inbox and the alert page (app, CLI and console).
alert-update-prefix = Mise à jour :
alerts-title = Alertes
alerts-none = Aucune alerte.
alerts-active = En cours
alerts-history = Historique
alert-state-active = En cours
alert-state-expired = Expirée
alert-state-cancelled = Annulée
alert-state-draft = Brouillon
alert-unread = Non lue
alert-instruction = Que faire
alert-area-territory = Tout le territoire
alert-expires = Jusqu'au { $date }
alert-sent = Envoyée le { $date }
alert-more = En savoir plus
alert-contact = Contact
alert-back = Retour aux alertes
alert-banner-open = Voir l'alerte
alert-msg-alert = Alerte
alert-msg-update = Mise à jour
alert-msg-cancel = Annulation
severity-extreme = Extrême
severity-severe = Grave
severity-moderate = Modérée
severity-minor = Mineure
severity-unknown = Inconnue
alerts-unread-count = { $count ->
    [one] { $count } non lue
   *[other] { $count } non lues
}
