# Alerts: notifications, the inbox and the alert page (app, CLI and console).
alert-update-prefix = Mise à jour :
alert-at-places = [{ $places }] { $headline }
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
# With its punctuation, before a value (the French typography puts a space before the colon).
alert-audience-label = Pour :
alert-instruction-label = Que faire :
alert-places-label = Vos lieux :
places-min-all = toutes les alertes
alert-contact-label = Contact :
alert-area-territory = Tout le territoire
alert-area-shapes = une zone sur la carte
alert-status-actual = Réelle
alert-status-exercise = Exercice
alert-status-test = Test technique
alert-expires = Jusqu'au { $date }
alert-sent = Envoyée le { $date }
alert-more = En savoir plus
alert-back = Retour aux alertes
alert-banner-open = Voir l'alerte
alert-banner-more = (+{ $count } autre{ $count ->
    [one] {""}
   *[other] s
})
alert-banner-all = Voir les alertes
alert-banner-dismiss = Masquer le bandeau
alert-msg-alert = Alerte
alert-msg-update = Mise à jour
alert-msg-cancel = Annulation
severity-extreme = Extrême
severity-severe = Grave
severity-moderate = Modérée
severity-minor = Mineure
severity-unknown = Inconnue
level-information = Information
level-watch_and_act = Vigilance : préparez-vous
level-emergency = Urgence : agissez
cta-information = Restez informé : suivez l'évolution et les consignes de votre mairie.
cta-watch_and_act = Préparez-vous à agir : la situation évolue, suivez les consignes.
cta-emergency = Agissez maintenant pour vous mettre en sécurité.
alert-standard-cta-label = Consigne générale :
alert-all-clear = Fin d'alerte
alert-all-clear-cta = Le danger est passé. Restez prudent.
alert-issuer = Émis par { $name }
alert-share = Partager
alert-share-link = Lien public de l'alerte
alert-share-copied = Lien copié : collez-le dans un message pour partager l'alerte.
alert-share-not-copied = Copiez ce lien pour partager l'alerte.
alert-link-label = Lien :
alerts-unread-count = { $count ->
    [one] { $count } non lue
   *[other] { $count } non lues
}

# Reports
report-status-changed = Votre signalement : { $status }
report-followed-status-changed = Signalement suivi : { $status }
report-status-received = reçu
report-status-in_progress = en cours de traitement
report-status-planned = intervention prévue
report-status-fixed = résolu
report-status-not_fixed = clos sans intervention
report-status-duplicate = déjà signalé
report-state-queued = en attente d'envoi
report-state-sending = envoi en cours
report-state-sent = envoyé
report-state-failed = refusé
# The system tray (the app keeps receiving alerts while its window is closed).
tray-open = Ouvrir Beffroi
tray-quit = Quitter Beffroi
