-- Secrets of the servers sharing this database (signing keys, the
-- reporters' key, the Web Push key), by name; never replaced, so replicas
-- starting together keep the first one made.
CREATE TABLE secrets (
    name       text PRIMARY KEY,
    value      text NOT NULL,
    created_at timestamptz NOT NULL
);
