//! The territory's geography: which commune a position is in, by point in
//! polygon over the communes' outlines (the `geo` crate). The demo
//! territory's outlines are embedded (IGN Admin Express, Licence Ouverte:
//! see `data/README.md`).

use beffroi_domain::place::Position;
use beffroi_domain::shape::{Outline, Shapes};
use beffroi_domain::{Commune, InseeCode};
use geo::{Contains, MultiPolygon, Point};

/// The demo territory's outlines (GeoJSON: `insee_code` in each feature's
/// properties).
pub const DEMO_OUTLINES: &str = include_str!("../../../data/communes-metropole-nca.geojson");

pub use beffroi_domain::shape::COAST_TOLERANCE_M;

/// The communes' outlines, ready for point in polygon.
#[derive(Debug, Default)]
pub struct Outlines {
    communes: Vec<(InseeCode, MultiPolygon<f64>)>,
}

fn ring(value: &serde_json::Value) -> Option<Vec<[f64; 2]>> {
    value
        .as_array()?
        .iter()
        .map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
        .collect()
}

fn polygon(rings: &serde_json::Value) -> Option<Vec<Vec<[f64; 2]>>> {
    rings.as_array()?.iter().map(ring).collect()
}

/// Reads a GeoJSON FeatureCollection of communes: `insee_code` in the
/// properties, a Polygon or MultiPolygon (longitude, latitude), each checked.
pub fn read_outlines(geojson: &str) -> Result<Vec<(InseeCode, Outline)>, String> {
    let doc: serde_json::Value = serde_json::from_str(geojson).map_err(|e| e.to_string())?;
    let features = doc["features"]
        .as_array()
        .ok_or("a FeatureCollection with a \"features\" array")?;
    features
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
                Some("Polygon") => polygon(&g["coordinates"]).map(|p| vec![p]),
                Some("MultiPolygon") => g["coordinates"]
                    .as_array()
                    .and_then(|ps| ps.iter().map(polygon).collect::<Option<Vec<_>>>()),
                _ => None,
            }
            .map(Outline)
            .ok_or_else(|| bad("not a Polygon or MultiPolygon"))?;
            shape.check().map_err(|e| bad(&e.to_string()))?;
            Ok((code, shape))
        })
        .collect()
}

impl Outlines {
    /// The outlines of the communes that have one.
    pub fn of(communes: &[Commune]) -> Self {
        Self {
            communes: communes
                .iter()
                .filter_map(|c| Some((c.code.clone(), c.outline.as_ref()?.geo())))
                .collect(),
        }
    }

    /// The demo territory's 51 communes.
    pub fn demo() -> Self {
        // Embedded and checked by a test: they parse.
        Self::of(&crate::demo::communes().unwrap_or_default())
    }

    /// The commune `at` is in, if any.
    pub fn commune_at(&self, at: &Position) -> Option<&InseeCode> {
        let point = Point::new(at.lon, at.lat);
        self.communes
            .iter()
            .find(|(_, shape)| shape.contains(&point))
            .map(|(code, _)| code)
    }

    /// The commune `at` is in, else the nearest one within
    /// [`COAST_TOLERANCE_M`]; `None` when `at` is outside the territory.
    pub fn commune_near(&self, at: &Position) -> Option<&InseeCode> {
        beffroi_domain::shape::nearest(self.communes.iter().map(|(c, o)| (c, o)), *at)
    }

    /// The communes one of `shapes` meets, in the outlines' order.
    pub fn reached(&self, shapes: &Shapes) -> Vec<InseeCode> {
        self.communes
            .iter()
            .filter(|(_, outline)| shapes.meet(outline))
            .map(|(code, _)| code.clone())
            .collect()
    }

    /// The centroid of a commune's outline (where "near this commune" is
    /// measured from when the directory lists no town hall there).
    pub fn centroid(&self, code: &InseeCode) -> Option<Position> {
        let (_, outline) = self.communes.iter().find(|(c, _)| c == code)?;
        beffroi_domain::shape::centroid(outline)
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
        let read = read_outlines(DEMO_OUTLINES).expect("the embedded outlines parse");
        assert_eq!(read.len(), 51);
        let outlines = Outlines::demo();
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
    fn a_position_just_off_the_simplified_coast_belongs_to_the_nearest_commune() {
        let outlines = Outlines::demo();
        let near = |lat, lon| outlines.commune_near(&at(lat, lon)).map(InseeCode::as_str);
        // The beach below the Opéra, Nice: outside the simplified outline,
        // some 90 m from it.
        let beach = at(43.6935, 7.272);
        assert_eq!(outlines.commune_at(&beach), None);
        assert_eq!(near(43.6935, 7.272), Some("06088"));
        // Inside is inside; 1.5 km out at sea is outside the territory.
        assert_eq!(near(43.7281, 7.3617), Some("06059"));
        assert_eq!(near(43.680, 7.272), None);
        assert_eq!(near(48.8566, 2.3522), None, "Paris");
    }

    #[test]
    fn shapes_reach_the_communes_they_meet() {
        use beffroi_domain::shape::{Circle, Polygon};
        let outlines = Outlines::demo();
        let codes = |polygons: &[Polygon], circles: &[Circle]| -> Vec<String> {
            let mut c: Vec<String> = outlines
                .reached(&Shapes::new(polygons, circles))
                .iter()
                .map(|c| c.to_string())
                .collect();
            c.sort();
            c
        };
        let massena =
            Polygon::from_cap("43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277 43.692,7.264")
                .expect("polygon");
        assert_eq!(codes(&[massena], &[]), ["06088"]);
        // 1 km around Èze's old town: Èze only; 300 km: all 51.
        let eze = Circle::from_cap("43.7281,7.3617 1").expect("circle");
        assert_eq!(codes(&[], &[eze]), ["06059"]);
        let all = Circle::from_cap("43.7281,7.3617 300").expect("circle");
        assert_eq!(codes(&[], &[all]).len(), 51);
        let sea = Circle::from_cap("43.5,7.3 2").expect("circle");
        assert!(codes(&[], &[sea]).is_empty());
    }

    #[test]
    fn bad_outlines_are_refused_with_the_feature_at_fault() {
        let err = read_outlines(r#"{"features":[{"properties":{"insee_code":"06088"},"geometry":{"type":"Point","coordinates":[7.2,43.7]}}]}"#)
            .expect_err("a point is not an outline");
        assert!(err.contains("feature 0"), "{err}");
    }
}
