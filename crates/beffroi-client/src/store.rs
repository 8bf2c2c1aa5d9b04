//! The resident's local SQLite store: what the app shows when offline.
//!
//! Opened the same way as the server's (WAL, busy timeout, `synchronous=FULL`).
//! Each sync page is applied in one transaction together with its cursor, so an
//! interrupted sync leaves the store exactly as it was before that page.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard};

use beffroi_domain::advice::Advice;
use beffroi_domain::measure::Measure;
use beffroi_domain::{Commune, Cursor, InseeCode, SyncPage};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde::Serialize;
use serde::de::DeserializeOwned;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("store/0001_init.sql")),
        M::up(include_str!("store/0002_places.sql")),
        M::up(include_str!("store/0003_places_search.sql")),
        M::up(include_str!("store/0004_places_category_position.sql")),
        M::up(include_str!("store/0005_places_rtree.sql")),
        M::up(include_str!("store/0006_drop_redundant_place_indexes.sql")),
        M::up(include_str!("store/0007_places_fts_detail_column.sql")),
        M::up(include_str!("store/0008_alerts.sql")),
        M::up(include_str!("store/0009_outbox.sql")),
        M::up(include_str!("store/0010_outbox_photos_backoff.sql")),
        M::up(include_str!("store/0011_alerts_cursor.sql")),
        M::up(include_str!("store/0012_communes_geometry.sql")),
        M::up(include_str!("store/0013_followed_reports.sql")),
        M::up(include_str!("store/0014_measures.sql")),
        M::up(include_str!("store/0015_places_producers.sql")),
        M::up(include_str!("store/0016_advice.sql")),
        M::up(include_str!("store/0017_aid.sql")),
    ])
});

pub const DB_FILE: &str = "beffroi-client.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("local database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("local database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("local data is inconsistent ({0}): delete the data directory and sync again")]
    Corrupt(String),
}

/// Keys of the `meta` table.
pub(crate) mod keys {
    pub const COMMUNES_CURSOR: &str = "cursor.communes";
    pub const PLACES_CURSOR: &str = "cursor.places";
    /// Set while the places' search indexes (FTS, R*Tree) are not built: a
    /// first sync fills the table alone and builds them once at the end.
    pub const PLACES_INDEX_PENDING: &str = "places.index_pending";
    pub const ALERTS_CURSOR: &str = "cursor.alerts";
    pub const MEASURES_CURSOR: &str = "cursor.measures";
    /// Set after the first pull of the measures: later changes are news.
    pub const MEASURES_SYNCED: &str = "measures.synced";
    pub const ADVICE_CURSOR: &str = "cursor.advice";
    pub const AID_CURSOR: &str = "cursor.aid";
    /// This device's mutual-aid posting key (see `aid`).
    pub const AID_KEY: &str = "aid.key";
    /// The last inbox read (its posts and threads).
    pub const AID_INBOX: &str = "aid.inbox";
    pub const AID_INBOX_CURSOR: &str = "cursor.aid_inbox";
    /// The town hall's public keys this device trusts (pinned at first sync).
    pub const ALERT_KEYS: &str = "alerts.keys";
    pub const SETTINGS: &str = "settings";
    /// This device's push keys and subscription (`crate::push`).
    pub const PUSH: &str = "push";
    pub const SYNC_STATUS: &str = "sync.status";
}

