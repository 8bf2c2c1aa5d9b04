//! The directory of shops and services: what a place is, its category from a
//! fixed taxonomy mapped from OpenStreetMap tags, its crisis override, and the
//! checks every place passes before it is stored.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InseeCode;
use crate::hours::{Hours, HoursError};

/// OSM tags, sorted by key.
pub type Tags = BTreeMap<String, String>;

/// A place's id: `osm:node:123` for places from OpenStreetMap, `bf:<uuid>` for
/// places created by staff, `ref:<reference>` for the town hall's own files.
/// Ids never contain `/`, so they fit in one URL path segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "osm:node:25191432"))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct PlaceId(pub String);

impl PlaceId {
    /// The id of an OSM element such as `node/123`.
    pub fn osm(element: &str) -> Self {
        Self(format!("osm:{}", element.replace('/', ":")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PlaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The group a category belongs to, for filter chips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum CategoryGroup {
    Food,
    /// Local producers and direct sales (circuits courts).
    Producers,
    Health,
    PublicService,
    Essentials,
    Eat,
    MutualAid,
    Other,
}

macro_rules! categories {
    ($($variant:ident => $name:literal, $group:ident;)*) => {
        /// What a place is, from a fixed taxonomy (documented in `docs/directory.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        pub enum Category { $($variant,)* }

        impl Category {
            pub const ALL: &'static [Category] = &[$(Category::$variant,)*];

            /// The stable name used in the API, the CLI and CSV files.
            pub fn as_str(self) -> &'static str {
                match self { $(Category::$variant => $name,)* }
            }

            pub fn group(self) -> CategoryGroup {
                match self { $(Category::$variant => CategoryGroup::$group,)* }
            }
        }
    };
}

categories! {
    Supermarket => "supermarket", Food;
    Convenience => "convenience", Food;
    Bakery => "bakery", Food;
    Butcher => "butcher", Food;
    Greengrocer => "greengrocer", Food;
    FoodOther => "food_other", Food;
    Farm => "farm", Producers;
    Producer => "producer", Producers;
    Marketplace => "marketplace", Producers;
    Pharmacy => "pharmacy", Health;
    Doctors => "doctors", Health;
    Dentist => "dentist", Health;
    Laboratory => "laboratory", Health;
    Hospital => "hospital", Health;
    Veterinary => "veterinary", Health;
    TownHall => "townhall", PublicService;
    PostOffice => "post_office", PublicService;
    Police => "police", PublicService;
    PublicServiceOther => "public_service", PublicService;
    Tobacco => "tobacco", Essentials;
    Fuel => "fuel", Essentials;
    Bank => "bank", Essentials;
    Atm => "atm", Essentials;
    Hardware => "hardware", Essentials;
    Laundry => "laundry", Essentials;
    Takeaway => "takeaway", Eat;
    Restaurant => "restaurant", Eat;
    Cafe => "cafe", Eat;
    MutualAid => "mutual_aid", MutualAid;
    ShopOther => "shop_other", Other;
    Other => "other", Other;
}

/// The categories added since the first release, each with the one a
/// device of that release knows it as (it refuses a page naming a category
/// it does not know). Devices that know them say so (see
/// `DIRECTORY_VERSION`); the others get the older names.
pub const NEWER_CATEGORIES: &[(Category, Category)] = &[
    (Category::Farm, Category::Greengrocer),
    (Category::Producer, Category::FoodOther),
];

/// What a device sends in the `Beffroi-Directory` header when it knows
/// every category of [`Category::ALL`].
pub const DIRECTORY_VERSION: &str = "2";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown category {0:?}: see `docs/directory.md` for the list")]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCategory(s.to_owned()))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Category {
    /// Whether a place of this category sells its own produce unless said
    /// otherwise (a farm shop, a producer; a market's stalls may be
    /// resellers, so a market says it itself).
    pub fn implies_direct_sales(self) -> bool {
        matches!(self, Category::Farm | Category::Producer)
    }

    /// The category of an OSM feature, or `None` when it is not a shop or a
    /// service a resident would look for (a bench, a parking, an artwork).
    pub fn from_osm(tags: &Tags) -> Option<Category> {
        use Category::*;
        let tag = |k: &str| tags.get(k).map(String::as_str);
        if tag("social_facility") == Some("food_bank")
            || matches!(
                tag("amenity"),
                Some("food_sharing" | "social_facility" | "give_box")
            )
        {
            return Some(MutualAid);
        }
        if let Some(h) = tag("healthcare") {
            let c = match h {
                "pharmacy" => Some(Pharmacy),
                "doctor" | "clinic" | "centre" | "nurse" => Some(Doctors),
                "dentist" => Some(Dentist),
                "laboratory" | "sample_collection" => Some(Laboratory),
                "hospital" => Some(Hospital),
                _ => None,
            };
            if c.is_some() {
                return c;
            }
        }
        if let Some(a) = tag("amenity") {
            let c = match a {
                "marketplace" => Some(Marketplace),
                "pharmacy" => Some(Pharmacy),
                "doctors" | "clinic" => Some(Doctors),
                "dentist" => Some(Dentist),
                "hospital" => Some(Hospital),
                "veterinary" => Some(Veterinary),
                "townhall" => Some(TownHall),
                "post_office" => Some(PostOffice),
                "police" => Some(Police),
                "social_centre" | "community_centre" | "public_building" => {
                    Some(PublicServiceOther)
                }
                "fuel" => Some(Fuel),
                "bank" => Some(Bank),
                "atm" => Some(Atm),
                "fast_food" => Some(Takeaway),
                "restaurant" => Some(Restaurant),
                "cafe" | "ice_cream" | "bar" | "pub" => Some(Cafe),
                _ => None,
            };
            if c.is_some() {
                return c;
            }
        }
        // A workshop that makes food and sells it there (a winery's cellar, a
        // beekeeper's shop): a producer, whatever shop it also is. A
        // workshop alone (a brewery's plant) sells nothing to residents.
        if let Some(
            "winery" | "brewery" | "distillery" | "cider" | "beekeeper" | "cheesemaker"
            | "oil_mill" | "olive_oil" | "goat_keeper",
        ) = tag("craft")
            && (tag("shop").is_some() || tag("direct_sales").is_some())
        {
            return Some(Producer);
        }
        if let Some(s) = tag("shop") {
            return Some(match s {
                "supermarket" | "wholesale" => Supermarket,
                "convenience" | "general" => Convenience,
                "bakery" | "pastry" => Bakery,
                "butcher" => Butcher,
                "farm" => Farm,
                "greengrocer" => Greengrocer,
                "deli" | "cheese" | "seafood" | "wine" | "alcohol" | "beverages"
                | "frozen_food" | "dairy" | "chocolate" | "confectionery" | "coffee" | "tea"
                | "spices" | "health_food" | "organic" => FoodOther,
                "tobacco" | "newsagent" | "kiosk" | "e-cigarette" => Tobacco,
                "hardware" | "doityourself" => Hardware,
                "laundry" | "dry_cleaning" => Laundry,
                "chemist" | "medical_supply" => Pharmacy,
                _ => ShopOther,
            });
        }
        match tag("office") {
            Some("government") => Some(PublicServiceOther),
            Some(_) => Some(Other),
            None => None,
        }
    }
}

/// Wheelchair access, as OSM's `wheelchair=*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Wheelchair {
    Yes,
    Limited,
    No,
}

/// A crisis override of the usual hours, in the spirit of OSM's
/// `opening_hours:covid19`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Crisis {
    /// Open with the usual hours.
    Same { note: Option<String> },
    /// Open, with restrictions (delivery only, by appointment…) explained in the note.
    Restricted { note: Option<String> },
    /// Closed until further notice.
    Closed { note: Option<String> },
    /// Open with other hours.
    OtherHours {
        opening_hours: String,
        note: Option<String>,
    },
}

