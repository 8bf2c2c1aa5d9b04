//! The offline directory: places synced from the town hall, searched and
//! evaluated on the device, with no network.
//!
//! Text search uses SQLite FTS5 (accent-insensitive, prefix, ranked by bm25)
//! over a place's name, its category in every language, and its address;
//! filters run in SQL; opening hours are evaluated with the `opening-hours`
//! crate, each distinct expression parsed once and cached.

use std::collections::HashMap;
use std::str::FromStr;

use beffroi_domain::hours::{HoursStatus, OpenState};
use beffroi_domain::place::{Category, Crisis, Place, PlaceId, Position};
use beffroi_domain::{InseeCode, SyncPage};
use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, params, params_from_iter};
use serde::Deserialize;
use serde_json::value::RawValue;

pub use beffroi_domain::directory::{
    Evaluation, HoursCache, Order, PlaceResult, SearchQuery, evaluate, week,
};
use beffroi_domain::directory::{describe, effective_hours, search_terms, status_of, terms_of};

use crate::i18n::Localizer;
use crate::store::{Store, StoreError, keys, set_meta};

/// An FTS5 query from what a resident typed: every word must match, each as a
/// prefix ("boul" finds "boulangerie"); FTS syntax in the text is dropped.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A place as a sync page brings it: decoded for the columns search reads,
/// with the JSON it came as, which is stored as is (not encoded again).
#[derive(Debug, Clone)]
pub struct Received {
    pub place: Place,
    json: Box<RawValue>,
}

impl Received {
    pub fn new(place: Place) -> Result<Self, StoreError> {
        let json = serde_json::value::to_raw_value(&place)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Self { place, json })
    }
}

impl<'de> Deserialize<'de> for Received {
    /// A place as the server sent it; one of a category this version does
    /// not know yet (a later server's) is kept as `other` rather than
    /// failing its whole page (and, with it, the alerts after it).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = Box::<RawValue>::deserialize(d)?;
        match serde_json::from_str(json.get()) {
            Ok(place) => Ok(Self { place, json }),
            Err(e) => {
                let mut value: serde_json::Value =
                    serde_json::from_str(json.get()).map_err(serde::de::Error::custom)?;
                let unknown = value["category"]
                    .as_str()
                    .is_some_and(|c| c.parse::<beffroi_domain::place::Category>().is_err());
                if !unknown {
                    return Err(serde::de::Error::custom(e));
                }
                value["category"] = serde_json::Value::from("other");
                let place: Place =
                    serde_json::from_value(value).map_err(serde::de::Error::custom)?;
                Received::new(place).map_err(serde::de::Error::custom)
            }
        }
    }
}

impl Store {
    pub fn places_cursor(&self) -> Result<beffroi_domain::Cursor, StoreError> {
        Ok(self.get_meta(keys::PLACES_CURSOR)?.unwrap_or_default())
    }

    /// Whether the search indexes wait for [`Store::build_places_index`].
    pub fn places_index_pending(&self) -> Result<bool, StoreError> {
        Ok(self.get_meta(keys::PLACES_INDEX_PENDING)?.unwrap_or(false))
    }

