-- The search index keeps which column each word is in, not its positions:
-- searches are word prefixes, never phrases, and building it is faster.
-- The index is emptied here and rebuilt from `places` by the client at its
-- next start (the pending flag, as after a first sync).
DROP TABLE places_fts;
CREATE VIRTUAL TABLE places_fts USING fts5 (
    name,
    terms,
    tokenize = 'unicode61 remove_diacritics 2',
    detail = column
);
INSERT INTO meta (key, value) VALUES ('places.index_pending', 'true')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
