# The server's public pages (an alert shared by link), read in a browser with no app.
page-langs = Lingua
page-lang-fr = Français
page-lang-en = English
page-lang-it = Italiano
page-alert-footer = Pagina pubblica di un'allerta, pubblicata dal comune sul proprio server, senza tracciamento né pubblicità.
page-alert-cap = Il messaggio di allerta in formato CAP 1.2 (XML)
page-alert-not-found-title = Allerta non trovata
page-alert-not-found = Nessuna allerta pubblicata ha questo identificativo. Controlla il link che hai ricevuto.
page-advice-for = Per:
page-advice-changed = Aggiornata il { $date }
page-advice-not-translated = Questa pagina non è ancora tradotta nella sua lingua.
page-advice-footer = Pagina di consigli pubblicata dal municipio sul proprio server, senza tracciatori né pubblicità. Cambia con la situazione.
page-advice-not-found-title = Pagina non trovata
page-advice-not-found = Nessuna pagina di consigli ha questo identificativo, oppure è stata ritirata. Verifichi il link ricevuto.