    /// Applies one page of place changes, their search index and the cursor
    /// in one transaction.
    ///
    /// On a first sync (an empty directory) the pages fill the table alone and
    /// mark the indexes pending: building them once at the end, in one pass,
    /// is several times faster than keeping them in step row by row. Until
    /// [`Store::build_places_index`] runs, searches see no places.
    pub fn apply_places_page(&self, page: &SyncPage<Received>) -> Result<(), StoreError> {
        let bulk = self.places_index_pending()? || self.place_count()? == 0;
        let conn = self.conn();
        // The directory can always be fetched again: its pages need atomicity
        // (WAL gives it) but not an fsync each. What must survive a crash
        // (settings, the reports outbox) keeps the connection's `FULL`.
        let _relaxed = Relaxed::new(&conn)?;
        // `unchecked_transaction` borrows the connection shared, as the guard does;
        // the store's mutex already keeps transactions from nesting.
        let tx = conn.unchecked_transaction()?;
        if bulk {
            tx.execute_batch("DROP INDEX IF EXISTS places_category_position")?;
        }
        {
            let mut rowid_of = tx.prepare_cached("SELECT rowid FROM places WHERE id = ?1")?;
            let mut drop_fts = tx.prepare_cached("DELETE FROM places_fts WHERE rowid = ?1")?;
            let mut upsert = tx.prepare_cached(
                "INSERT INTO places (id, data, category, commune, lat, lon, delivery, takeaway,
                                     hours, country, closed, name, direct_sales, collection_point)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, category = excluded.category,
                   commune = excluded.commune, lat = excluded.lat, lon = excluded.lon,
                   delivery = excluded.delivery, takeaway = excluded.takeaway,
                   hours = excluded.hours, country = excluded.country, closed = excluded.closed,
                   name = excluded.name, direct_sales = excluded.direct_sales,
                   collection_point = excluded.collection_point
                 RETURNING rowid",
            )?;
            let mut add_fts = tx.prepare_cached(
                "INSERT INTO places_fts (rowid, name, terms) VALUES (?1, ?2, ?3)",
            )?;
            let mut delete = tx.prepare_cached("DELETE FROM places WHERE id = ?1")?;
            let mut put_rtree = tx.prepare_cached(
                "INSERT OR REPLACE INTO places_rtree (id, min_lat, max_lat, min_lon, max_lon)
                 VALUES (?1, ?2, ?2, ?3, ?3)",
            )?;
            let mut drop_rtree = tx.prepare_cached("DELETE FROM places_rtree WHERE id = ?1")?;
            for Received { place: p, json } in &page.items {
                let row = params![
                    p.id.as_str(),
                    json.get(),
                    p.category.as_str(),
                    p.commune.as_ref().map(InseeCode::as_str),
                    p.position.lat,
                    p.position.lon,
                    p.delivery,
                    p.takeaway,
                    effective_hours(p),
                    p.address.country.as_deref(),
                    matches!(p.crisis, Some(Crisis::Closed { .. })),
                    p.name,
                    p.direct_sales,
                    p.collection_point
                ];
                if bulk {
                    upsert.query_row(row, |_| Ok(()))?;
                    continue;
                }
                if let Some(rowid) = rowid_of
                    .query_row([p.id.as_str()], |r| r.get::<_, i64>(0))
                    .optional()?
                {
                    drop_fts.execute([rowid])?;
                }
                let rowid: i64 = upsert.query_row(row, |r| r.get(0))?;
                add_fts.execute(params![rowid, p.name, search_terms(p)])?;
                put_rtree.execute(params![rowid, p.position.lat, p.position.lon])?;
            }
            for id in &page.deleted {
                if bulk {
                    delete.execute([id])?;
                    continue;
                }
                if let Some(rowid) = rowid_of
                    .query_row([id], |r| r.get::<_, i64>(0))
                    .optional()?
                {
                    drop_fts.execute([rowid])?;
                    drop_rtree.execute([rowid])?;
                    delete.execute([id])?;
                }
            }
        }
        if bulk {
            set_meta(&tx, keys::PLACES_INDEX_PENDING, &true)?;
        }
        set_meta(&tx, keys::PLACES_CURSOR, &page.next_cursor)?;
        tx.commit()?;
        Ok(())
    }

    /// Builds the search indexes of every place in one pass, when a first
    /// sync left them pending (also after a first sync was interrupted).
    pub fn build_places_index(&self) -> Result<(), StoreError> {
        if !self.places_index_pending()? {
            return Ok(());
        }
        let conn = self.conn();
        let _relaxed = Relaxed::new(&conn)?;
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(
            "DELETE FROM places_fts;
             DELETE FROM places_rtree;
             INSERT INTO places_rtree (id, min_lat, max_lat, min_lon, max_lon)
                 SELECT rowid, lat, lat, lon, lon FROM places;
             CREATE INDEX IF NOT EXISTS places_category_position ON places (category, lat, lon);",
        )?;
        {
            let mut read = tx.prepare(
                "SELECT rowid, name, category, data ->> '$.address.street',
                        data ->> '$.address.city'
                 FROM places",
            )?;
            let mut add_fts =
                tx.prepare("INSERT INTO places_fts (rowid, name, terms) VALUES (?1, ?2, ?3)")?;
            let mut rows = read.query([])?;
            while let Some(r) = rows.next()? {
                let category: String = r.get(2)?;
                let category = Category::from_str(&category)
                    .map_err(|_| StoreError::Corrupt(format!("place category {category:?}")))?;
                let street: Option<String> = r.get(3)?;
                let city: Option<String> = r.get(4)?;
                let name: String = r.get(1)?;
                add_fts.execute(params![
                    r.get::<_, i64>(0)?,
                    name,
                    terms_of(category, street.as_deref(), city.as_deref())
                ])?;
            }
        }
        tx.execute(
            "DELETE FROM meta WHERE key = ?1",
            [keys::PLACES_INDEX_PENDING],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn place(&self, id: &PlaceId) -> Result<Option<Place>, StoreError> {
        let data: Option<String> = self
            .conn()
            .query_row(
                "SELECT data FROM places WHERE id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        data.map(|d| {
            serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(format!("place {id}: {e}")))
        })
        .transpose()
    }

    /// Where distances "from a commune" are measured from: its town hall as
    /// listed in the directory (OSM `amenity=townhall`), else the commune's
    /// centroid (from its outline), else the centre of the places listed in
    /// it; `None` when none is known.
    pub fn commune_centre(&self, commune: &InseeCode) -> Result<Option<Position>, StoreError> {
        let conn = self.conn();
        let town_hall = conn
            .query_row(
                "SELECT lat, lon FROM places WHERE commune = ?1 AND category = ?2
                 ORDER BY id LIMIT 1",
                [commune.as_str(), Category::TownHall.as_str()],
                |r| {
                    Ok(Position {
                        lat: r.get(0)?,
                        lon: r.get(1)?,
                    })
                },
            )
            .optional()?;
        if town_hall.is_some() {
            return Ok(town_hall);
        }
        let geometry: Option<Option<String>> = conn
            .query_row(
                "SELECT geometry FROM communes WHERE code = ?1",
                [commune.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(Some(json)) = geometry
            && let Some(centre) = serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|g| serde_json::from_value::<Position>(g["centre"].clone()).ok())
        {
            return Ok(Some(centre));
        }
        let (lat, lon): (Option<f64>, Option<f64>) = conn.query_row(
            "SELECT avg(lat), avg(lon) FROM places WHERE commune = ?1",
            [commune.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(lat.zip(lon).map(|(lat, lon)| Position { lat, lon }))
    }

    pub fn place_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM places", [], |r| r.get(0))?)
    }

    /// Light rows of the places matching the query's text and filters, with
    /// their FTS rank (lower is better; 0 without text).
    /// Calls `visit` with each candidate until it returns `false`.
    fn candidates(
        &self,
        q: &SearchQuery,
        scan: Scan,
        mut visit: impl FnMut(Candidate) -> bool,
    ) -> Result<(), StoreError> {
        let mut sql =
            String::from("SELECT p.rowid, p.lat, p.lon, p.hours, p.country, p.closed, p.name, ");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let fts = q.text.as_deref().and_then(fts_query);
        let via_rtree = fts.is_none() && q.category.is_none() && matches!(scan, Scan::Within(_));
        match fts {
            Some(m) => {
                sql.push_str(
                    "0.0 FROM places_fts f JOIN places p ON p.rowid = f.rowid WHERE places_fts MATCH ?",
                );
                // The first pass of a text search looks at names only.
                args.push(match scan {
                    Scan::Words { names_only: true } => format!("{{name}} : ({m})").into(),
                    _ => m.into(),
                });
            }
            // Without text, a box without category is read from the R*Tree first.
            None => match scan {
                Scan::Within(b) if via_rtree => {
                    sql.push_str(
                        "0.0 FROM places_rtree r JOIN places p ON p.rowid = r.id
                         WHERE r.min_lat >= ? AND r.max_lat <= ? AND r.min_lon >= ? AND r.max_lon <= ?",
                    );
                    args.extend([
                        b.min_lat.into(),
                        b.max_lat.into(),
                        b.min_lon.into(),
                        b.max_lon.into(),
                    ]);
                }
                _ => sql.push_str("0.0 FROM places p WHERE 1"),
            },
        }
        if let Some(c) = q.category {
            sql.push_str(" AND p.category = ?");
            args.push(c.as_str().to_owned().into());
        }
        if let Some(c) = &q.commune {
            sql.push_str(" AND p.commune = ?");
            args.push(c.as_str().to_owned().into());
        }
        if q.delivery {
            sql.push_str(" AND p.delivery = 1");
        }
        if q.takeaway {
            sql.push_str(" AND p.takeaway = 1");
        }
        if q.direct_sales {
            sql.push_str(" AND p.direct_sales = 1");
        }
        if q.collection_point {
            sql.push_str(" AND p.collection_point = 1");
        }
        match scan {
            Scan::All => {}
            Scan::Within(_) if via_rtree => {}
            Scan::Within(b) => {
                sql.push_str(" AND p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?");
                args.extend([
                    b.min_lat.into(),
                    b.max_lat.into(),
                    b.min_lon.into(),
                    b.max_lon.into(),
                ]);
            }
            Scan::Words { .. } => {}
        }
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let c = Candidate {
                rowid: r.get(0)?,
                position: Position {
                    lat: r.get(1)?,
                    lon: r.get(2)?,
                },
                hours: r.get(3)?,
                country: r.get(4)?,
                closed: r.get(5)?,
                name: r.get(6)?,
                rank: r.get(7)?,
            };
            if !visit(c) {
                break;
            }
        }
        Ok(())
    }

    /// The places of these rowids, in no particular order.
    fn places_by_rowid(&self, rowids: &[i64]) -> Result<HashMap<i64, Place>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT data FROM places WHERE rowid = ?1")?;
        rowids
            .iter()
            .map(|&rowid| {
                let data: String = stmt.query_row([rowid], |r| r.get(0))?;
                let place = serde_json::from_str(&data)
                    .map_err(|e| StoreError::Corrupt(format!("place {rowid}: {e}")))?;
                Ok((rowid, place))
            })
            .collect()
    }
}

