//! Shapes on the map: the CAP 1.2 polygons and circles an alert may target,
//! the communes' outlines, and which of them holds a point or meets a
//! commune. Geometry is the `geo` crate's (point in polygon, intersection,
//! haversine), not hand-written.
//!
//! Coordinates are WGS84 degrees. CAP writes a point `lat,lon`; GeoJSON (the
//! outlines) writes `[lon, lat]`. Shapes may not cross the antimeridian (a
//! town hall's territory never does, and a ring that jumps 180° of longitude
//! is far likelier a typo than a Pacific alert).

use std::fmt;

use geo::{Contains, Coord, Destination, Distance, Haversine, Intersects, LineString, Point};
use serde::{Deserialize, Serialize};

use crate::place::Position;

/// The most points of one polygon (CAP sets no bound; real ones, drawn or
/// from a weather service, have tens to hundreds).
pub const MAX_POLYGON_POINTS: usize = 1000;
/// The most polygons and circles of one alert, together.
pub const MAX_SHAPES: usize = 20;
/// The largest circle's radius, in kilometres.
pub const MAX_RADIUS_KM: f64 = 1000.0;

/// Why a shape was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("the point {0} is out of range: latitude -90 to 90, longitude -180 to 180")]
    OutOfRange(String),
    #[error(
        "a polygon needs at least 4 points (the last one repeating the first); this one has {0}"
    )]
    TooFewPoints(usize),
    #[error("the polygon is not closed: its last point must repeat its first")]
    OpenRing,
    #[error("the polygon has {len} points: at most {max}")]
    TooManyPoints { len: usize, max: usize },
    #[error("the shape crosses the antimeridian (longitude ±180)")]
    CrossesAntimeridian,
    #[error("the circle's radius {0} km is not valid: more than 0 and at most {max} km", max = MAX_RADIUS_KM)]
    BadRadius(String),
    #[error("the alert has {len} shapes: at most {max}")]
    TooManyShapes { len: usize, max: usize },
    #[error("{0:?} is not a CAP {1}")]
    Unreadable(String, &'static str),
}

impl Position {
    /// Checks the WGS84 ranges (and that both are numbers).
    pub fn check(self) -> Result<Self, ShapeError> {
        let ok = self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon);
        if ok {
            Ok(self)
        } else {
            Err(ShapeError::OutOfRange(format!("{},{}", self.lat, self.lon)))
        }
    }

    fn point(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }

    /// Reads CAP's `lat,lon`.
    fn from_cap(text: &str) -> Option<Self> {
        let (lat, lon) = text.split_once(',')?;
        Some(Position {
            lat: lat.trim().parse().ok()?,
            lon: lon.trim().parse().ok()?,
        })
    }
}

impl fmt::Display for Position {
    /// CAP's `lat,lon`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.lat, self.lon)
    }
}

/// A CAP 1.2 `<polygon>`: a closed ring, its last point repeating its first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Polygon {
    pub points: Vec<Position>,
}

/// A CAP 1.2 `<circle>`: a centre and a radius in kilometres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Circle {
    pub centre: Position,
    pub radius_km: f64,
}

/// Whether a ring steps more than half the globe in longitude between two
/// points (it would then wrap around the antimeridian).
fn crosses_antimeridian(points: &[Position]) -> bool {
    points
        .windows(2)
        .any(|w| (w[1].lon - w[0].lon).abs() > 180.0)
}

impl Polygon {
    /// Checks the ring: in range, closed, 4 to [`MAX_POLYGON_POINTS`] points,
    /// not across the antimeridian.
    pub fn check(&self) -> Result<(), ShapeError> {
        let len = self.points.len();
        if len > MAX_POLYGON_POINTS {
            return Err(ShapeError::TooManyPoints {
                len,
                max: MAX_POLYGON_POINTS,
            });
        }
        for p in &self.points {
            p.check()?;
        }
        if len < 4 {
            return Err(ShapeError::TooFewPoints(len));
        }
        if self.points.first() != self.points.last() {
            return Err(ShapeError::OpenRing);
        }
        if crosses_antimeridian(&self.points) {
            return Err(ShapeError::CrossesAntimeridian);
        }
        Ok(())
    }