impl Crisis {
    pub fn note(&self) -> Option<&str> {
        match self {
            Crisis::Same { note }
            | Crisis::Restricted { note }
            | Crisis::Closed { note }
            | Crisis::OtherHours { note, .. } => note.as_deref(),
        }
    }

    /// Reads `opening_hours:covid19` (and `description:covid19` as the note).
    pub fn from_osm(tags: &Tags) -> Option<Crisis> {
        let value = tags.get("opening_hours:covid19")?.trim();
        let note = tags.get("description:covid19").cloned();
        Some(match value {
            "same" | "open" => Crisis::Same { note },
            "restricted" => Crisis::Restricted { note },
            "off" | "closed" => Crisis::Closed { note },
            hours => Crisis::OtherHours {
                opening_hours: hours.to_owned(),
                note,
            },
        })
    }
}

/// A WGS84 position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
}

impl Position {
    /// Distance to `other` in metres (haversine; plenty for a town).
    pub fn distance_m(self, other: Position) -> f64 {
        const R: f64 = 6_371_008.8;
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().asin()
    }
}

/// A postal address as OSM's `addr:*` tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Address {
    pub housenumber: Option<String>,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    /// ISO country code, e.g. `FR` or `MC`.
    pub country: Option<String>,
}

/// Where a place's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Source {
    /// Imported from OpenStreetMap (`node/123`, `way/45`…).
    Osm { element: String },
    /// Imported from one of the town hall's own files, under its reference.
    File { reference: String },
    /// Created or last edited by town-hall staff in the console or the API;
    /// imports never overwrite it.
    Staff,
}