/// `synchronous = NORMAL` for as long as it lives, then back to `FULL`.
struct Relaxed<'a>(&'a rusqlite::Connection);

impl<'a> Relaxed<'a> {
    fn new(conn: &'a rusqlite::Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(Self(conn))
    }
}

impl Drop for Relaxed<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.0.pragma_update(None, "synchronous", "FULL") {
            tracing::error!(error = %e, "cannot restore synchronous=FULL");
        }
    }
}

/// Which candidates to read.
#[derive(Debug, Clone, Copy)]
enum Scan {
    All,
    /// Only inside a box (uses the position index).
    Within(BBox),
    /// Text matches in index order, names only or any column.
    Words {
        names_only: bool,
    },
}

#[derive(Debug, Clone, Copy)]
struct BBox {
    min_lat: f64,
    max_lat: f64,
    min_lon: f64,
    max_lon: f64,
}

impl BBox {
    /// The box around `c` that contains the circle of `radius_m`.
    fn around(c: Position, radius_m: f64) -> Self {
        let dlat = radius_m / 111_320.0;
        let dlon = radius_m / (111_320.0 * c.lat.to_radians().cos().max(0.01));
        Self {
            min_lat: c.lat - dlat,
            max_lat: c.lat + dlat,
            min_lon: c.lon - dlon,
            max_lon: c.lon + dlon,
        }
    }
}