#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let mut conn = Connection::open(data_dir.join(DB_FILE))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        MIGRATIONS.to_latest(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // Transactions roll back on drop, so a panic elsewhere cannot leave
        // half-written data behind a poisoned lock.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get_meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let raw: Option<String> = self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        raw.map(|s| {
            serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("{key}: {e}")))
        })
        .transpose()
    }

    pub fn set_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        set_meta(&self.conn(), key, value)
    }

    pub fn communes_cursor(&self) -> Result<Cursor, StoreError> {
        Ok(self.get_meta(keys::COMMUNES_CURSOR)?.unwrap_or_default())
    }

    /// Applies one page of commune changes and its cursor atomically.
    pub fn apply_communes_page(&self, page: &SyncPage<Commune>) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO communes (code, name, population, postal_codes, geometry)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                   population = excluded.population, postal_codes = excluded.postal_codes,
                   geometry = excluded.geometry",
            )?;
            for c in &page.items {
                let postal = serde_json::to_string(&c.postal_codes)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let geometry = c.geometry_json();
                upsert.execute(params![
                    c.code.as_str(),
                    c.name,
                    c.population,
                    postal,
                    geometry
                ])?;
            }
            let mut delete = tx.prepare_cached("DELETE FROM communes WHERE code = ?1")?;
            for code in &page.deleted {
                delete.execute([code])?;
            }
        }
        set_meta(&tx, keys::COMMUNES_CURSOR, &page.next_cursor)?;
        tx.commit()?;
        Ok(())
    }

    /// Every cached commune, by name (French collation is close enough with
    /// accents folded by SQLite's NOCASE for ASCII; names are few).
    pub fn communes(&self) -> Result<Vec<Commune>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT code, name, population, postal_codes, geometry FROM communes
             ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (code, name, population, postal, geometry) = row?;
            let corrupt =
                |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("commune {code}: {e}"));
            let postal: Vec<String> = serde_json::from_str(&postal).map_err(|e| corrupt(&e))?;
            let commune =
                Commune::new(&code, &name, population, postal).map_err(|e| corrupt(&e))?;
            match geometry {
                Some(json) => commune.with_geometry_json(&json).map_err(|e| corrupt(&e)),
                None => Ok(commune),
            }
        })
        .collect()
    }

    /// The outlines of these communes (those that have one).
    pub fn commune_outlines(
        &self,
        codes: &[InseeCode],
    ) -> Result<Vec<(InseeCode, beffroi_domain::shape::Outline)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT json_extract(geometry, '$.outline') FROM communes
             WHERE code = ?1 AND geometry IS NOT NULL",
        )?;
        let mut out = Vec::with_capacity(codes.len());
        for code in codes {
            let outline: Option<String> =
                stmt.query_row([code.as_str()], |r| r.get(0)).optional()?;
            if let Some(json) = outline {
                let outline = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("commune {code}: {e}")))?;
                out.push((code.clone(), outline));
            }
        }
        Ok(out)
    }

    pub fn measures_cursor(&self) -> Result<Cursor, StoreError> {
        Ok(self.get_meta(keys::MEASURES_CURSOR)?.unwrap_or_default())
    }

    /// Whether the measures were pulled once (see `Client::sync`).
    pub fn measures_synced(&self) -> Result<bool, StoreError> {
        Ok(self.get_meta(keys::MEASURES_SYNCED)?.unwrap_or(false))
    }

    pub fn set_measures_synced(&self) -> Result<(), StoreError> {
        self.set_meta(keys::MEASURES_SYNCED, &true)
    }

    /// Applies one page of measure changes and its cursor atomically.
    pub fn apply_measures_page(&self, page: &SyncPage<Measure>) -> Result<(), StoreError> {
        self.apply_documents("measures", keys::MEASURES_CURSOR, page, |m| &m.id)
    }

    /// Every measure synced (their latest versions), by id.
    pub fn measures(&self) -> Result<Vec<Measure>, StoreError> {
        self.documents("measures")
    }

    pub fn advice_cursor(&self) -> Result<Cursor, StoreError> {
        Ok(self.get_meta(keys::ADVICE_CURSOR)?.unwrap_or_default())
    }

    /// Applies one page of advice page changes and its cursor atomically.
    pub fn apply_advice_page(&self, page: &SyncPage<Advice>) -> Result<(), StoreError> {
        self.apply_documents("advice", keys::ADVICE_CURSOR, page, |a| &a.id)
    }

    /// Every advice page synced (their latest versions), by id.
    pub fn advice(&self) -> Result<Vec<Advice>, StoreError> {
        self.documents("advice")
    }

    /// Applies a page of a document table's changes (`id`, `data` as JSON)
    /// and its cursor under `cursor_key`, atomically.
    pub(crate) fn apply_documents<T: serde::Serialize>(
        &self,
        table: &'static str,
        cursor_key: &str,
        page: &SyncPage<T>,
        id: impl Fn(&T) -> &String,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(&format!(
                "INSERT INTO {table} (id, data) VALUES (?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data"
            ))?;
            for item in &page.items {
                let data =
                    serde_json::to_string(item).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                upsert.execute(params![id(item), data])?;
            }
            let mut delete = tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?;
            for id in &page.deleted {
                delete.execute([id])?;
            }
        }
        set_meta(&tx, cursor_key, &page.next_cursor)?;
        tx.commit()?;
        Ok(())
    }

    /// Every document of a table, by id.
    pub(crate) fn documents<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT id, data FROM {table} ORDER BY id"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (id, data) = row?;
            serde_json::from_str(&data)
                .map_err(|e| StoreError::Corrupt(format!("{table} {id}: {e}")))
        })
        .collect()
    }

    pub fn commune_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM communes", [], |r| r.get(0))?)
    }
}