    /// Reads CAP's space-separated `lat,lon` pairs, and checks them.
    pub fn from_cap(text: &str) -> Result<Self, ShapeError> {
        let unreadable = || ShapeError::Unreadable(cut(text), "polygon");
        let pairs = text.split_whitespace();
        if pairs.clone().nth(MAX_POLYGON_POINTS).is_some() {
            return Err(ShapeError::TooManyPoints {
                len: pairs.count(),
                max: MAX_POLYGON_POINTS,
            });
        }
        let points = pairs
            .map(Position::from_cap)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(unreadable)?;
        let polygon = Polygon { points };
        polygon.check()?;
        Ok(polygon)
    }

    /// CAP's text: space-separated `lat,lon` pairs.
    pub fn to_cap(&self) -> String {
        let points: Vec<String> = self.points.iter().map(Position::to_string).collect();
        points.join(" ")
    }

    fn geo(&self) -> geo::Polygon<f64> {
        let ring = self.points.iter().map(|p| Coord { x: p.lon, y: p.lat });
        geo::Polygon::new(LineString::from_iter(ring), vec![])
    }

    /// Whether `at` is inside (or on the edge).
    pub fn holds(&self, at: Position) -> bool {
        self.geo().intersects(&at.point())
    }
}

/// The first characters of a refused text, to quote it.
fn cut(text: &str) -> String {
    text.chars().take(60).collect()
}

/// Points of the polygon that stands for a circle where shapes are compared.
const CIRCLE_SIDES: u32 = 64;

impl Circle {
    /// Checks the centre and that the radius is more than 0 and at most
    /// [`MAX_RADIUS_KM`].
    pub fn check(&self) -> Result<(), ShapeError> {
        self.centre.check()?;
        if !(self.radius_km > 0.0 && self.radius_km <= MAX_RADIUS_KM) {
            return Err(ShapeError::BadRadius(self.radius_km.to_string()));
        }
        // The circle's edge may not wrap around the antimeridian either.
        let ring = self.ring();
        if crosses_antimeridian(&ring.points) {
            return Err(ShapeError::CrossesAntimeridian);
        }
        Ok(())
    }

    /// Reads CAP's `lat,lon radius`, and checks it.
    pub fn from_cap(text: &str) -> Result<Self, ShapeError> {
        let unreadable = || ShapeError::Unreadable(cut(text), "circle");
        let mut parts = text.split_whitespace();
        let (Some(centre), Some(radius), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(unreadable());
        };
        let circle = Circle {
            centre: Position::from_cap(centre).ok_or_else(unreadable)?,
            radius_km: radius.parse().map_err(|_| unreadable())?,
        };
        circle.check()?;
        Ok(circle)
    }

    /// CAP's text: `lat,lon radius`.
    pub fn to_cap(&self) -> String {
        format!("{} {}", self.centre, self.radius_km)
    }

    /// Whether `at` is within the radius (haversine distance).
    pub fn holds(&self, at: Position) -> bool {
        Haversine.distance(self.centre.point(), at.point()) <= self.radius_km * 1000.0
    }

    /// The circle as a polygon of [`CIRCLE_SIDES`] sides (to draw it, or to
    /// compare it with an outline).
    pub fn ring(&self) -> Polygon {
        let centre = self.centre.point();
        let mut points: Vec<Position> = (0..CIRCLE_SIDES)
            .map(|i| {
                let bearing = f64::from(i) * 360.0 / f64::from(CIRCLE_SIDES);
                let p = Haversine.destination(centre, bearing, self.radius_km * 1000.0);
                Position {
                    lat: p.y(),
                    lon: p.x(),
                }
            })
            .collect();
        points.push(points[0]);
        Polygon { points }
    }
}

/// A commune's outline: GeoJSON MultiPolygon coordinates, `[lon, lat]`
/// points, each polygon's outer ring first and its holes after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = Vec<Vec<Vec<Vec<f64>>>>))]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(export, type = "Array<Array<Array<[number, number]>>>")
)]
pub struct Outline(pub Vec<Vec<Vec<[f64; 2]>>>);