/// A shop or service of the directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Place {
    pub id: PlaceId,
    pub name: String,
    pub category: Category,
    pub address: Address,
    /// The commune, when the address is in the territory.
    pub commune: Option<InseeCode>,
    pub position: Position,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub wheelchair: Option<Wheelchair>,
    /// Usual hours in OSM `opening_hours` syntax.
    pub opening_hours: Option<String>,
    pub crisis: Option<Crisis>,
    pub delivery: Option<bool>,
    pub takeaway: Option<bool>,
    pub drive_through: Option<bool>,
    /// Sells its own produce directly (a farm, a market stall, a winery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub direct_sales: Option<bool>,
    /// Hands over orders made beforehand (a "drive fermier", a basket
    /// scheme's pick-up point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub collection_point: Option<bool>,
    pub source: Source,
    /// When someone last checked the data (OSM `check_date`), `YYYY-MM-DD`.
    pub last_checked: Option<String>,
    /// The original OSM tags, kept whole.
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub tags: Tags,
}

/// What staff send to create or edit a place; the server sets the id, the
/// commune (from the address), the source and keeps the OSM tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlaceInput {
    pub name: String,
    pub category: Category,
    #[serde(default)]
    pub address: Address,
    pub position: Position,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub email: Option<String>,
    pub wheelchair: Option<Wheelchair>,
    pub opening_hours: Option<String>,
    pub crisis: Option<Crisis>,
    pub delivery: Option<bool>,
    pub takeaway: Option<bool>,
    pub drive_through: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub direct_sales: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub collection_point: Option<bool>,
    /// `YYYY-MM-DD`; today when absent.
    pub last_checked: Option<String>,
}

/// A category of the taxonomy with its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CategoryInfo {
    pub category: Category,
    pub group: CategoryGroup,
    /// A place of it sells its own produce unless said otherwise
    /// ([`Category::implies_direct_sales`]).
    #[serde(default)]
    pub direct_sales: bool,
}

impl CategoryInfo {
    /// The whole taxonomy, in order.
    pub fn all() -> Vec<CategoryInfo> {
        Category::ALL
            .iter()
            .map(|&category| CategoryInfo {
                category,
                group: category.group(),
                direct_sales: category.implies_direct_sales(),
            })
            .collect()
    }
}

/// What storing a batch of places changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct UpsertCounts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Imported rows left alone because staff edited or deleted that place.
    pub kept: usize,
}

