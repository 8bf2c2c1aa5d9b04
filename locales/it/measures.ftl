# The rules in force (measures): what every surface shows of a measure.
measures-title = Regole in vigore
measure-rule-confinement = { $level ->
    [none] Nessun confinamento
    [reinforced] Misure rafforzate
    [partial] Confinamento parziale
   *[full] Confinamento totale
}
measure-rule-curfew = Coprifuoco dalle { $from } alle { $until }
measure-rule-masks = { $required ->
    [not_required] Mascherina non obbligatoria
    [indoors] Mascherina obbligatoria al chiuso
   *[everywhere] Mascherina obbligatoria ovunque
}
measure-rule-attestation = { $required ->
    [true] Autocertificazione obbligatoria per uscire
   *[false] Nessuna autocertificazione per uscire
}
measure-rule-gatherings = Assembramenti limitati a { $max } persone
measure-rule-markets = { $open ->
    [true] Mercati aperti
   *[false] Mercati chiusi
}
measure-rule-schools = { $status ->
    [open] Scuole aperte
    [reduced] Scuole a capienza ridotta
   *[closed] Scuole chiuse
}
measure-rule-other = Altra misura
measure-kind = { $kind ->
    [confinement] Confinamento
    [curfew] Coprifuoco
    [masks] Mascherina
    [attestation] Autocertificazione
    [gatherings] Assembramenti
    [markets] Mercati
    [schools] Scuole
   *[other] Altro
}
measure-territory = Tutto il territorio
measure-since = Dal { $date }
measure-starts = A partire dal { $date }
measure-until = Fino al { $date }
measure-no-end = Senza data di fine
measures-none = Nessuna regola particolare in vigore oggi.
measures-changed = Regole modificate: { $commune }
