-- Beffroi server schema, version 1. Migrations are append-only: never edit a
-- released file, add the next one.

-- One sequence for every synced resource: a change gets the next value as its
-- cursor. SQLite has one writer at a time, so commit order is cursor order.
CREATE TABLE sync_seq (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO sync_seq (id, value) VALUES (1, 0);

CREATE TABLE communes (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    population   INTEGER NOT NULL,
    postal_codes TEXT NOT NULL, -- JSON array of strings
    rev          INTEGER NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX communes_rev ON communes (rev);

CREATE TABLE staff (
    username      TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('editor', 'publisher', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
) STRICT;

-- Bearer tokens are stored hashed: a leaked database does not leak sessions.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL -- unix seconds
) STRICT;
CREATE INDEX sessions_expiry ON sessions (expires_at);
