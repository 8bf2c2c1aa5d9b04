-- Mutual aid. A post's row keeps its public form (`data`, an `AidPost` as
-- JSON: the point already rounded, never an address), its state, the
-- SHA-256 of its device's posting key (never the key) and the digest of
-- what was sent; `rev` is taken again at every change of state. Times are
-- Unix seconds.
CREATE TABLE aid_posts (
    id            TEXT PRIMARY KEY,
    data          TEXT NOT NULL,
    state         TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    digest        TEXT NOT NULL,
    commune       TEXT,
    received_at   INTEGER NOT NULL,
    expires       INTEGER NOT NULL,
    was_published INTEGER NOT NULL DEFAULT 0,
    rev           INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX aid_posts_key ON aid_posts (key_hash);
CREATE INDEX aid_posts_live ON aid_posts (state, expires);

-- A conversation about a post between its author and one resident, and
-- the contacts each chose to share (shown to the other only when both did);
-- one per post and answering device; `closed` by either side: no more messages.
CREATE TABLE aid_threads (
    id               TEXT PRIMARY KEY,
    post_id          TEXT NOT NULL REFERENCES aid_posts (id),
    answerer         TEXT NOT NULL,
    author_contact   TEXT,
    answerer_contact TEXT,
    created_at       INTEGER NOT NULL,
    closed           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (post_id, answerer)
) STRICT;
CREATE INDEX aid_threads_answerer ON aid_threads (answerer);
CREATE INDEX aid_threads_post ON aid_threads (post_id);

CREATE TABLE aid_messages (
    id          TEXT PRIMARY KEY,
    thread_id   TEXT NOT NULL REFERENCES aid_threads (id),
    from_author INTEGER NOT NULL,
    text        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    rev         INTEGER NOT NULL UNIQUE
) STRICT;
CREATE INDEX aid_messages_thread ON aid_messages (thread_id, rev);

-- One abuse report per post and reporting device.
CREATE TABLE aid_abuse (
    post_id  TEXT NOT NULL REFERENCES aid_posts (id),
    reporter TEXT NOT NULL,
    reason   TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (post_id, reporter)
) STRICT;

-- Posting keys staff blocked, and the post they blocked it from.
CREATE TABLE aid_blocked (
    key_hash TEXT PRIMARY KEY,
    post_id  TEXT NOT NULL,
    actor    TEXT NOT NULL,
    at       INTEGER NOT NULL
) STRICT;

-- Communes whose posts are published at once and moderated after.
CREATE TABLE aid_publish_first (
    commune TEXT PRIMARY KEY
) STRICT;
