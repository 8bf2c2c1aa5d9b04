-- Report photos, kept in the database: replicas need no shared disk, and a
-- photo received by one server is shown by every one.
CREATE TABLE report_photos (
    report_id text NOT NULL REFERENCES reports (id),
    name      text NOT NULL,
    bytes     bytea NOT NULL,
    PRIMARY KEY (report_id, name)
);
-- JPEG, PNG and WebP are compressed already: kept out of line (TOAST)
-- without trying to compress them again.
ALTER TABLE report_photos ALTER COLUMN bytes SET STORAGE EXTERNAL;
