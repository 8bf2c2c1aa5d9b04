# The rules in force (measures): what every surface shows of a measure.
measures-title = Rules in force
measure-rule-confinement = { $level ->
    [none] No lockdown
    [reinforced] Reinforced measures
    [partial] Partial lockdown
   *[full] Full lockdown
}
measure-rule-curfew = Curfew from { $from } to { $until }
measure-rule-masks = { $required ->
    [not_required] Masks not required
    [indoors] Masks required indoors
   *[everywhere] Masks required everywhere
}
measure-rule-attestation = { $required ->
    [true] Travel certificate required
   *[false] No travel certificate needed
}
measure-rule-gatherings = Gatherings limited to { $max } people
measure-rule-markets = { $open ->
    [true] Markets open
   *[false] Markets closed
}
measure-rule-schools = { $status ->
    [open] Schools open
    [reduced] Schools at reduced capacity
   *[closed] Schools closed
}
measure-rule-other = Other measure
measure-kind = { $kind ->
    [confinement] Lockdown
    [curfew] Curfew
    [masks] Masks
    [attestation] Travel certificate
    [gatherings] Gatherings
    [markets] Markets
    [schools] Schools
   *[other] Other
}
measure-territory = The whole territory
measure-since = Since { $date }
measure-starts = From { $date }
measure-until = Until { $date }
measure-no-end = No end date
measures-none = No particular rule in force today.
measures-changed = Rules changed: { $commune }