pub(crate) fn set_meta<T: Serialize>(
    conn: &Connection,
    key: &str,
    value: &T,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, json],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(code: &str, name: &str) -> Commune {
        Commune::new(code, name, 1, ["06000".to_owned()]).expect("valid")
    }

    #[test]
    fn a_device_upgraded_finds_its_places_flags_in_their_columns() {
        // A store as the version before the producers' flags left it, one
        // place's JSON already carrying them (a newer server sent them).
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = Connection::open(dir.path().join(DB_FILE)).expect("open");
        MIGRATIONS.to_version(&mut conn, 14).expect("migrate to 14");
        conn.execute_batch(
            r#"INSERT INTO places (id, data, category, lat, lon) VALUES
                 ('a', '{"direct_sales":true,"collection_point":false}', 'farm', 43.7, 7.2),
                 ('b', '{"name":"Boulangerie"}', 'bakery', 43.7, 7.2);"#,
        )
        .expect("insert");
        drop(conn);
        let store = Store::open(dir.path()).expect("upgraded");
        let flags: Vec<(String, Option<i64>, Option<i64>)> = store
            .conn()
            .prepare("SELECT id, direct_sales, collection_point FROM places ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            flags,
            [
                ("a".to_owned(), Some(1), Some(0)),
                ("b".to_owned(), None, None)
            ]
        );
    }

    #[test]
    fn pages_apply_upserts_deletes_and_cursor() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        assert_eq!(store.communes_cursor().expect("cursor"), Cursor::START);
        store
            .apply_communes_page(&SyncPage {
                items: vec![commune("06088", "Nice"), commune("06029", "Cagnes")],
                deleted: vec![],
                next_cursor: Cursor(2),
                has_more: false,
                latest: None,
            })
            .expect("apply");
        store
            .apply_communes_page(&SyncPage {
                items: vec![commune("06029", "Cagnes-sur-Mer")],
                deleted: vec!["06088".into()],
                next_cursor: Cursor(4),
                has_more: false,
                latest: None,
            })
            .expect("apply");
        let names: Vec<_> = store
            .communes()
            .expect("read")
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, vec!["Cagnes-sur-Mer"]);
        assert_eq!(store.communes_cursor().expect("cursor"), Cursor(4));

        // Reopening keeps everything.
        drop(store);
        let store = Store::open(dir.path()).expect("reopen");
        assert_eq!(store.commune_count().expect("count"), 1);
    }

    #[test]
    fn migration_3_fills_the_search_columns_of_existing_places() {
        let mut conn = Connection::open_in_memory().expect("db");
        MIGRATIONS.to_version(&mut conn, 2).expect("v2");
        let data = r#"{"name":"Chez Paul","opening_hours":"Mo-Fr 08:00-12:00",
            "crisis":{"status":"other_hours","opening_hours":"Mo 09:00-10:00","note":null},
            "address":{"country":"MC"}}"#;
        conn.execute(
            "INSERT INTO places (id, data, category, lat, lon) VALUES ('a', ?1, 'bakery', 43.7, 7.4)",
            [data],
        )
        .expect("insert");
        conn.execute(
            "INSERT INTO places (id, data, category, lat, lon)
             VALUES ('b', '{\"name\":\"Fermé\",\"crisis\":{\"status\":\"closed\"},\"address\":{}}', 'bakery', 43.7, 7.4)",
            [],
        )
        .expect("insert");
        MIGRATIONS.to_latest(&mut conn).expect("latest");
        let row = |id: &str| -> (String, Option<String>, Option<String>, bool) {
            conn.query_row(
                "SELECT name, hours, country, closed FROM places WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("row")
        };
        assert_eq!(
            row("a"),
            (
                "Chez Paul".into(),
                Some("Mo 09:00-10:00".into()),
                Some("MC".into()),
                false
            )
        );
        assert_eq!(row("b"), ("Fermé".into(), None, None, true));
    }

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }
}
