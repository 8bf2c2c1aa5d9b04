//! Importing places from files: GeoJSON as exported from OpenStreetMap
//! (osmium export or Overpass: properties are OSM tags plus an `@osm`/`@id`
//! element id) and CSV with the header documented in `docs/directory.md`.
//!
//! Parsing is separate from storing: [`parse_geojson`] and [`parse_csv`] turn a
//! file into places and per-row rejections; the store then reports which
//! places were new, updated or unchanged.

use std::collections::HashMap;

use beffroi_domain::l10n::{Localize, Msg};
use beffroi_domain::msg;
use beffroi_domain::place::{
    Address, Category, Crisis, ImportReport, Place, PlaceId, Position, RowIssue, Source, Tags,
    Wheelchair, Writer, osm_flag,
};
use beffroi_domain::{Commune, InseeCode, Lang};

use crate::l10n::text;
use crate::store::{Store, StoreError};

/// What parsing a file produced.
#[derive(Debug, Default)]
pub struct Parsed {
    pub places: Vec<Place>,
    /// Rows that are fine but not shops or services (a bench, an artwork).
    pub skipped: Vec<RowIssue>,
    /// Rows with an error.
    pub rejected: Vec<RowIssue>,
}

/// Why a whole file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is not GeoJSON: {0}")]
    GeoJson(String),
    #[error("the CSV header lacks the required column(s) {0}: see docs/directory.md")]
    CsvHeader(String),
    #[error("the CSV file cannot be read: {0}")]
    Csv(String),
    #[error("unknown file type: use .geojson/.json (OSM GeoJSON) or .csv")]
    UnknownFormat,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl beffroi_domain::l10n::Localize for ImportError {
    fn msg(&self) -> beffroi_domain::l10n::Msg {
        use beffroi_domain::msg;
        match self {
            ImportError::GeoJson(d) => msg!("import-not-geojson", detail = d),
            ImportError::CsvHeader(c) => msg!("import-csv-header", columns = c),
            ImportError::Csv(d) => msg!("import-csv", detail = d),
            ImportError::UnknownFormat => msg!("import-unknown-format"),
            ImportError::Store(_) => msg!("err-internal"),
        }
    }
}

/// The file formats [`import_places`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Csv,
}

impl Format {
    /// From a file name's extension.
    pub fn from_path(path: &std::path::Path) -> Result<Self, ImportError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("geojson" | "json") => Ok(Format::GeoJson),
            Some("csv") => Ok(Format::Csv),
            _ => Err(ImportError::UnknownFormat),
        }
    }
}

/// Parses `text` and stores its places in one transaction. Rows with errors
/// are reported, the others imported; a re-import of the same file changes
/// nothing.
/// `lang` is the language the rows' issues are said in.
pub async fn import_places(
    store: &dyn Store,
    format: Format,
    text: &str,
    lang: Lang,
    outlines: std::sync::Arc<crate::geography::Outlines>,
) -> Result<ImportReport, ImportError> {
    let communes = store.communes().await?;
    let locator = CommuneLocator::new(&communes).with_outlines(outlines);
    let parsed = match format {
        Format::GeoJson => parse_geojson(text, &locator, lang)?,
        Format::Csv => parse_csv(text, &locator, lang)?,
    };
    let counts = store.upsert_places(parsed.places, Writer::Import).await?;
    Ok(ImportReport {
        counts,
        skipped: parsed.skipped,
        rejected: parsed.rejected,
    })
}

/// Finds the commune of an address from its postcode, using the city name
/// when a postcode serves several communes.
#[derive(Debug, Default)]
pub struct CommuneLocator {
    by_postcode: HashMap<String, Vec<(InseeCode, String)>>,
    /// The communes' outlines, for a place whose address says no commune.
    outlines: Option<std::sync::Arc<crate::geography::Outlines>>,
    known: std::collections::HashSet<InseeCode>,
}

