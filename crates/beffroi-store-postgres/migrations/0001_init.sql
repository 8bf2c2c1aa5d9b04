-- Beffroi server schema for PostgreSQL, version 1: what the SQLite store's
-- migrations 1 to 8 make, in one step. Migrations are append-only: never edit
-- a released file, add the next one.

-- One sequence for every synced resource: a change takes the next value as
-- its cursor, under the cursor lock held until its transaction commits (see
-- `next_cursor` in src/lib.rs), so commit order is cursor order.
CREATE SEQUENCE sync_seq;

CREATE TABLE communes (
    code         text PRIMARY KEY,
    name         text NOT NULL,
    population   bigint NOT NULL,
    postal_codes text NOT NULL,   -- JSON array of strings
    geometry     text,            -- {"outline": [...], "centre": {...}}, or NULL
    rev          bigint NOT NULL,
    deleted      boolean NOT NULL DEFAULT false
);
CREATE INDEX communes_rev ON communes (rev);

CREATE TABLE staff (
    username      text PRIMARY KEY,
    role          text NOT NULL CHECK (role IN ('editor', 'publisher', 'admin')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL
);

-- Bearer tokens are stored hashed: a leaked database does not leak sessions.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    username   text NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
    expires_at bigint NOT NULL    -- unix seconds
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- The directory: each place whole as JSON text (served as is), the columns
-- the server filters on beside it, tombstones for the devices' sync.
CREATE TABLE places (
    id       text PRIMARY KEY,
    data     text NOT NULL,
    name     text NOT NULL,
    category text NOT NULL,
    commune  text,
    rev      bigint NOT NULL,
    deleted  boolean NOT NULL DEFAULT false
);
CREATE INDEX places_rev ON places (rev);
CREATE INDEX places_name ON places (lower(name) COLLATE "C", id);

CREATE TABLE alerts (
    id         text PRIMARY KEY,
    data       text NOT NULL,     -- the current AlertDraft (JSON)
    state      text NOT NULL,     -- draft | published | cancelled
    thread     text UNIQUE,       -- the first message's identifier, once sent
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Every message sent, signed, in cursor order; never changed or deleted.
-- `signed` is text, not jsonb: its bytes are what the signature covers.
CREATE TABLE alert_messages (
    rev        bigint PRIMARY KEY,
    identifier text NOT NULL UNIQUE,
    alert_id   text NOT NULL REFERENCES alerts (id),
    msg_type   text NOT NULL,
    area       text NOT NULL,
    sent       timestamptz NOT NULL,
    signed     text NOT NULL
);
CREATE INDEX alert_messages_alert ON alert_messages (alert_id, rev);

CREATE TABLE audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL,
    actor   text NOT NULL,
    action  text NOT NULL,
    target  text NOT NULL,
    message text
);

-- Residents' reports, by the id their device made: a repeat of the same
-- submission (same digest) finds its row. Contact details live in `data`.
CREATE TABLE reports (
    id          text PRIMARY KEY,
    digest      text NOT NULL,
    data        text NOT NULL,
    category    text NOT NULL,
    commune     text,
    received_at timestamptz NOT NULL,
    kind        text NOT NULL DEFAULT 'open',
    lat         double precision,
    lon         double precision
);
CREATE INDEX reports_order ON reports (received_at, id);
CREATE INDEX reports_category_position ON reports (category, lat, lon) WHERE lat IS NOT NULL;

CREATE TABLE report_status (
    id        bigserial PRIMARY KEY,
    report_id text NOT NULL REFERENCES reports (id),
    at        timestamptz NOT NULL,
    status    text NOT NULL,      -- a ReportStatus (JSON)
    message   text,
    actor     text
);
CREATE INDEX report_status_report ON report_status (report_id, id);

CREATE TABLE push_subscriptions (
    endpoint     text PRIMARY KEY,
    p256dh       text NOT NULL,
    auth         text NOT NULL,
    communes     text NOT NULL,   -- JSON array of INSEE codes
    lang         text NOT NULL,
    min_severity text NOT NULL,
    created_at   bigint NOT NULL, -- unix seconds
    renewed_at   bigint NOT NULL
);
CREATE INDEX push_subscriptions_renewed ON push_subscriptions (renewed_at);
