-- The town hall's advice pages, each page's latest version as JSON (its
-- title and Markdown per language); withdrawn ones are deleted by the
-- sync's tombstones.
CREATE TABLE advice (
    id   TEXT PRIMARY KEY,
    data TEXT NOT NULL
) STRICT;
