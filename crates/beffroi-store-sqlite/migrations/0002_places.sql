-- The directory. A place is stored whole as JSON (the domain type), with the
-- columns the server filters on beside it. Deleted places stay as tombstones
-- so clients learn of the deletion at their next sync.
CREATE TABLE places (
    id       TEXT PRIMARY KEY,
    data     TEXT NOT NULL,
    name     TEXT NOT NULL,
    category TEXT NOT NULL,
    commune  TEXT,
    rev      INTEGER NOT NULL,
    deleted  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX places_rev ON places (rev);
CREATE INDEX places_name ON places (name COLLATE NOCASE);
