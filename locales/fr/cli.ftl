# Messages of the `beffroi` command-line client. French is the source language.

cli-sync-done = Synchronisé avec { $server } : { $count ->
    [one] { $count } commune
   *[other] { $count } communes
} et { $places ->
    [one] { $places } lieu
   *[other] { $places } lieux
} en cache ({ $changed ->
    [one] { $changed } mise à jour
   *[other] { $changed } mises à jour
}).
cli-offline = Hors ligne : impossible de joindre { $server } ({ $reason }).
cli-serving-cache = Données du cache local : { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}, dernière synchronisation réussie : { $when }.
cli-cache-empty = Le cache local est vide : lancez d'abord « beffroi --server URL sync ».
cli-no-server = Aucun serveur de mairie n’est encore choisi : passez une fois --server URL (ou le lien beffroi:// de votre mairie).
cli-communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
cli-directory-empty = L'annuaire local est vide : lancez « beffroi --server URL sync ».
cli-results-count = { $count ->
    [0] Aucun résultat
    [one] { $count } résultat
   *[other] { $count } résultats
}
cli-place-unknown = Aucun lieu « { $id } » dans l'annuaire local.
cli-place-address = Adresse
cli-place-hours = Horaires
cli-place-note = Remarque
cli-place-phone = Téléphone
cli-place-website = Site web
cli-place-checked = Vérifié le
cli-listen-connected = En attente d'alertes (Ctrl-C pour arrêter)…
cli-listen-lost = Connexion au serveur perdue : nouvelle tentative bientôt.
cli-no-home-commune = Aucune commune de résidence : indiquez-la une fois avec --home CODE_INSEE (par exemple 06088 pour Nice).
cli-no-home-centre = La position de votre commune est inconnue (ni mairie dans l'annuaire, ni contour) : impossible de mesurer les distances depuis elle. Utilisez --near LAT,LON.
cli-keys-none = Aucune clé de confiance pour l'instant : la prochaine synchronisation l'enregistrera (seulement celle donnée avec --key, si vous l'avez indiquée).
cli-keys-trusted = Clé de confiance { $fingerprint } (identifiant { $id })
cli-keys-reset = Clés oubliées : la prochaine synchronisation fera de nouveau confiance à la clé de la mairie.
cli-no-data-dir = Ce système n'a pas de dossier de données : passez --data DOSSIER.
cli-cannot-open-data = Impossible d'ouvrir les données locales dans { $dir } : { $reason }
cli-no-runtime = Impossible de démarrer le moteur asynchrone.
cli-report-not-queued = Le signalement qui vient d'être enregistré n'est pas dans la file d'envoi.
cli-not-a-time = « { $value } » n'est pas une date RFC 3339 : par exemple 2026-11-23T10:00:00+01:00.
cli-position-format = Écrivez LAT,LON, par exemple 43.7031,7.2661.
cli-not-a-number = « { $value } » n'est pas un nombre.
cli-position-range = Coordonnées hors limites : latitude de -90 à 90, longitude de -180 à 180.
cli-answer-format = Écrivez ID=TEXTE, par exemple danger=oui.
cli-severity-format = « { $value } » n'est pas une gravité : minor, moderate, severe ou extreme.
cli-places-none = Vous ne suivez aucun lieu en plus de votre commune. Ajoutez-en un : beffroi places add Travail --commune 06088 (ou --at LAT,LON).
cli-place-line = { $name } — { $place } — notifications : { $from }
cli-place-saved = Lieu « { $name } » enregistré sur cet appareil.
cli-place-removed = Vous ne suivez plus « { $name } ».
cli-place-not-followed = Vous ne suivez aucun lieu nommé « { $name } » (voir « beffroi places »).
cli-rules-home = { $commune } (domicile)
cli-rules-place = { $place } — { $commune }
cli-advice-none = Aucune page de conseils pour le moment.
cli-advice-not-found = Aucune page de conseils « { $id } » sur cet appareil (la liste : beffroi advice).
