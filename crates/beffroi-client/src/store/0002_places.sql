-- The offline directory. Each place is kept whole as JSON, with the columns
-- search filters on beside it, an FTS5 index over its words (accent-insensitive:
-- "epicerie" finds "Épicerie"), and an index on its position.
CREATE TABLE places (
    id       TEXT PRIMARY KEY,
    data     TEXT NOT NULL,
    category TEXT NOT NULL,
    commune  TEXT,
    lat      REAL NOT NULL,
    lon      REAL NOT NULL,
    delivery INTEGER,
    takeaway INTEGER
) STRICT;
CREATE INDEX places_category ON places (category);
CREATE INDEX places_position ON places (lat, lon);

-- rowid = places.rowid; kept in step by the code that applies sync pages.
CREATE VIRTUAL TABLE places_fts USING fts5 (
    name,
    terms,
    tokenize = 'unicode61 remove_diacritics 2'
);
