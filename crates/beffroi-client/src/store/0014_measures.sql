-- The rules in force (the town hall's measures), each measure's latest
-- version as JSON; withdrawn ones are deleted by the sync's tombstones.
CREATE TABLE measures (
    id   TEXT PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;
