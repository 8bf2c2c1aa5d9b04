-- The rules in force: every version of every measure, never changed or
-- deleted (the history). A version's cursor (`rev`) is what devices sync
-- by; only each measure's latest version is sent, a withdrawn one as a
-- tombstone. `data` is the version whole (a `Measure` as JSON).
CREATE TABLE measures (
    id        TEXT NOT NULL,
    version   INTEGER NOT NULL,
    data      TEXT NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    rev       INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (id, version)
) STRICT;
