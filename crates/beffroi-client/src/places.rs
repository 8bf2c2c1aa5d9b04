//! The places a resident follows besides their home commune: work, a
//! parent's village, a holiday flat. Each is a commune or a point with a
//! name, and notifies from a severity up. They stay on the device: which
//! alerts concern them is computed here, from the alerts' communes and
//! shapes and the communes' outlines, and the server never learns them.

use std::collections::HashMap;

use beffroi_domain::alert::{AlertMessage, Area, Severity, Spot};
use beffroi_domain::l10n::Msg;
use beffroi_domain::place::Position;
use beffroi_domain::shape::Outline;
use beffroi_domain::{Commune, InseeCode, msg};
use serde::{Deserialize, Serialize};

/// The most places a resident follows (home not counted).
pub const MAX_PLACES: usize = 20;
/// The most characters of a place's name.
pub const MAX_NAME: usize = 40;

/// A place the resident follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SavedPlace {
    /// The resident's name for it ("Travail", "Chez maman"), unique.
    pub name: String,
    /// A commune place's commune; for a point, the commune it lies in (found
    /// on the device from the outlines, when it can be).
    #[serde(default)]
    pub commune: Option<InseeCode>,
    /// A point place's position (never sent anywhere).
    #[serde(default)]
    pub point: Option<Position>,
    /// Notified of alerts here from this severity up (`unknown`: all).
    #[serde(default = "all_severities")]
    pub min_severity: Severity,
}

fn all_severities() -> Severity {
    Severity::Unknown
}

impl SavedPlace {
    /// A commune place.
    pub fn commune(name: &str, commune: InseeCode) -> Self {
        SavedPlace {
            name: name.to_owned(),
            commune: Some(commune),
            point: None,
            min_severity: Severity::Unknown,
        }
    }

    /// A point place.
    pub fn point(name: &str, at: Position) -> Self {
        SavedPlace {
            name: name.to_owned(),
            commune: None,
            point: Some(at),
            min_severity: Severity::Unknown,
        }
    }

    /// Whether an alert of `severity` here deserves a notification.
    pub fn wants(&self, severity: Severity) -> bool {
        severity.rank() >= self.min_severity.rank()
    }
}

/// Checks a place to save among `places` (replacing the one named
/// `replacing`, if any) against the territory's `communes`: a name, a
/// commune of the territory or a point in range, and for a point its
/// commune, found from the outlines. Returns the place as it is saved.
pub fn check(
    mut place: SavedPlace,
    places: &[SavedPlace],
    replacing: Option<&str>,
    communes: &[Commune],
) -> Result<SavedPlace, Msg> {
    place.name = place.name.trim().to_owned();
    let len = place.name.chars().count();
    if len == 0 {
        return Err(msg!("place-name-empty"));
    }
    if len > MAX_NAME {
        return Err(msg!("place-name-too-long", len = len, max = MAX_NAME));
    }
    let same = |p: &SavedPlace, name: &str| p.name.to_lowercase() == name.to_lowercase();
    let others: Vec<&SavedPlace> = places
        .iter()
        .filter(|p| replacing.is_none_or(|r| !same(p, r)))
        .collect();
    if others.iter().any(|p| same(p, &place.name)) {
        return Err(msg!("place-name-taken", name = &place.name));
    }
    if others.len() >= MAX_PLACES {
        return Err(msg!("place-too-many", max = MAX_PLACES));
    }
    match (place.point, &place.commune) {
        (Some(at), _) => {
            let at = at
                .check()
                .map_err(|e| beffroi_domain::l10n::Localize::msg(&e))?;
            place.commune = None;
            let with_outlines: Vec<&Commune> =
                communes.iter().filter(|c| c.outline.is_some()).collect();
            if !with_outlines.is_empty() {
                let inside = with_outlines
                    .iter()
                    .find(|c| c.outline.as_ref().is_some_and(|o| o.holds(at)));
                match inside {
                    Some(c) => place.commune = Some(c.code.clone()),
                    None => {
                        return Err(msg!("place-outside", lat = at.lat, lon = at.lon));
                    }
                }
            }
        }
        (None, Some(code)) => {
            if !communes.is_empty() && !communes.iter().any(|c| &c.code == code) {
                return Err(msg!("err-commune-outside", code = code.as_str()));
            }
        }
        (None, None) => return Err(msg!("place-no-where")),
    }
    Ok(place)
}

/// Where a resident is, as alerts are matched against it: the home commune
/// and the saved places, with the outlines of their communes.
#[derive(Debug, Default)]
pub struct Whereabouts {
    pub home: Option<InseeCode>,
    pub places: Vec<SavedPlace>,
    outlines: HashMap<InseeCode, geo::MultiPolygon<f64>>,
}

