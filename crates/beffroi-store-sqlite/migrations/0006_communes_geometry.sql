-- A commune's outline and centre (JSON: {"outline": [...], "centre": {...}}),
-- NULL when the territory has none.
ALTER TABLE communes ADD COLUMN geometry TEXT;
