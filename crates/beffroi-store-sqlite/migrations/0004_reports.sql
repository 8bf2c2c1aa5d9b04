-- Residents' reports. `id` is made on the device: a repeat of the same
-- submission finds its row (same `digest`) instead of making a second one.
-- Contact details live inside `data` and are never served publicly.
CREATE TABLE reports (
    id          TEXT PRIMARY KEY,
    digest      TEXT NOT NULL,     -- SHA-256 of the submission, to tell a repeat from a clash
    data        TEXT NOT NULL,     -- the NewReport (JSON)
    category    TEXT NOT NULL,
    commune     TEXT,
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX reports_received ON reports (received_at);

CREATE TABLE report_status (
    id        INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports (id),
    at        TEXT NOT NULL,
    status    TEXT NOT NULL,       -- a ReportStatus (JSON)
    message   TEXT,                -- public message to the reporter
    actor     TEXT                 -- the staff member, or NULL for the intake
) STRICT;
CREATE INDEX report_status_report ON report_status (report_id, id);
