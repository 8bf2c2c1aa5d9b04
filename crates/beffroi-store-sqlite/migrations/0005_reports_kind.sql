-- Each report's current kind of status (open, fixed, closed), kept beside it
-- so that lists filter and page in SQL; and the order lists page in.
ALTER TABLE reports ADD COLUMN kind TEXT NOT NULL DEFAULT 'open';
UPDATE reports SET kind = coalesce((
    SELECT CASE json_extract(s.status, '$.status')
               WHEN 'fixed' THEN 'fixed'
               WHEN 'not_fixed' THEN 'closed'
               WHEN 'duplicate' THEN 'closed'
               ELSE 'open' END
    FROM report_status s WHERE s.report_id = reports.id ORDER BY s.id DESC LIMIT 1), 'open');
-- (received_at, id) serves what the index on received_at alone served.
DROP INDEX reports_received;
CREATE INDEX reports_order ON reports (received_at, id);
