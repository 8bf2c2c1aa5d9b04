# Advice pages: the resident's screens and the console's editor.
advice-title = Consigli
advice-intro = Brevi pagine di consigli e buone pratiche (confinamento, kit di emergenza, primo soccorso), leggibili senza connessione nell'app. Un'allerta può rimandare a una pagina: inserisci il suo indirizzo pubblico nel link «Per saperne di più» dell'allerta.
advice-needs-publisher = Solo i diffusori e gli amministratori pubblicano le pagine di consigli.
advice-new = Nuova pagina
advice-new-title = Nuova pagina di consigli
advice-edit-title = Modificare la pagina (versione { $version })
advice-id = Identificativo (nell'indirizzo della pagina)
advice-id-help = Lettere minuscole senza accenti, cifre e trattini, ad esempio piano-familiare. Non si può più cambiare in seguito.
advice-markdown-help = Il testo si scrive in Markdown: ## per un sottotitolo, - per un elenco, **grassetto**, *corsivo*, [testo](https://indirizzo). Niente immagini né HTML: appaiono come testo.
advice-form-title = Titolo
advice-form-body = Testo
advice-preview = Anteprima ({ $lang })
advice-preview-title = Anteprima ({ $lang }), come la leggeranno gli abitanti
advice-saved = Pagina «{ $title }» salvata (versione { $version }).
advice-gone = Questa pagina è stata ritirata nel frattempo.
advice-withdraw-confirm = Ritirare la pagina «{ $title }»? Sparirà dai dispositivi alla prossima sincronizzazione; la sua cronologia resta.
advice-withdrawn-done = Pagina «{ $title }» ritirata.
advice-list-title = Pagine pubblicate
advice-count = { $count ->
    [0] Nessuna pagina.
    [one] Una pagina.
   *[other] { $count } pagine.
}
advice-languages = Lingue
advice-link = Indirizzo pubblico
advice-edit-label = Modificare «{ $title }»
advice-withdraw-label = Ritirare «{ $title }»
advice-history-label = Cronologia di «{ $title }»
advice-history-title = Cronologia di «{ $title }»
advice-back = Tutti i consigli
advice-none = Il municipio non ha pubblicato pagine di consigli per i tuoi luoghi.
advice-updated = Aggiornata il { $date }
advice-territory = Tutto il territorio
advice-open = Leggere la pagina di consigli
advice-not-here = Questa pagina di consigli non è sul dispositivo: aprila di nuovo quando sarai connesso.
nav-advice = Consigli
