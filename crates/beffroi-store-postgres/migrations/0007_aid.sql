-- (PostgreSQL: `rev` comes from sync_seq under the cursor lock, as everywhere.)
-- Mutual aid. A post's row keeps its public form (`data`, an `AidPost` as
-- JSON: the point already rounded, never an address), its state, the
-- SHA-256 of its device's posting key (never the key) and the digest of
-- what was sent; `rev` is taken again at every change of state. Times are
-- Unix seconds.
CREATE TABLE aid_posts (
    id            text PRIMARY KEY,
    data          text NOT NULL,
    state         text NOT NULL,
    key_hash      text NOT NULL,
    digest        text NOT NULL,
    commune       text,
    received_at   bigint NOT NULL,
    expires       bigint NOT NULL,
    was_published boolean NOT NULL DEFAULT false,
    rev           bigint NOT NULL UNIQUE
);
CREATE INDEX aid_posts_key ON aid_posts (key_hash);
CREATE INDEX aid_posts_live ON aid_posts (state, expires);

-- A conversation about a post between its author and one resident, and
-- the contacts each chose to share (shown to the other only when both did);
-- one per post and answering device; `closed` by either side: no more messages.
CREATE TABLE aid_threads (
    id               text PRIMARY KEY,
    post_id          text NOT NULL REFERENCES aid_posts (id),
    answerer         text NOT NULL,
    author_contact   text,
    answerer_contact text,
    created_at       bigint NOT NULL,
    closed           boolean NOT NULL DEFAULT false,
    UNIQUE (post_id, answerer)
);
CREATE INDEX aid_threads_answerer ON aid_threads (answerer);
CREATE INDEX aid_threads_post ON aid_threads (post_id);

CREATE TABLE aid_messages (
    id          text PRIMARY KEY,
    thread_id   text NOT NULL REFERENCES aid_threads (id),
    from_author boolean NOT NULL,
    text        text NOT NULL,
    at          bigint NOT NULL,
    rev         bigint NOT NULL UNIQUE
);
CREATE INDEX aid_messages_thread ON aid_messages (thread_id, rev);

-- One abuse report per post and reporting device.
CREATE TABLE aid_abuse (
    post_id  text NOT NULL REFERENCES aid_posts (id),
    reporter text NOT NULL,
    reason   text NOT NULL,
    at       bigint NOT NULL,
    PRIMARY KEY (post_id, reporter)
);

-- Posting keys staff blocked, and the post they blocked it from.
CREATE TABLE aid_blocked (
    key_hash text PRIMARY KEY,
    post_id  text NOT NULL,
    actor    text NOT NULL,
    at       bigint NOT NULL
);

-- Communes whose posts are published at once and moderated after.
CREATE TABLE aid_publish_first (
    commune text PRIMARY KEY
);
