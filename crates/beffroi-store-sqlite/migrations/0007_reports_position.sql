-- A report's position in columns, to find the open reports near a point
-- (a resident about to file the same one is shown them).
ALTER TABLE reports ADD COLUMN lat REAL;
ALTER TABLE reports ADD COLUMN lon REAL;
UPDATE reports SET lat = json_extract(data, '$.location.position.lat'),
                   lon = json_extract(data, '$.location.position.lon');
CREATE INDEX reports_category_position ON reports (category, lat, lon) WHERE lat IS NOT NULL;
