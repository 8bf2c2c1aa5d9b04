# The server's public pages (an alert shared by link), read in a browser with no app.
page-langs = Langue
page-lang-fr = Français
page-lang-en = English
page-lang-it = Italiano
page-alert-footer = Page publique d'une alerte, publiée par la mairie sur son propre serveur, sans traceur ni publicité.
page-alert-cap = Le message d'alerte au format CAP 1.2 (XML)
page-alert-not-found-title = Alerte introuvable
page-alert-not-found = Aucune alerte publiée ne porte cet identifiant. Vérifiez le lien que vous avez reçu.
page-advice-for = Pour :
page-advice-changed = Mise à jour le { $date }
page-advice-not-translated = Cette page n'est pas encore traduite dans votre langue.
page-advice-footer = Page de conseils publiée par la mairie sur son propre serveur, sans traceur ni publicité. Elle évolue avec la situation.
page-advice-not-found-title = Page introuvable
page-advice-not-found = Aucune page de conseils ne porte cet identifiant, ou elle a été retirée. Vérifiez le lien que vous avez reçu.
