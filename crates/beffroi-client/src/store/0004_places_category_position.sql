-- "The nearest pharmacies": a box search within one category.
CREATE INDEX places_category_position ON places (category, lat, lon);
