-- The advice pages: every version of every page, never changed or deleted
-- (the history), as for the measures. `data` is the version whole (an
-- `Advice` as JSON: its communes and its title and Markdown per language).
CREATE TABLE advice (
    id        TEXT NOT NULL,
    version   INTEGER NOT NULL,
    data      TEXT NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    rev       INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (id, version)
) STRICT;