/// What search needs of a place before it knows whether to return it.
#[derive(Debug)]
struct Candidate {
    rowid: i64,
    name: String,
    rank: f64,
    position: Position,
    hours: Option<String>,
    country: Option<String>,
    closed: bool,
}

/// A candidate that passed the filters, its hours status and distance.
type Hit = (Candidate, Option<HoursStatus>, Option<f64>);

/// Runs a search at `at` in the resident's language.
///
/// Only light columns are read for the candidates; each distinct hours
/// expression is evaluated once; only the returned places are decoded.
pub fn search(
    store: &Store,
    q: &SearchQuery,
    at: &DateTime<FixedOffset>,
    cache: &HoursCache,
    l10n: &Localizer,
) -> Result<Vec<PlaceResult>, StoreError> {
    let mut states: HashMap<(Option<String>, Option<String>, bool), Option<HoursStatus>> =
        HashMap::new();
    let mut status = |c: &Candidate| -> Option<HoursStatus> {
        states
            .entry((c.hours.clone(), c.country.clone(), c.closed))
            .or_insert_with(|| {
                status_of(
                    c.hours.as_deref(),
                    c.country.as_deref(),
                    c.closed,
                    at,
                    cache,
                )
            })
            .clone()
    };
    let limit = q.limit.unwrap_or(50) as usize;
    let has_text = q.text.as_deref().and_then(fts_query).is_some();
    let mut keep = |c: Candidate| -> Option<Hit> {
        let s = status(&c);
        if q.open_only && s.as_ref().map(|s| s.state) != Some(OpenState::Open) {
            return None;
        }
        let d = q.near.map(|o| o.distance_m(c.position));
        Some((c, s, d))
    };
    let mut hits: Vec<Hit> = Vec::new();
    // A commune narrows enough alone; a category uses the (category, position) index.
    let narrowed = q.commune.is_some();
    match (q.near, q.order) {
        // Nearest first over the whole directory: widen a box around the
        // origin until it holds `limit` hits within its inner circle (nothing
        // outside can be nearer).
        (Some(origin), order) if !narrowed && (order == Order::Distance || !has_text) => {
            let mut radius = 500.0;
            loop {
                let all = radius > 20_000_000.0;
                let scan = if all {
                    Scan::All
                } else {
                    Scan::Within(BBox::around(origin, radius))
                };
                hits.clear();
                store.candidates(q, scan, |c| {
                    hits.extend(keep(c));
                    true
                })?;
                let inside = hits
                    .iter()
                    .filter(|h| h.2.is_some_and(|d| d <= radius))
                    .count();
                if all || inside >= limit {
                    break;
                }
                radius *= 2.0;
            }
        }
        // Text: places whose name matches first, then those that match by
        // category or address; stop reading once `limit` pass the filters.
        // (bm25 ranking would score every match of a common word first.)
        (_, Order::Relevance) if has_text => {
            let mut seen = std::collections::HashSet::new();
            for (pass, names_only) in [(0.0, true), (1.0, false)] {
                store.candidates(q, Scan::Words { names_only }, |mut c| {
                    if seen.insert(c.rowid) {
                        c.rank = pass;
                        hits.extend(keep(c));
                    }
                    hits.len() < limit
                })?;
                if hits.len() >= limit {
                    break;
                }
            }
        }
        _ => store.candidates(q, Scan::All, |c| {
            hits.extend(keep(c));
            true
        })?,
    }

    let dist = |d: &Option<f64>| d.unwrap_or(f64::MAX);
    let cmp = |a: &(Candidate, Option<HoursStatus>, Option<f64>),
               b: &(Candidate, Option<HoursStatus>, Option<f64>)| {
        match q.order {
            Order::Relevance if has_text => {
                a.0.rank
                    .total_cmp(&b.0.rank)
                    .then_with(|| dist(&a.2).total_cmp(&dist(&b.2)))
                    .then_with(|| a.0.name.cmp(&b.0.name))
            }
            _ if q.near.is_some() => dist(&a.2).total_cmp(&dist(&b.2)),
            _ => a.0.name.cmp(&b.0.name),
        }
    };
    if hits.len() > limit {
        // Only the first `limit` need a full sort.
        hits.select_nth_unstable_by(limit, cmp);
        hits.truncate(limit);
    }
    hits.sort_by(cmp);

    let rowids: Vec<i64> = hits.iter().map(|(c, ..)| c.rowid).collect();
    let mut places = store.places_by_rowid(&rowids)?;
    let results: Vec<PlaceResult> = hits
        .into_iter()
        .filter_map(|(c, s, d)| {
            let place = places.remove(&c.rowid)?;
            let note = place
                .crisis
                .as_ref()
                .and_then(Crisis::note)
                .map(str::to_owned);
            let e = describe(&s, c.closed, note, at, l10n);
            Some(PlaceResult::new(place, e, d))
        })
        .collect();
    Ok(results)
}