impl Outline {
    /// Checks every point's range and every ring's closure.
    pub fn check(&self) -> Result<(), ShapeError> {
        for ring in self.0.iter().flatten() {
            let points: Vec<Position> = ring
                .iter()
                .map(|&[lon, lat]| Position { lat, lon }.check())
                .collect::<Result<_, _>>()?;
            Polygon { points }.check()?;
        }
        if self.0.is_empty() || self.0.iter().any(Vec::is_empty) {
            return Err(ShapeError::TooFewPoints(0));
        }
        Ok(())
    }

    /// The outline for `geo`.
    pub fn geo(&self) -> geo::MultiPolygon<f64> {
        let ring =
            |r: &Vec<[f64; 2]>| LineString::from_iter(r.iter().map(|&[x, y]| Coord { x, y }));
        geo::MultiPolygon::new(
            self.0
                .iter()
                .filter_map(|rings| {
                    let (outer, holes) = rings.split_first()?;
                    Some(geo::Polygon::new(
                        ring(outer),
                        holes.iter().map(ring).collect(),
                    ))
                })
                .collect(),
        )
    }

    /// Whether `at` is inside.
    pub fn holds(&self, at: Position) -> bool {
        self.geo().contains(&at.point())
    }

    /// The centroid (where "near this commune" is measured from when the
    /// directory lists no town hall there).
    pub fn centroid(&self) -> Option<Position> {
        centroid(&self.geo())
    }
}

/// The centroid of an outline already in `geo`'s form.
pub fn centroid(outline: &geo::MultiPolygon<f64>) -> Option<Position> {
    use geo::Centroid;
    outline.centroid().map(|p| Position {
        lat: p.y(),
        lon: p.x(),
    })
}

/// How far outside every outline a position may be and still belong to the
/// nearest commune: outlines are simplified (a beach, a jetty or a harbour
/// wall can fall just outside them), and a phone's fix wanders.
pub const COAST_TOLERANCE_M: f64 = 500.0;

/// Of `outlines`, the one `at` is in, else the nearest within
/// [`COAST_TOLERANCE_M`]; `None` when `at` is farther from all of them.
pub fn nearest<'a, K: 'a>(
    outlines: impl IntoIterator<Item = (&'a K, &'a geo::MultiPolygon<f64>)> + Clone,
    at: Position,
) -> Option<&'a K> {
    use geo::{Closest, ClosestPoint};
    let point = at.point();
    if let Some((key, _)) = outlines
        .clone()
        .into_iter()
        .find(|(_, o)| o.contains(&point))
    {
        return Some(key);
    }
    outlines
        .into_iter()
        .filter_map(|(key, outline)| match outline.closest_point(&point) {
            Closest::Intersection(p) | Closest::SinglePoint(p) => {
                Some((key, Haversine.distance(point, p)))
            }
            Closest::Indeterminate => None,
        })
        .filter(|(_, d)| *d <= COAST_TOLERANCE_M)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(key, _)| key)
}

/// The shapes of an alert, made ready to compare with many places.
#[derive(Debug)]
pub struct Shapes {
    polygons: Vec<geo::Polygon<f64>>,
    circles: Vec<Circle>,
}

