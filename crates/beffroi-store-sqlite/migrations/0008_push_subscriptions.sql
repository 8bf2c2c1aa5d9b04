-- Web Push subscriptions: a device's push endpoint and keys, and what the
-- resident follows (the communes, as a JSON array; the language; the lowest
-- severity pushed). Renewed by the device's heartbeat (`renewed_at`, Unix
-- seconds); a silent one expires.
CREATE TABLE push_subscriptions (
    endpoint TEXT PRIMARY KEY,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    communes TEXT NOT NULL,
    lang TEXT NOT NULL,
    min_severity TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    renewed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX push_subscriptions_renewed ON push_subscriptions (renewed_at);