/// Who is writing places: staff edits win over imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    /// An import: never overwrites a place staff edited, never revives one staff deleted.
    Import,
    /// Staff in the console or the API.
    Staff,
}

/// A row of an imported file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RowIssue {
    /// 1-based: the feature's index in a GeoJSON file, the line in a CSV file.
    pub row: usize,
    /// The OSM element or reference, when known.
    pub what: Option<String>,
    pub reason: String,
}

/// What an import did: counts, and every row that was skipped or rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ImportReport {
    #[serde(flatten)]
    pub counts: UpsertCounts,
    /// Rows that are not shops or services.
    pub skipped: Vec<RowIssue>,
    /// Rows with an error; nothing of them was stored.
    pub rejected: Vec<RowIssue>,
}

/// Why a place was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceError {
    #[error("the place has no name")]
    NoName,
    #[error("latitude {0} is out of range: use -90 to 90")]
    Latitude(String),
    #[error("longitude {0} is out of range: use -180 to 180")]
    Longitude(String),
    #[error(transparent)]
    Hours(#[from] HoursError),
    #[error("crisis hours: {0}")]
    CrisisHours(HoursError),
    #[error("last_checked {0:?} is not a date: use YYYY-MM-DD")]
    LastChecked(String),
    #[error("{0} is too long (at most {1} characters)")]
    TooLong(&'static str, usize),
}

const MAX_TEXT: usize = 500;

impl Place {
    /// Checks the fields a client may send; the parsed hours are returned so
    /// callers need not parse them twice.
    pub fn validate(&self) -> Result<Option<Hours>, PlaceError> {
        if self.name.trim().is_empty() {
            return Err(PlaceError::NoName);
        }
        for (field, value) in [
            ("name", Some(&self.name)),
            ("phone", self.phone.as_ref()),
            ("website", self.website.as_ref()),
            ("email", self.email.as_ref()),
            ("opening_hours", self.opening_hours.as_ref()),
        ] {
            if value.is_some_and(|v| v.chars().count() > MAX_TEXT) {
                return Err(PlaceError::TooLong(field, MAX_TEXT));
            }
        }
        if !(-90.0..=90.0).contains(&self.position.lat) || !self.position.lat.is_finite() {
            return Err(PlaceError::Latitude(self.position.lat.to_string()));
        }
        if !(-180.0..=180.0).contains(&self.position.lon) || !self.position.lon.is_finite() {
            return Err(PlaceError::Longitude(self.position.lon.to_string()));
        }
        if let Some(d) = &self.last_checked {
            let ok =
                time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]"))
                    .is_ok();
            if !ok {
                return Err(PlaceError::LastChecked(d.clone()));
            }
        }
        let country = self.address.country.as_deref();
        if let Some(Crisis::OtherHours { opening_hours, .. }) = &self.crisis {
            Hours::parse(opening_hours, country).map_err(PlaceError::CrisisHours)?;
        }
        Ok(self
            .opening_hours
            .as_deref()
            .map(|oh| Hours::parse(oh, country))
            .transpose()?)
    }
}

