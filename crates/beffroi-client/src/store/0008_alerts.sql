-- Alerts received from the town hall, each checked against its pinned keys
-- before it is stored. `seq` is the arrival order (the server's order);
-- `thread` groups a message with the updates and cancellation that follow it.
CREATE TABLE alerts (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier  TEXT NOT NULL UNIQUE,
    thread      TEXT NOT NULL,
    msg_type    TEXT NOT NULL,
    data        TEXT NOT NULL,   -- the verified AlertMessage (JSON)
    signed      TEXT NOT NULL,   -- the SignedAlert as received, to check again
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX alerts_thread ON alerts (thread, seq);

-- A thread is read up to a message: a later update makes it unread again.
CREATE TABLE alert_reads (
    thread   TEXT PRIMARY KEY,
    read_seq INTEGER NOT NULL
) STRICT;
