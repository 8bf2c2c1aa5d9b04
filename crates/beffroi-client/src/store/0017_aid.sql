-- Mutual aid. The published posts kept for offline browsing (each as JSON,
-- removed by the sync's tombstones); what the device sends about mutual
-- aid, written here first and sent in order (`seq`), each request once
-- (`key`: the post, message… it is); the messages the town hall relayed.
CREATE TABLE aid_posts (
    id   TEXT PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE aid_outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT NOT NULL UNIQUE,
    request         TEXT NOT NULL,     -- an AidRequest (JSON)
    state           TEXT NOT NULL,     -- queued | sending | sent | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at TEXT,
    queued_at       TEXT NOT NULL
) STRICT;

CREATE TABLE aid_messages (
    id     TEXT PRIMARY KEY,
    thread TEXT NOT NULL,
    mine   INTEGER NOT NULL,
    text   TEXT NOT NULL,
    at     TEXT NOT NULL
) STRICT;
CREATE INDEX aid_messages_thread ON aid_messages (thread, at);
