# Advice pages: the resident's screens and the console's editor.
advice-title = Advice
advice-intro = Short pages of advice and good practices (lockdown, emergency kit, first aid), readable offline in the app. An alert can point to a page: put its public address in the alert's "More information" link.
advice-needs-publisher = Only publishers and administrators publish advice pages.
advice-new = New page
advice-new-title = New advice page
advice-edit-title = Edit the page (version { $version })
advice-id = Identifier (in the page's address)
advice-id-help = Lowercase letters without accents, digits and dashes, e.g. family-plan. It cannot change afterwards.
advice-markdown-help = The text is written in Markdown: ## for a subheading, - for a list, **bold**, *italic*, [text](https://address). No images or HTML: they show as text.
advice-form-title = Title
advice-form-body = Text
advice-preview = Preview ({ $lang })
advice-preview-title = Preview ({ $lang }), as residents will read it
advice-saved = Page "{ $title }" saved (version { $version }).
advice-gone = This page was withdrawn meanwhile.
advice-withdraw-confirm = Withdraw the page "{ $title }"? It will leave devices at their next sync; its history stays.
advice-withdrawn-done = Page "{ $title }" withdrawn.
advice-list-title = Published pages
advice-count = { $count ->
    [0] No pages.
    [one] One page.
   *[other] { $count } pages.
}
advice-languages = Languages
advice-link = Public address
advice-edit-label = Edit "{ $title }"
advice-withdraw-label = Withdraw "{ $title }"
advice-history-label = History of "{ $title }"
advice-history-title = History of "{ $title }"
advice-back = All advice
advice-none = The town hall has published no advice page for your places.
advice-updated = Updated on { $date }
advice-territory = The whole territory
advice-open = Read the advice page
advice-not-here = This advice page is not on this device: open it again when you are online.
nav-advice = Advice