impl Shapes {
    pub fn new(polygons: &[Polygon], circles: &[Circle]) -> Self {
        Shapes {
            polygons: polygons.iter().map(Polygon::geo).collect(),
            circles: circles.to_vec(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty() && self.circles.is_empty()
    }

    /// Whether one of the shapes holds `at`.
    pub fn hold(&self, at: Position) -> bool {
        self.polygons.iter().any(|p| p.intersects(&at.point()))
            || self.circles.iter().any(|c| c.holds(at))
    }

    /// Whether one of the shapes meets the outline (overlaps it, touches it,
    /// lies in it or contains it).
    pub fn meet(&self, outline: &geo::MultiPolygon<f64>) -> bool {
        self.polygons.iter().any(|p| p.intersects(outline))
            || self
                .circles
                .iter()
                .any(|c| c.ring().geo().intersects(outline))
    }
}

/// Checks an alert's shapes, each and their number.
pub fn check_all(polygons: &[Polygon], circles: &[Circle]) -> Result<(), ShapeError> {
    let len = polygons.len() + circles.len();
    if len > MAX_SHAPES {
        return Err(ShapeError::TooManyShapes {
            len,
            max: MAX_SHAPES,
        });
    }
    polygons.iter().try_for_each(Polygon::check)?;
    circles.iter().try_for_each(Circle::check)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> Position {
        Position { lat, lon }
    }

    /// A square around Place Masséna, Nice (about 1 km a side).
    fn massena() -> Polygon {
        Polygon::from_cap("43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277 43.692,7.264")
            .expect("a valid polygon")
    }

    #[test]
    fn a_polygon_holds_the_points_inside_it() {
        let p = massena();
        assert!(p.holds(at(43.6971, 7.2706)));
        assert!(!p.holds(at(43.7102, 7.2620)), "the station is north of it");
        assert_eq!(
            p.to_cap(),
            "43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277 43.692,7.264"
        );
        assert_eq!(Polygon::from_cap(&p.to_cap()), Ok(p));
    }

    #[test]
    fn bad_polygons_are_refused_by_name() {
        let refused = |text: &str| Polygon::from_cap(text).expect_err(text);
        assert_eq!(
            refused("43.69,7.26 43.70,7.26 43.70,7.27 43.69,7.27"),
            ShapeError::OpenRing
        );
        assert_eq!(
            refused("43.69,7.26 43.70,7.26 43.69,7.26"),
            ShapeError::TooFewPoints(3)
        );
        assert!(matches!(
            refused("91,7.26 43.70,7.26 43.70,7.27 91,7.26"),
            ShapeError::OutOfRange(_)
        ));
        assert!(matches!(
            refused("43.69,7.26 43.70,190 43.70,7.27 43.69,7.26"),
            ShapeError::OutOfRange(_)
        ));
        assert_eq!(
            refused("10,179 11,-179 12,179 10,179"),
            ShapeError::CrossesAntimeridian
        );
        assert!(matches!(
            refused("43.69;7.26 43.70,7.26"),
            ShapeError::Unreadable(_, "polygon")
        ));
        assert!(matches!(
            refused("NaN,7.26 43.70,7.26 43.70,7.27 NaN,7.26"),
            ShapeError::OutOfRange(_)
        ));
        let huge = vec!["43.7,7.2"; 10_000].join(" ");
        assert_eq!(
            refused(&huge),
            ShapeError::TooManyPoints {
                len: 10_000,
                max: MAX_POLYGON_POINTS
            }
        );
    }

    #[test]
    fn a_circle_holds_what_is_within_its_radius() {
        let c = Circle::from_cap("43.6971,7.2706 1.5").expect("a valid circle");
        assert!(c.holds(at(43.6971, 7.2706)));
        // The station is about 1.5 km north-west of Place Masséna.
        assert!(c.holds(at(43.7050, 7.2620)));
        assert!(!c.holds(at(43.7281, 7.3617)), "Èze is 8 km away");
        assert_eq!(c.to_cap(), "43.6971,7.2706 1.5");
        for bad in [
            "43.6971,7.2706 -1",
            "43.6971,7.2706 0",
            "43.6971,7.2706 NaN",
            "43.6971,7.2706 5000",
        ] {
            assert!(
                matches!(Circle::from_cap(bad), Err(ShapeError::BadRadius(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            Circle::from_cap("43.6971,7.2706"),
            Err(ShapeError::Unreadable(_, "circle"))
        ));
        assert_eq!(
            Circle::from_cap("0,179.99 10"),
            Err(ShapeError::CrossesAntimeridian)
        );
    }

    #[test]
    fn shapes_meet_the_outlines_they_overlap() {
        // A square ring around Nice's centre as an "outline".
        let square = |lat: f64, lon: f64, d: f64| {
            Outline(vec![vec![vec![
                [lon - d, lat - d],
                [lon + d, lat - d],
                [lon + d, lat + d],
                [lon - d, lat + d],
                [lon - d, lat - d],
            ]]])
        };
        let nice = square(43.70, 7.27, 0.05);
        let eze = square(43.73, 7.36, 0.02);
        assert_eq!(nice.check(), Ok(()));
        let shapes = Shapes::new(&[massena()], &[]);
        assert!(shapes.meet(&nice.geo()));
        assert!(!shapes.meet(&eze.geo()));
        // A circle around Èze's centre of 1 km meets Èze only; one of 10 km both.
        let small = Shapes::new(&[], &[Circle::from_cap("43.73,7.36 1").expect("circle")]);
        assert!(small.meet(&eze.geo()) && !small.meet(&nice.geo()));
        let big = Shapes::new(&[], &[Circle::from_cap("43.73,7.36 10").expect("circle")]);
        assert!(big.meet(&eze.geo()) && big.meet(&nice.geo()));
        let centre = nice.centroid().expect("a centroid");
        assert!((centre.lat - 43.70).abs() < 1e-9 && (centre.lon - 7.27).abs() < 1e-9);
    }

    #[test]
    fn too_many_shapes_are_refused() {
        let many = vec![massena(); MAX_SHAPES + 1];
        assert_eq!(
            check_all(&many, &[]),
            Err(ShapeError::TooManyShapes {
                len: MAX_SHAPES + 1,
                max: MAX_SHAPES
            })
        );
        assert_eq!(check_all(&many[..MAX_SHAPES], &[]), Ok(()));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn lat() -> impl Strategy<Value = f64> {
            -89.0..89.0f64
        }
        fn lon() -> impl Strategy<Value = f64> {
            -179.0..179.0f64
        }

        proptest! {
            #[test]
            fn positions_are_accepted_exactly_in_range(lat in -200.0..200.0f64, lon in -400.0..400.0f64) {
                let ok = (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon);
                prop_assert_eq!(at(lat, lon).check().is_ok(), ok);
            }

            #[test]
            fn a_rectangle_holds_exactly_the_points_between_its_sides(
                south in lat(), west in lon(), h in 0.001..0.9f64, w in 0.001..0.9f64,
                fy in -0.5..1.5f64, fx in -0.5..1.5f64,
            ) {
                let (north, east) = (south + h, west + w);
                let rect = Polygon { points: vec![
                    at(south, west), at(north, west), at(north, east), at(south, east), at(south, west),
                ]};
                prop_assert_eq!(rect.check(), Ok(()));
                // Away from the edges (the edge itself counts as inside).
                prop_assume!((fy.abs() > 1e-6) && ((fy - 1.0).abs() > 1e-6));
                prop_assume!((fx.abs() > 1e-6) && ((fx - 1.0).abs() > 1e-6));
                let p = at(south + fy * h, west + fx * w);
                let inside = (0.0..=1.0).contains(&fy) && (0.0..=1.0).contains(&fx);
                prop_assert_eq!(rect.holds(p), inside);
                prop_assert_eq!(Shapes::new(std::slice::from_ref(&rect), &[]).hold(p), inside);
                // CAP text and back gives the same ring.
                prop_assert_eq!(Polygon::from_cap(&rect.to_cap()), Ok(rect));
            }

            #[test]
            fn a_circle_holds_what_is_nearer_than_its_radius(
                la in -80.0..80.0f64, lo in -170.0..170.0f64, r in 0.01..500.0f64,
                bearing in 0.0..360.0f64, f in 0.0..2.0f64,
            ) {
                prop_assume!((f - 1.0).abs() > 1e-3);
                let c = Circle { centre: at(la, lo), radius_km: r };
                prop_assume!(c.check().is_ok());
                let p = Haversine.destination(c.centre.point(), bearing, r * 1000.0 * f);
                prop_assert_eq!(c.holds(at(p.y(), p.x())), f < 1.0);
            }

            #[test]
            fn a_ring_that_jumps_half_the_globe_is_refused(la in lat(), lo in 0.5..179.0f64) {
                let ring = Polygon { points: vec![
                    at(la, lo), at(la + 0.5, -lo), at(la + 0.5, lo), at(la, lo),
                ]};
                let far = (lo - (-lo)).abs() > 180.0;
                prop_assert_eq!(ring.check() == Err(ShapeError::CrossesAntimeridian), far);
            }
        }
    }
}