fn fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = c.to_lowercase().next()?;
            Some(match c {
                'à' | 'â' | 'ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'î' | 'ï' => 'i',
                'ô' | 'ö' => 'o',
                'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                '-' | '\'' | '’' => ' ',
                c => c,
            })
        })
        .collect()
}

impl CommuneLocator {
    pub fn new(communes: &[Commune]) -> Self {
        let mut by_postcode: HashMap<String, Vec<(InseeCode, String)>> = HashMap::new();
        for c in communes {
            for p in &c.postal_codes {
                by_postcode
                    .entry(p.clone())
                    .or_default()
                    .push((c.code.clone(), fold(&c.name)));
            }
        }
        Self {
            by_postcode,
            outlines: None,
            known: communes.iter().map(|c| c.code.clone()).collect(),
        }
    }

    /// Also finds the commune of a place by its position, in `outlines`
    /// (only a commune of the territory's list counts).
    #[must_use]
    pub fn with_outlines(mut self, outlines: std::sync::Arc<crate::geography::Outlines>) -> Self {
        self.outlines = Some(outlines);
        self
    }

    /// The commune of a place: its address's, else the one its position is in.
    pub fn locate_place(&self, address: &Address, position: &Position) -> Option<InseeCode> {
        self.locate(address).or_else(|| {
            self.outlines
                .as_ref()?
                .commune_at(position)
                .filter(|c| self.known.contains(*c))
                .cloned()
        })
    }

    pub fn locate(&self, address: &Address) -> Option<InseeCode> {
        let candidates = self.by_postcode.get(address.postcode.as_deref()?.trim())?;
        match candidates.as_slice() {
            [(code, _)] => Some(code.clone()),
            many => {
                let city = fold(address.city.as_deref()?);
                many.iter()
                    .find(|(_, name)| *name == city)
                    .map(|(c, _)| c.clone())
            }
        }
    }
}

/// Builds and validates a place of `category` from OSM-style tags.
fn build_place(
    id: PlaceId,
    source: Source,
    category: Category,
    tags: Tags,
    position: Position,
    locator: &CommuneLocator,
) -> Result<Place, Msg> {
    let name = tags
        .get("name")
        .or_else(|| tags.get("brand"))
        .cloned()
        .ok_or_else(|| msg!("import-no-name"))?;
    let get = |k: &str| tags.get(k).cloned();
    let address = Address {
        housenumber: get("addr:housenumber"),
        street: get("addr:street"),
        postcode: get("addr:postcode"),
        city: get("addr:city"),
        country: get("addr:country"),
    };
    let wheelchair = match tags.get("wheelchair").map(String::as_str) {
        Some("yes" | "designated") => Some(Wheelchair::Yes),
        Some("limited") => Some(Wheelchair::Limited),
        Some("no") => Some(Wheelchair::No),
        _ => None,
    };
    let takeaway =
        osm_flag(tags.get("takeaway")).or((category == Category::Takeaway).then_some(true));
    // A farm shop or a producer sells its own produce: direct sales unless
    // said otherwise (`direct_sales=no`).
    let direct_sales =
        osm_flag(tags.get("direct_sales")).or(category.implies_direct_sales().then_some(true));
    let place = Place {
        id,
        name,
        category,
        commune: locator.locate_place(&address, &position),
        address,
        position,
        phone: get("phone").or_else(|| get("contact:phone")),
        website: get("website").or_else(|| get("contact:website")),
        email: get("email").or_else(|| get("contact:email")),
        wheelchair,
        opening_hours: get("opening_hours"),
        crisis: Crisis::from_osm(&tags),
        delivery: osm_flag(tags.get("delivery")),
        takeaway,
        drive_through: osm_flag(tags.get("drive_through")),
        direct_sales,
        collection_point: osm_flag(tags.get("collection_point")),
        source,
        last_checked: get("check_date").or_else(|| get("check_date:opening_hours")),
        tags,
    };
    place.validate().map_err(|e| e.msg())?;
    Ok(place)
}