/// Whether and where an alert concerns the resident.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Concern {
    /// The home commune, or any place (or nothing is chosen: everything).
    pub concerns_me: bool,
    /// Whether it reaches the home commune.
    pub at_home: bool,
    /// The names of the saved places it reaches (none for a whole-territory
    /// alert: it reaches them all).
    pub places: Vec<String>,
    /// Whether it deserves a notification: it reaches home, or a place
    /// that asks for alerts of its severity.
    pub notify: bool,
}

impl Whereabouts {
    /// `outlines`: those of the communes of `home` and of the commune places
    /// (a point is matched by itself; see [`Whereabouts::communes`]).
    pub fn new(
        home: Option<InseeCode>,
        places: Vec<SavedPlace>,
        outlines: impl IntoIterator<Item = (InseeCode, Outline)>,
    ) -> Self {
        let outlines = outlines.into_iter().map(|(c, o)| (c, o.geo())).collect();
        Whereabouts {
            home,
            places,
            outlines,
        }
    }

    /// The communes whose outlines matching needs: home's and the commune
    /// places'.
    pub fn communes(home: Option<&InseeCode>, places: &[SavedPlace]) -> Vec<InseeCode> {
        let mut codes: Vec<InseeCode> = home
            .into_iter()
            .chain(
                places
                    .iter()
                    .filter(|p| p.point.is_none())
                    .filter_map(|p| p.commune.as_ref()),
            )
            .cloned()
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// Whether the resident chose nowhere (then every alert concerns them).
    pub fn is_nowhere(&self) -> bool {
        self.home.is_none() && self.places.is_empty()
    }

    /// How `message` concerns the resident.
    pub fn concern(&self, message: &AlertMessage) -> Concern {
        let area = &message.body.area;
        if self.is_nowhere() {
            return Concern {
                concerns_me: true,
                at_home: false,
                places: vec![],
                notify: true,
            };
        }
        let shapes = area.shapes();
        fn commune_spot<'a>(me: &'a Whereabouts, code: &'a InseeCode) -> Spot<'a> {
            Spot {
                commune: Some(code),
                point: None,
                outline: me.outlines.get(code),
            }
        }
        let home = self
            .home
            .as_ref()
            .is_some_and(|h| area.reaches(&commune_spot(self, h), shapes.as_ref()));
        let reached: Vec<&SavedPlace> = self
            .places
            .iter()
            .filter(|p| {
                let spot = match (p.point, &p.commune) {
                    (Some(at), commune) => Spot {
                        commune: commune.as_ref(),
                        point: Some(at),
                        outline: None,
                    },
                    (None, Some(code)) => commune_spot(self, code),
                    (None, None) => return false,
                };
                area.reaches(&spot, shapes.as_ref())
            })
            .collect();
        let notify = home || reached.iter().any(|p| p.wants(message.body.severity));
        let territory = matches!(area, Area::Territory);
        Concern {
            concerns_me: home || !reached.is_empty() || territory,
            at_home: home,
            places: if territory {
                vec![]
            } else {
                reached.iter().map(|p| p.name.clone()).collect()
            },
            notify,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use beffroi_domain::shape::{Circle, Polygon};

    fn outlines(communes: &[Commune]) -> Vec<(InseeCode, Outline)> {
        communes
            .iter()
            .filter_map(|c| Some((c.code.clone(), c.outline.clone()?)))
            .collect()
    }

    fn code(s: &str) -> InseeCode {
        s.parse().expect("an INSEE code")
    }

    fn square(lat: f64, lon: f64, d: f64) -> Outline {
        Outline(vec![vec![vec![
            [lon - d, lat - d],
            [lon + d, lat - d],
            [lon + d, lat + d],
            [lon - d, lat + d],
            [lon - d, lat - d],
        ]]])
    }

    /// Two square "communes": Nice around (43.70, 7.27), Èze around (43.73, 7.36).
    fn communes() -> Vec<Commune> {
        let nice = Commune::new("06088", "Nice", 1, [])
            .map(|c| c.with_outline(square(43.70, 7.27, 0.04)).expect("ok"))
            .expect("Nice");
        let eze = Commune::new("06059", "Èze", 1, [])
            .map(|c| c.with_outline(square(43.73, 7.36, 0.02)).expect("ok"))
            .expect("Èze");
        vec![nice, eze]
    }

    fn alert(area: Area, severity: Severity) -> AlertMessage {
        serde_json::from_value(serde_json::json!({
            "identifier": "a", "sender": "s", "sent": "2026-12-06T10:00:00Z",
            "msg_type": "alert", "status": "actual", "category": "fire",
            "event": "Feu", "urgency": "immediate", "severity": severity,
            "certainty": "observed",
            "texts": [{"lang": "fr", "headline": "Feu", "description": ""}],
            "area": area
        }))
        .expect("a message")
    }

    #[test]
    fn a_polygon_reaches_the_place_inside_it_and_not_home() {
        let communes = communes();
        // Home in Èze; work at Place Masséna, Nice.
        let work = check(
            SavedPlace::point(
                "Travail",
                Position {
                    lat: 43.6971,
                    lon: 7.2706,
                },
            ),
            &[],
            None,
            &communes,
        )
        .expect("work is in Nice");
        assert_eq!(work.commune, Some(code("06088")));
        let me = Whereabouts::new(Some(code("06059")), vec![work], outlines(&communes));
        let around_massena =
            Polygon::from_cap("43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277 43.692,7.264")
                .expect("polygon");
        let fire = alert(
            Area::Communes {
                communes: vec![],
                polygons: vec![around_massena],
                circles: vec![],
            },
            Severity::Severe,
        );
        let c = me.concern(&fire);
        assert_eq!(c.places, ["Travail"]);
        assert!(c.concerns_me && c.notify);
        // Around Èze's centre: home (the commune meets it), not work.
        let near_eze = alert(
            Area::Communes {
                communes: vec![],
                polygons: vec![],
                circles: vec![Circle::from_cap("43.73,7.36 1").expect("circle")],
            },
            Severity::Minor,
        );
        let c = me.concern(&near_eze);
        assert!(c.concerns_me && c.notify && c.places.is_empty());
        // Far out at sea: nobody.
        let sea = alert(
            Area::Communes {
                communes: vec![],
                polygons: vec![],
                circles: vec![Circle::from_cap("43.50,7.30 1").expect("circle")],
            },
            Severity::Extreme,
        );
        assert_eq!(me.concern(&sea), Concern::default());
    }

    #[test]
    fn a_place_notifies_from_its_severity_up() {
        let communes = communes();
        let mut mum = SavedPlace::commune("Maman", code("06059"));
        mum.min_severity = Severity::Severe;
        let me = Whereabouts::new(None, vec![mum], outlines(&communes));
        let at_eze = |s| alert(Area::communes(vec![code("06059")]), s);
        let minor = me.concern(&at_eze(Severity::Moderate));
        assert!(minor.concerns_me && !minor.notify);
        assert_eq!(minor.places, ["Maman"]);
        assert!(me.concern(&at_eze(Severity::Extreme)).notify);
        // A whole-territory alert concerns every place without naming them.
        let everywhere = me.concern(&alert(Area::Territory, Severity::Extreme));
        assert!(everywhere.concerns_me && everywhere.notify && everywhere.places.is_empty());
        assert!(
            !me.concern(&alert(
                Area::communes(vec![code("06088")]),
                Severity::Extreme
            ))
            .concerns_me
        );
    }

    #[test]
    fn bad_places_are_refused_by_name() {
        let communes = communes();
        let refused = |p: SavedPlace, places: &[SavedPlace]| {
            check(p, places, None, &communes).expect_err("refused").id
        };
        assert_eq!(
            refused(SavedPlace::commune(" ", code("06088")), &[]),
            "place-name-empty"
        );
        assert_eq!(
            refused(SavedPlace::commune(&"x".repeat(41), code("06088")), &[]),
            "place-name-too-long"
        );
        let work = SavedPlace::commune("Travail", code("06088"));
        assert_eq!(
            refused(
                SavedPlace::commune("travail", code("06059")),
                std::slice::from_ref(&work)
            ),
            "place-name-taken"
        );
        // Renaming a place to its own name is not a clash.
        assert!(
            check(
                work.clone(),
                std::slice::from_ref(&work),
                Some("Travail"),
                &communes
            )
            .is_ok()
        );
        assert_eq!(
            refused(
                SavedPlace::point(
                    "Mer",
                    Position {
                        lat: 43.5,
                        lon: 7.3
                    }
                ),
                &[]
            ),
            "place-outside"
        );
        assert_eq!(
            refused(
                SavedPlace::point(
                    "Loin",
                    Position {
                        lat: 95.0,
                        lon: 7.3
                    }
                ),
                &[]
            ),
            "shape-out-of-range"
        );
        assert_eq!(
            refused(SavedPlace::commune("Paris", code("75056")), &[]),
            "err-commune-outside"
        );
        let mut nowhere = work.clone();
        nowhere.commune = None;
        assert_eq!(refused(nowhere, &[]), "place-no-where");
        let many: Vec<SavedPlace> = (0..MAX_PLACES)
            .map(|i| SavedPlace::commune(&format!("p{i}"), code("06088")))
            .collect();
        assert_eq!(
            refused(SavedPlace::commune("one more", code("06088")), &many),
            "place-too-many"
        );
    }
}
