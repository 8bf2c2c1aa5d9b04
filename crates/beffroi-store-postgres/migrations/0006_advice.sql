-- The advice pages: every version of every page, never changed or deleted
-- (the history), as for the measures; a version's cursor comes from sync_seq
-- under the cursor lock. `data` is the version whole (an `Advice` as JSON text).
CREATE TABLE advice (
    id        text NOT NULL,
    version   integer NOT NULL,
    data      text NOT NULL,
    withdrawn boolean NOT NULL DEFAULT false,
    rev       bigint NOT NULL UNIQUE,
    PRIMARY KEY (id, version)
);
