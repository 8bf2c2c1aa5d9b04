# Advice pages: the resident's screens and the console's editor.
advice-title = Conseils
advice-intro = Des pages courtes de conseils et de bons gestes (confinement, kit d'urgence, premiers secours), lisibles sans connexion dans l'application. Une alerte peut renvoyer à une page : mettez son adresse publique dans le lien « En savoir plus » de l'alerte.
advice-needs-publisher = Seuls les diffuseurs et les administrateurs publient les pages de conseils.
advice-new = Nouvelle page
advice-new-title = Nouvelle page de conseils
advice-edit-title = Modifier la page (version { $version })
advice-id = Identifiant (dans l'adresse de la page)
advice-id-help = Des lettres minuscules sans accent, des chiffres et des tirets, par exemple plan-familial. Il ne change plus ensuite.
advice-markdown-help = Le texte s'écrit en Markdown : ## pour un intertitre, - pour une liste, **gras**, *italique*, [texte](https://adresse). Pas d'image ni de HTML : ils s'affichent comme du texte.
advice-form-title = Titre
advice-form-body = Texte
advice-preview = Aperçu ({ $lang })
advice-preview-title = Aperçu ({ $lang }), tel que les habitants le liront
advice-saved = Page « { $title } » enregistrée (version { $version }).
advice-gone = Cette page a été retirée entre-temps.
advice-withdraw-confirm = Retirer la page « { $title } » ? Elle disparaîtra des appareils à leur prochaine synchronisation ; son historique reste.
advice-withdrawn-done = Page « { $title } » retirée.
advice-list-title = Pages publiées
advice-count = { $count ->
    [0] Aucune page.
    [one] Une page.
   *[other] { $count } pages.
}
advice-languages = Langues
advice-link = Adresse publique
advice-edit-label = Modifier « { $title } »
advice-withdraw-label = Retirer « { $title } »
advice-history-label = Historique de « { $title } »
advice-history-title = Historique de « { $title } »
advice-back = Tous les conseils
advice-none = La mairie n'a publié aucune page de conseils pour vos lieux.
advice-updated = Mise à jour le { $date }
advice-territory = Tout le territoire
advice-open = Lire la page de conseils
advice-not-here = Cette page de conseils n'est pas sur l'appareil : rouvrez-la quand vous aurez une connexion.
nav-advice = Conseils
