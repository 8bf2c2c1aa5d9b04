//! The territory's geography: which commune a position is in, by point in
//! polygon over the communes' outlines (the `geo` crate). The demo
//! territory's outlines are embedded (IGN Admin Express, Licence Ouverte:
//! see `data/README.md`).

use beffroi_domain::InseeCode;
use beffroi_domain::place::Position;
use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon};

const DEMO_OUTLINES: &str = include_str!("../../../data/communes-metropole-nca.geojson");

/// The communes' outlines.
#[derive(Debug, Default)]
pub struct Outlines {
    communes: Vec<(InseeCode, MultiPolygon<f64>)>,
}

fn ring(value: &serde_json::Value) -> Option<LineString<f64>> {
    value
        .as_array()?
        .iter()
        .map(|p| {
            let (x, y) = (p.get(0)?.as_f64()?, p.get(1)?.as_f64()?);
            (x.is_finite() && y.is_finite()).then_some(Coord { x, y })
        })
        .collect::<Option<Vec<_>>>()
        .filter(|c| c.len() >= 4)
        .map(LineString::new)
}

fn polygon(rings: &serde_json::Value) -> Option<Polygon<f64>> {
    let mut rings = rings.as_array()?.iter().map(ring);
    let exterior = rings.next()??;
    let holes = rings.collect::<Option<Vec<_>>>()?;
    Some(Polygon::new(exterior, holes))
}

impl Outlines {
    /// Reads a GeoJSON FeatureCollection of communes: `insee_code` in the
    /// properties, a Polygon or MultiPolygon (longitude, latitude).
    pub fn parse(geojson: &str) -> Result<Self, String> {
        let doc: serde_json::Value = serde_json::from_str(geojson).map_err(|e| e.to_string())?;
        let features = doc["features"]
            .as_array()
            .ok_or("a FeatureCollection with a \"features\" array")?;
        let communes = features
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let bad = |what: &str| format!("feature {i}: {what}");
                let code: InseeCode = f["properties"]["insee_code"]
                    .as_str()
                    .ok_or_else(|| bad("no insee_code"))?
                    .parse()
                    .map_err(|_| bad("an invalid insee_code"))?;
                let g = &f["geometry"];
                let shape = match g["type"].as_str() {
                    Some("Polygon") => {
                        polygon(&g["coordinates"]).map(|p| MultiPolygon::new(vec![p]))
                    }
                    Some("MultiPolygon") => g["coordinates"]
                        .as_array()
                        .and_then(|ps| ps.iter().map(polygon).collect::<Option<Vec<_>>>())
                        .map(MultiPolygon::new),
                    _ => None,
                }
                .ok_or_else(|| bad("not a valid Polygon or MultiPolygon"))?;
                Ok((code, shape))
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { communes })
    }

    /// The demo territory's 51 communes.
    pub fn demo() -> Self {
        // Embedded and checked by a test: it parses.
        Self::parse(DEMO_OUTLINES).unwrap_or_default()
    }

    /// The commune `at` is in, if any.
    pub fn commune_at(&self, at: &Position) -> Option<&InseeCode> {
        let point = Point::new(at.lon, at.lat);
        self.communes
            .iter()
            .find(|(_, shape)| shape.contains(&point))
            .map(|(code, _)| code)
    }

    pub fn len(&self) -> usize {
        self.communes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.communes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Position {
        Position { lat, lon }
    }

    #[test]
    fn a_position_is_in_its_commune() {
        let outlines = Outlines::parse(DEMO_OUTLINES).expect("the embedded outlines parse");
        assert_eq!(outlines.len(), 51);
        let code = |lat, lon| outlines.commune_at(&at(lat, lon)).map(InseeCode::as_str);
        // Place Masséna, Nice; the old town of Èze; Saint-Laurent-du-Var's town hall.
        assert_eq!(code(43.6971, 7.2706), Some("06088"));
        assert_eq!(code(43.7281, 7.3617), Some("06059"));
        assert_eq!(code(43.6734, 7.1900), Some("06123"));
        // Monaco (not in the territory), and the open sea.
        assert_eq!(code(43.7384, 7.4246), None);
        assert_eq!(code(43.60, 7.30), None);
    }

    #[test]
    fn bad_outlines_are_refused_with_the_feature_at_fault() {
        let err = Outlines::parse(r#"{"features":[{"properties":{"insee_code":"06088"},"geometry":{"type":"Point","coordinates":[7.2,43.7]}}]}"#)
            .expect_err("a point is not an outline");
        assert!(err.contains("feature 0"), "{err}");
    }
}
