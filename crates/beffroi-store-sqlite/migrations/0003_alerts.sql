-- Alerts. `alerts` is what staff manage (a draft, then the thread it became);
-- `alert_messages` is every message sent, signed, in cursor order: residents'
-- devices sync it (`since=`) and the live stream replays it. Sent messages are
-- never changed or deleted.
CREATE TABLE alerts (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,          -- the current AlertDraft (JSON)
    state      TEXT NOT NULL,          -- draft | published | cancelled
    thread     TEXT UNIQUE,            -- the first message's identifier, once sent
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE alert_messages (
    rev        INTEGER PRIMARY KEY,    -- the sync cursor (from sync_seq)
    identifier TEXT NOT NULL UNIQUE,
    alert_id   TEXT NOT NULL REFERENCES alerts (id),
    msg_type   TEXT NOT NULL,
    area       TEXT NOT NULL,          -- the Area (JSON), to filter streams
    sent       TEXT NOT NULL,
    signed     TEXT NOT NULL           -- the SignedAlert (JSON), served as is
) STRICT;
CREATE INDEX alert_messages_alert ON alert_messages (alert_id, rev);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    message TEXT
) STRICT;
