# The server's public pages (an alert shared by link), read in a browser with no app.
page-langs = Langue
page-lang-fr = Français
page-lang-en = English
page-lang-it = Italiano
page-alert-footer = Page publique d'une alerte, publiée par la mairie sur son propre serveur, sans traceur ni publicité.
page-alert-cap = Le message d'alerte au format CAP 1.2 (XML)
page-alert-not-found-title = Alerte introuvable
page-alert-not-found = Aucune alerte publiée ne porte cet identifiant. Vérifiez le lien que vous avez reçu.