#[cfg(test)]
mod tests {
    use beffroi_domain::Cursor;
    use beffroi_domain::place::{Address, Source, Tags};

    use super::*;

    fn place(id: &str, name: &str, lat: f64) -> Place {
        Place {
            id: PlaceId(id.into()),
            name: name.into(),
            category: Category::Bakery,
            address: Address::default(),
            commune: None,
            position: Position { lat, lon: 7.27 },
            phone: None,
            website: None,
            email: None,
            wheelchair: None,
            opening_hours: Some("Mo-Sa 07:00-19:30".into()),
            crisis: None,
            delivery: None,
            takeaway: None,
            drive_through: None,
            direct_sales: None,
            collection_point: None,
            source: Source::Staff,
            last_checked: None,
            tags: Tags::new(),
        }
    }

    fn page(items: Vec<Place>, deleted: Vec<&str>, cursor: u64) -> SyncPage<Received> {
        SyncPage {
            items: items
                .into_iter()
                .map(|p| Received::new(p).expect("encodable"))
                .collect(),
            deleted: deleted.into_iter().map(Into::into).collect(),
            next_cursor: Cursor(cursor),
            has_more: false,
            latest: None,
        }
    }

    fn names(store: &Store, text: &str) -> Vec<String> {
        let q = SearchQuery {
            text: Some(text.into()),
            ..Default::default()
        };
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").expect("time");
        let l10n = Localizer::new(beffroi_domain::Lang::Fr).expect("fr");
        search(store, &q, &at, &HoursCache::default(), &l10n)
            .expect("search")
            .into_iter()
            .map(|r| r.place.name)
            .collect()
    }

