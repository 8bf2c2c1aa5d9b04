-- Secrets of the servers sharing this store (signing keys, the reporters'
-- key, the Web Push key), by name; never replaced. A server alone keeps its
-- own in owner-only files instead (see beffroi_server::keys).
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at INTEGER NOT NULL -- unix seconds
) STRICT;
