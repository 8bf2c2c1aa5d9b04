-- Whether the device understands a push saying the rules in force changed
-- (pages from before would show it as an alert they cannot read).
ALTER TABLE push_subscriptions ADD COLUMN measures boolean NOT NULL DEFAULT false;
