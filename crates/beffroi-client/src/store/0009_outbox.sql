-- Reports filed on this device, written here first (the connection is
-- synchronous=FULL, so a queued report survives a crash) and sent when the
-- server is reachable. Sending is idempotent by id on the server, so a send
-- cut short by a crash is simply sent again and never makes a second report.
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    report      TEXT NOT NULL,      -- the NewReport (JSON)
    state       TEXT NOT NULL,      -- queued | sent | failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    secret      TEXT,               -- from the server's receipt, to follow the report
    queued_at   TEXT NOT NULL,
    sent_at     TEXT,
    view        TEXT                -- the last ReporterView fetched (JSON)
) STRICT;
