-- The location index: an R*Tree over positions (id = places.rowid), so a box
-- search reads only the places inside the box.
CREATE VIRTUAL TABLE places_rtree USING rtree (id, min_lat, max_lat, min_lon, max_lon);
INSERT INTO places_rtree (id, min_lat, max_lat, min_lon, max_lon)
    SELECT rowid, lat, lat, lon, lon FROM places;