/// Keeps the first of each id; later ones are rejected.
fn reject_duplicates(parsed: &mut Parsed, rows: Vec<(usize, Place)>, lang: Lang) {
    let mut first: HashMap<PlaceId, usize> = HashMap::new();
    for (row, place) in rows {
        if let Some(at) = first.get(&place.id) {
            parsed.rejected.push(RowIssue {
                row,
                what: Some(place.id.to_string()),
                reason: text(
                    lang,
                    &msg!("import-duplicate", id = place.id.to_string(), first = *at),
                ),
            });
        } else {
            first.insert(place.id.clone(), row);
            parsed.places.push(place);
        }
    }
}

fn position_of(geometry: &serde_json::Value) -> Result<Position, Msg> {
    let coords = &geometry["coordinates"];
    let point = match geometry["type"].as_str() {
        Some("Point") => coords.clone(),
        // Ways and relations exported as areas: the mean of the outer ring is
        // close enough for a shop's position.
        Some("Polygon") => mean(&coords[0])?,
        Some("MultiPolygon") => mean(&coords[0][0])?,
        Some("LineString") => mean(coords)?,
        other => {
            return Err(msg!(
                "import-geometry",
                geometry = other.unwrap_or_default()
            ));
        }
    };
    match (point[0].as_f64(), point[1].as_f64()) {
        (Some(lon), Some(lat)) => Ok(Position { lat, lon }),
        _ => Err(msg!("import-no-coordinates")),
    }
}

fn mean(ring: &serde_json::Value) -> Result<serde_json::Value, Msg> {
    let pts = ring
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| msg!("import-no-coordinates"))?;
    let (mut lon, mut lat) = (0.0, 0.0);
    for p in pts {
        lon += p[0].as_f64().ok_or_else(|| msg!("import-no-coordinates"))?;
        lat += p[1].as_f64().ok_or_else(|| msg!("import-no-coordinates"))?;
    }
    let n = pts.len() as f64;
    Ok(serde_json::json!([lon / n, lat / n]))
}

/// Parses an OSM GeoJSON FeatureCollection.
pub fn parse_geojson(
    text: &str,
    locator: &CommuneLocator,
    lang: Lang,
) -> Result<Parsed, ImportError> {
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ImportError::GeoJson(e.to_string()))?;
    let features = doc["features"].as_array().ok_or_else(|| {
        ImportError::GeoJson("expected a FeatureCollection with a \"features\" array".into())
    })?;
    let mut parsed = Parsed::default();
    let mut rows = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let row = i + 1;
        let props = f["properties"].as_object();
        let element = props
            .and_then(|p| p.get("@osm").or_else(|| p.get("@id")))
            .or_else(|| f.get("id"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let issue = |reason: Msg| RowIssue {
            row,
            what: element.clone(),
            reason: self::text(lang, &reason),
        };
        let Some(element) = element.clone() else {
            parsed.rejected.push(issue(msg!("import-no-osm-id")));
            continue;
        };
        let tags: Tags = props
            .into_iter()
            .flatten()
            .filter(|(k, _)| !k.starts_with('@'))
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        let position = match position_of(&f["geometry"]) {
            Ok(p) => p,
            Err(reason) => {
                parsed.rejected.push(issue(reason));
                continue;
            }
        };
        let Some(category) = Category::from_osm(&tags) else {
            parsed.skipped.push(issue(msg!("import-not-a-shop")));
            continue;
        };
        let source = Source::Osm {
            element: element.clone(),
        };
        match build_place(
            PlaceId::osm(&element),
            source,
            category,
            tags,
            position,
            locator,
        ) {
            Ok(place) => rows.push((row, place)),
            Err(reason) => parsed.rejected.push(issue(reason)),
        }
    }
    reject_duplicates(&mut parsed, rows, lang);
    Ok(parsed)
}

