-- Positions are searched through the R*Tree (0005) and categories through the
-- (category, lat, lon) index (0004): these two only slowed every sync down.
DROP INDEX places_category;
DROP INDEX places_position;
