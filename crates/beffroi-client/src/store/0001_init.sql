-- Beffroi resident store, version 1. Append-only: add a new file for changes.

-- Small key/value facts: sync cursors, settings, last sync outcome.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE communes (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    population   INTEGER NOT NULL,
    postal_codes TEXT NOT NULL -- JSON array
) STRICT;
