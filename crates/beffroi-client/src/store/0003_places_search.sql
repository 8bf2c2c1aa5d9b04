-- Search reads light columns and decodes a place's JSON only for the results
-- it returns. `hours` is the expression that applies (the crisis hours when
-- they replace the usual ones); `closed` is a crisis closure.
ALTER TABLE places ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE places ADD COLUMN hours TEXT;
ALTER TABLE places ADD COLUMN country TEXT;
ALTER TABLE places ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
UPDATE places SET
    name = json_extract(data, '$.name'),
    hours = CASE json_extract(data, '$.crisis.status')
        WHEN 'other_hours' THEN json_extract(data, '$.crisis.opening_hours')
        WHEN 'closed' THEN NULL
        ELSE json_extract(data, '$.opening_hours') END,
    country = json_extract(data, '$.address.country'),
    closed = (json_extract(data, '$.crisis.status') IS 'closed');
