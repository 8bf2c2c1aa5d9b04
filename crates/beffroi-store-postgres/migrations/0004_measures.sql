-- The rules in force: every version of every measure, never changed or
-- deleted (the history). A version's cursor (`rev`, from sync_seq under the
-- cursor lock) is what devices sync by; only each measure's latest version
-- is sent, a withdrawn one as a tombstone. `data` is the version whole (a
-- `Measure` as JSON text).
CREATE TABLE measures (
    id        text NOT NULL,
    version   integer NOT NULL,
    data      text NOT NULL,
    withdrawn boolean NOT NULL DEFAULT false,
    rev       bigint NOT NULL UNIQUE,
    PRIMARY KEY (id, version)
);
