-- Photos prepared on the device (in DATA/outbox/<id>/<n>.jpg, written and
-- synced before the row), and when a report that the server could not take
-- may be tried again (exponential backoff). `state` may now be 'sending':
-- a send that a crash cut short is sent again (the server answers a repeat
-- with the same receipt).
ALTER TABLE outbox ADD COLUMN photos INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