/// Parses an OSM `yes`/`no`/`only` flag.
pub fn osm_flag(value: Option<&String>) -> Option<bool> {
    match value.map(String::as_str) {
        Some("yes" | "only" | "true") => Some(true),
        Some("no" | "false") => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn categories_come_from_osm_tags() {
        let c = |p: &[(&str, &str)]| Category::from_osm(&tags(p));
        assert_eq!(c(&[("shop", "bakery")]), Some(Category::Bakery));
        assert_eq!(
            c(&[("amenity", "pharmacy"), ("healthcare", "pharmacy")]),
            Some(Category::Pharmacy)
        );
        assert_eq!(
            c(&[("healthcare", "laboratory")]),
            Some(Category::Laboratory)
        );
        assert_eq!(c(&[("amenity", "townhall")]), Some(Category::TownHall));
        assert_eq!(c(&[("amenity", "fast_food")]), Some(Category::Takeaway));
        assert_eq!(
            c(&[
                ("amenity", "social_facility"),
                ("social_facility", "food_bank")
            ]),
            Some(Category::MutualAid)
        );
        assert_eq!(c(&[("shop", "clothes")]), Some(Category::ShopOther));
        // Local producers: a farm shop, a market, a workshop selling its
        // own produce whatever shop it is too.
        assert_eq!(c(&[("shop", "farm")]), Some(Category::Farm));
        assert_eq!(c(&[("shop", "greengrocer")]), Some(Category::Greengrocer));
        assert_eq!(
            c(&[("craft", "winery"), ("shop", "wine")]),
            Some(Category::Producer)
        );
        assert_eq!(
            c(&[("craft", "beekeeper"), ("direct_sales", "yes")]),
            Some(Category::Producer)
        );
        assert_eq!(
            c(&[("craft", "brewery")]),
            None,
            "a plant alone sells nothing"
        );
        assert_eq!(c(&[("craft", "carpenter")]), None);
        assert_eq!(
            c(&[("amenity", "marketplace")]),
            Some(Category::Marketplace)
        );
        for p in [Category::Farm, Category::Producer, Category::Marketplace] {
            assert_eq!(p.group(), CategoryGroup::Producers);
        }
        assert_eq!(c(&[("amenity", "parking")]), None);
        assert_eq!(c(&[("tourism", "artwork")]), None);
        for cat in Category::ALL {
            assert_eq!(cat.as_str().parse::<Category>(), Ok(*cat));
        }
    }

    #[test]
    fn crisis_override_reads_covid19_tags() {
        let t = tags(&[
            ("opening_hours:covid19", "off"),
            ("description:covid19", "fermé"),
        ]);
        assert_eq!(
            Crisis::from_osm(&t),
            Some(Crisis::Closed {
                note: Some("fermé".into())
            })
        );
        let t = tags(&[("opening_hours:covid19", "Mo-Fr 09:00-12:00")]);
        assert!(matches!(
            Crisis::from_osm(&t),
            Some(Crisis::OtherHours { .. })
        ));
        assert_eq!(Crisis::from_osm(&tags(&[])), None);
    }

    fn place() -> Place {
        Place {
            id: PlaceId::osm("node/1"),
            name: "Boulangerie".into(),
            category: Category::Bakery,
            address: Address::default(),
            commune: None,
            position: Position {
                lat: 43.7,
                lon: 7.26,
            },
            phone: None,
            website: None,
            email: None,
            wheelchair: None,
            opening_hours: Some("Mo-Sa 07:00-19:30".into()),
            crisis: None,
            delivery: None,
            takeaway: Some(true),
            drive_through: None,
            direct_sales: None,
            collection_point: None,
            source: Source::Staff,
            last_checked: Some("2026-11-01".into()),
            tags: Tags::new(),
        }
    }

    #[test]
    fn validation_catches_each_bad_field() {
        assert!(place().validate().expect("valid").is_some());
        let mut p = place();
        p.position.lat = 91.0;
        assert!(matches!(p.validate(), Err(PlaceError::Latitude(_))));
        let mut p = place();
        p.position.lon = f64::NAN;
        assert!(matches!(p.validate(), Err(PlaceError::Longitude(_))));
        let mut p = place();
        p.opening_hours = Some("lundi 9h".into());
        assert!(matches!(p.validate(), Err(PlaceError::Hours(_))));
        let mut p = place();
        p.name = " ".into();
        assert_eq!(p.validate().map(|_| ()), Err(PlaceError::NoName));
        let mut p = place();
        p.last_checked = Some("yesterday".into());
        assert!(matches!(p.validate(), Err(PlaceError::LastChecked(_))));
    }

    #[test]
    fn distance_nice_to_monaco_is_about_13_km() {
        let nice = Position {
            lat: 43.7031,
            lon: 7.2661,
        };
        let monaco = Position {
            lat: 43.7384,
            lon: 7.4246,
        };
        let d = nice.distance_m(monaco);
        assert!((12_000.0..14_500.0).contains(&d), "{d}");
    }
}
