# The server's public pages (an alert shared by link), read in a browser with no app.
page-langs = Language
page-lang-fr = Français
page-lang-en = English
page-lang-it = Italiano
page-alert-footer = The public page of an alert, published by the town hall on its own server, with no tracker and no advertising.
page-alert-cap = The alert message in CAP 1.2 format (XML)
page-alert-not-found-title = Alert not found
page-alert-not-found = No published alert has this identifier. Check the link you received.
page-advice-for = For:
page-advice-changed = Updated on { $date }
page-advice-not-translated = This page is not translated into your language yet.
page-advice-footer = Advice page published by the town hall on its own server, with no tracker and no advertising. It changes with the situation.
page-advice-not-found-title = Page not found
page-advice-not-found = No advice page has this identifier, or it was withdrawn. Check the link you received.
