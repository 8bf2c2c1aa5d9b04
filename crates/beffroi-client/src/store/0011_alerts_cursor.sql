-- The cursor the device held once each message was stored: where it may go
-- back to when a server (or something on the path) handed it a cursor beyond
-- the server's own newest one.
ALTER TABLE alerts ADD COLUMN cursor INTEGER NOT NULL DEFAULT 0;