    #[test]
    fn a_place_of_a_category_this_version_does_not_know_is_kept_as_other() {
        let mut json =
            serde_json::to_value(place("osm:node:9", "Ferme spatiale", 43.7)).expect("a place");
        json["category"] = serde_json::Value::from("spaceport");
        let received: Received = serde_json::from_value(json.clone()).expect("kept as other");
        assert_eq!(received.place.category, Category::Other);
        assert_eq!(received.place.name, "Ferme spatiale");
        // Anything else wrong is still refused.
        json["position"] = serde_json::Value::Null;
        assert!(serde_json::from_value::<Received>(json).is_err());
    }

    #[test]
    fn a_commune_without_a_town_hall_is_measured_from_its_centroid() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let square = beffroi_domain::shape::Outline(vec![vec![vec![
            [7.25, 43.69],
            [7.29, 43.69],
            [7.29, 43.71],
            [7.25, 43.71],
            [7.25, 43.69],
        ]]]);
        let nice = beffroi_domain::Commune::new("06088", "Nice", 1, [])
            .expect("commune")
            .with_outline(square)
            .expect("outline");
        store
            .apply_communes_page(&SyncPage {
                items: vec![nice],
                deleted: vec![],
                next_cursor: Cursor(1),
                has_more: false,
                latest: None,
            })
            .expect("communes");
        // A place far from the centre does not pull it: the centroid wins
        // over the places' average.
        let nice_code: InseeCode = "06088".parse().expect("code");
        let mut far = place("a", "Boulangerie Alpha", 43.75);
        far.commune = Some(nice_code.clone());
        store
            .apply_places_page(&page(vec![far], vec![], 5))
            .expect("places");
        let centre = store
            .commune_centre(&nice_code)
            .expect("centre")
            .expect("known");
        assert!(
            (centre.lat - 43.70).abs() < 1e-9 && (centre.lon - 7.27).abs() < 1e-9,
            "{centre:?}"
        );
        // The stored commune keeps its outline and centre.
        let stored = store.communes().expect("communes");
        assert_eq!(stored[0].centre, Some(centre));
        assert!(stored[0].outline.is_some());
    }

    #[test]
    fn a_page_that_fails_midway_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store
            .apply_places_page(&page(
                vec![place("a", "Boulangerie Alpha", 43.7)],
                vec![],
                5,
            ))
            .expect("first page");
        store.build_places_index().expect("index");

        // The second item cannot be stored (NaN has no place in a REAL NOT NULL column).
        let broken = page(
            vec![
                place("b", "Boulangerie Bravo", 43.7),
                place("c", "Boulangerie Charlie", f64::NAN),
            ],
            vec!["a"],
            9,
        );
        assert!(store.apply_places_page(&broken).is_err());
        assert_eq!(store.places_cursor().expect("cursor"), Cursor(5));
        assert_eq!(names(&store, "boulangerie"), vec!["Boulangerie Alpha"]);
        assert_eq!(store.place_count().expect("count"), 1);
    }

    #[test]
    fn a_first_sync_fills_the_table_then_builds_the_indexes_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        store
            .apply_places_page(&page(
                vec![
                    place("a", "Boulangerie Alpha", 43.7),
                    place("b", "Boulangerie Bravo", 43.8),
                ],
                vec![],
                2,
            ))
            .expect("first page");
        assert!(store.places_index_pending().expect("flag"));
        // A later page of the same first sync changes and deletes places
        // that are not indexed yet.
        let mut renamed = place("a", "Boulangerie Ambre", 43.7);
        renamed.address.city = Some("Èze".into());
        store
            .apply_places_page(&page(vec![renamed], vec!["b"], 4))
            .expect("second page");
        assert!(store.places_index_pending().expect("flag"));
        assert!(names(&store, "boulangerie").is_empty(), "not indexed yet");

        // Cut short here: opening the store again (as the client does) builds them.
        drop(store);
        let client = crate::Client::open(dir.path()).expect("reopen");
        assert!(!client.store.places_index_pending().expect("flag"));
        assert_eq!(
            names(&client.store, "boulangerie"),
            vec!["Boulangerie Ambre"]
        );
        assert_eq!(
            names(&client.store, "eze"),
            vec!["Boulangerie Ambre"],
            "city indexed"
        );
        assert!(names(&client.store, "alpha").is_empty());
        let rtree: i64 = client
            .store
            .conn()
            .query_row("SELECT count(*) FROM places_rtree", [], |r| r.get(0))
            .expect("count");
        assert_eq!(rtree, 1);

        // Later pages keep the indexes in step row by row.
        client
            .store
            .apply_places_page(&page(vec![place("c", "Boulangerie Cyan", 43.9)], vec![], 5))
            .expect("third page");
        assert!(!client.store.places_index_pending().expect("flag"));
        assert_eq!(names(&client.store, "cyan"), vec!["Boulangerie Cyan"]);
    }

    #[test]
    fn search_is_accent_insensitive_prefix_and_follows_updates() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let mut p = place("a", "Épicerie Fine", 43.7);
        store
            .apply_places_page(&page(vec![p.clone()], vec![], 1))
            .expect("apply");
        store.build_places_index().expect("index");
        assert_eq!(names(&store, "epic"), vec!["Épicerie Fine"]);
        assert_eq!(
            names(&store, "bakery"),
            vec!["Épicerie Fine"],
            "category words in English too"
        );
        p.name = "Chez Paul".into();
        store
            .apply_places_page(&page(vec![p], vec![], 2))
            .expect("apply");
        assert!(
            names(&store, "epicerie").is_empty(),
            "the old name left the index"
        );
        assert_eq!(names(&store, "paul"), vec!["Chez Paul"]);
        store
            .apply_places_page(&page(vec![], vec!["a"], 3))
            .expect("apply");
        assert!(names(&store, "paul").is_empty());
        assert!(
            names(&store, "\"*").is_empty(),
            "FTS syntax in the text is not an error"
        );
    }

    #[test]
    fn nearest_first_finds_the_nearest_even_far_away() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        // Along a meridian: 0 m, ~1.1 km, ~11 km, ~111 km and ~1,100 km north of the origin.
        let places: Vec<Place> = [0.0, 0.01, 0.1, 1.0, 10.0]
            .iter()
            .enumerate()
            .map(|(i, d)| place(&format!("p{i}"), &format!("Boulangerie {i}"), 43.0 + d))
            .collect();
        store
            .apply_places_page(&page(places, vec![], 1))
            .expect("apply");
        store.build_places_index().expect("index");
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").expect("time");
        let l10n = Localizer::new(beffroi_domain::Lang::Fr).expect("fr");
        let run = |origin: f64, limit: u32, category: Option<Category>| -> Vec<String> {
            let q = SearchQuery {
                near: Some(Position {
                    lat: origin,
                    lon: 7.27,
                }),
                order: Order::Distance,
                category,
                limit: Some(limit),
                ..Default::default()
            };
            search(&store, &q, &at, &HoursCache::default(), &l10n)
                .expect("search")
                .into_iter()
                .map(|r| r.place.id.0)
                .collect()
        };
        assert_eq!(run(43.0, 2, None), vec!["p0", "p1"]);
        assert_eq!(
            run(55.0, 2, None),
            vec!["p4", "p3"],
            "the box widens until it is sure"
        );
        assert_eq!(run(55.0, 2, Some(Category::Bakery)), vec!["p4", "p3"]);
        assert_eq!(run(43.0, 10, None).len(), 5);
    }
}
