-- The local producers' flags, beside the other columns search filters on
-- (filtering on the JSON would parse every place a search looks at).
ALTER TABLE places ADD COLUMN direct_sales INTEGER;
ALTER TABLE places ADD COLUMN collection_point INTEGER;
UPDATE places
   SET direct_sales = json_extract(data, '$.direct_sales'),
       collection_point = json_extract(data, '$.collection_point')
 WHERE json_extract(data, '$.direct_sales') IS NOT NULL
    OR json_extract(data, '$.collection_point') IS NOT NULL;
