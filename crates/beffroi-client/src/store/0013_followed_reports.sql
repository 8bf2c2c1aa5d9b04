-- Reports filed by others that this device follows (instead of filing the
-- same again): their public view, refreshed at each sync.
CREATE TABLE followed_reports (
    id          TEXT PRIMARY KEY,
    view        TEXT NOT NULL,      -- a ReporterView (JSON), as last fetched
    followed_at TEXT NOT NULL
) STRICT;
