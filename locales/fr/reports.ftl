# Resident app: filing a report and following it. French is the source language.

nav-reports = Signalements
reports-title = Mes signalements
reports-new = Nouveau signalement
reports-none = Vous n'avez encore rien signalé. Un nid-de-poule, un dépôt sauvage, une personne qui a besoin d'aide ? Dites-le à votre mairie, même hors ligne.
reports-filed-on = Signalé le { $date }
reports-photos = { $count ->
    [one] { $count } photo
   *[other] { $count } photos
}
reports-photo-alt = Photo { $n } de votre signalement
reports-next-attempt = Nouvel essai le { $date }
reports-timeline = Suivi
reports-sent-note = Votre mairie a bien reçu ce signalement.
reports-queued-note = Enregistré sur cet appareil : il partira dès que le serveur de la mairie sera joignable.

report-step = Étape { $step } sur 3
report-cancel = Annuler
report-back = Précédent
report-next = Suivant
report-send = Envoyer le signalement
report-sending = Envoi…
report-step1-title = Quel est le problème ?
report-step2-title = Décrivez-le
report-description = Description
report-description-hint = Ce que vous avez vu, depuis quand, si c'est dangereux.
report-description-count = { $count } / { $max } caractères
report-required = obligatoire
report-photos = Photos (facultatif, { $max } au plus)
report-photos-add = Ajouter des photos
report-photos-hint = Les photos sont réduites et leurs métadonnées (dont la position GPS) retirées sur cet appareil, avant tout envoi.
report-photo-not-image = « { $name } » n'est pas une photo que l'on peut envoyer : choisissez une image JPEG, PNG ou WebP.
report-photo-preparing = Préparation de la photo…
report-photo-remove = Retirer { $name }
report-contact = Vos coordonnées (facultatif, jamais publiées)
report-contact-name = Nom
report-contact-email = Courriel
report-contact-phone = Téléphone
report-step3-title = Où ?
report-where = Indiquez le lieu
report-where-place = Un lieu de l'annuaire
report-where-address = Une adresse
report-where-position = Ma position actuelle
report-place-search = Rechercher un lieu
report-place-chosen = Lieu choisi : { $name }
report-place-none = Aucun lieu ne correspond.
report-address = Adresse
report-address-hint = Numéro et rue, ou un repère (« devant l'école Jean Macé »).
report-commune = Commune
report-position-use = Utiliser ma position
report-position-got = Position : { $lat }, { $lon }
report-position-unavailable = La position n'est pas disponible sur cet appareil : choisissez un lieu ou saisissez une adresse.
report-error-category = Choisissez le type de problème.
report-error-description = Décrivez le problème.
report-error-too-long = La description dépasse { $max } caractères.
report-error-answer = Répondez à la question : { $question }
report-error-location = Indiquez où se trouve le problème.
report-error-photos = Pas plus de { $max } photos.
report-filed = Signalement enregistré. Il part dès que la mairie est joignable ; suivez-le ici.
