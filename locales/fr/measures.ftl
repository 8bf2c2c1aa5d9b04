# The rules in force (measures): what every surface shows of a measure.
measures-title = Règles en vigueur
measure-rule-confinement = { $level ->
    [none] Pas de confinement
    [reinforced] Mesures renforcées
    [partial] Confinement partiel
   *[full] Confinement strict
}
measure-rule-curfew = Couvre-feu de { $from } à { $until }
measure-rule-masks = { $required ->
    [not_required] Masque non obligatoire
    [indoors] Masque obligatoire en intérieur
   *[everywhere] Masque obligatoire partout
}
measure-rule-attestation = { $required ->
    [true] Attestation de déplacement obligatoire
   *[false] Pas d'attestation de déplacement
}
measure-rule-gatherings = Rassemblements limités à { $max } personnes
measure-rule-markets = { $open ->
    [true] Marchés ouverts
   *[false] Marchés fermés
}
measure-rule-schools = { $status ->
    [open] Écoles ouvertes
    [reduced] Écoles en effectif réduit
   *[closed] Écoles fermées
}
measure-rule-other = Autre mesure
measure-kind = { $kind ->
    [confinement] Confinement
    [curfew] Couvre-feu
    [masks] Masque
    [attestation] Attestation de déplacement
    [gatherings] Rassemblements
    [markets] Marchés
    [schools] Écoles
   *[other] Autre
}
measure-territory = Tout le territoire
measure-since = Depuis le { $date }
measure-starts = À partir du { $date }
measure-until = Jusqu'au { $date }
measure-no-end = Sans date de fin
measures-none = Aucune règle particulière en vigueur aujourd'hui.
measures-changed = Règles modifiées : { $commune }