/// The CSV columns, in the documented order; the first four are required.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "name",
    "category",
    "lat",
    "lon",
    "street",
    "housenumber",
    "postcode",
    "city",
    "country",
    "phone",
    "website",
    "email",
    "opening_hours",
    "delivery",
    "takeaway",
    "direct_sales",
    "collection_point",
    "wheelchair",
    "check_date",
];
const CSV_REQUIRED: &[&str] = &["id", "name", "category", "lat", "lon"];

/// Parses a CSV file with the documented header. `id` is an OSM element
/// (`node/123`) or the town hall's own reference.
pub fn parse_csv(text: &str, locator: &CommuneLocator, lang: Lang) -> Result<Parsed, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| ImportError::Csv(e.to_string()))?
        .clone();
    let col: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let missing: Vec<_> = CSV_REQUIRED
        .iter()
        .filter(|c| !col.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::CsvHeader(missing.join(", ")));
    }
    let mut parsed = Parsed::default();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2; // the header is line 1
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let reason = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => msg!("import-columns", len = *len, expected = *expected_len),
                    _ => msg!("import-csv", detail = e.to_string()),
                };
                let reason = self::text(lang, &reason);
                parsed.rejected.push(RowIssue {
                    row,
                    what: None,
                    reason,
                });
                continue;
            }
        };
        let field = |name: &str| {
            col.get(name)
                .and_then(|i| record.get(*i))
                .filter(|v| !v.is_empty())
        };
        let id = field("id").map(str::to_owned);
        let issue = |reason: Msg| RowIssue {
            row,
            what: id.clone(),
            reason: self::text(lang, &reason),
        };
        let Some(id) = id.clone() else {
            parsed.rejected.push(issue(msg!("import-no-id")));
            continue;
        };
        let coord = |name: &'static str| -> Result<f64, Msg> {
            field(name)
                .ok_or_else(|| msg!("import-empty", column = name))?
                .parse()
                .map_err(|_| msg!("import-not-a-number", column = name))
        };
        let position = match (coord("lat"), coord("lon")) {
            (Ok(lat), Ok(lon)) => Position { lat, lon },
            (Err(e), _) | (_, Err(e)) => {
                parsed.rejected.push(issue(e));
                continue;
            }
        };
        let category: Category = match field("category").unwrap_or_default().parse() {
            Ok(c) => c,
            Err(e) => {
                parsed.rejected.push(issue(e.msg()));
                continue;
            }
        };
        let mut tags = Tags::new();
        for (column, tag) in [
            ("name", "name"),
            ("street", "addr:street"),
            ("housenumber", "addr:housenumber"),
            ("postcode", "addr:postcode"),
            ("city", "addr:city"),
            ("country", "addr:country"),
            ("phone", "phone"),
            ("website", "website"),
            ("email", "email"),
            ("opening_hours", "opening_hours"),
            ("delivery", "delivery"),
            ("takeaway", "takeaway"),
            ("direct_sales", "direct_sales"),
            ("collection_point", "collection_point"),
            ("wheelchair", "wheelchair"),
            ("check_date", "check_date"),
        ] {
            if let Some(v) = field(column) {
                tags.insert(tag.to_owned(), v.to_owned());
            }
        }
        // An OSM element keeps its OSM id; anything else is the town hall's own reference.
        let (place_id, source) = if ["node/", "way/", "relation/"]
            .iter()
            .any(|p| id.starts_with(p))
        {
            (
                PlaceId::osm(&id),
                Source::Osm {
                    element: id.clone(),
                },
            )
        } else {
            // From the town hall's file: the same file again updates it
            // (a place staff edited since stays as they left it).
            (
                PlaceId(format!("ref:{}", id.replace('/', ":"))),
                Source::File {
                    reference: id.clone(),
                },
            )
        };
        match build_place(place_id, source, category, tags, position, locator) {
            Ok(place) => rows.push((row, place)),
            Err(reason) => parsed.rejected.push(issue(reason)),
        }
    }
    reject_duplicates(&mut parsed, rows, lang);
    Ok(parsed)
}
