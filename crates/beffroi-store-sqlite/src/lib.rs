//! The embedded SQLite store: one file in the data directory, WAL, a busy
//! timeout, `synchronous=FULL` (an acknowledged write survives a power cut).
//!
//! rusqlite is synchronous; calls run on Tokio's blocking pool. One connection
//! behind a mutex is enough for the foundation's load and keeps every write
//! serialised, which is what gives cursors their commit order.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use async_trait::async_trait;
use beffroi_domain::advice::{Advice, AdviceVersion};
use beffroi_domain::aid::{AidInbox, AidPost, AidState, StaffAidPost};
use beffroi_domain::alert::{AlertDraft, AlertMessage, AuditEntry, StaffAlert};
use beffroi_domain::measure::{Measure, MeasureVersion};
use beffroi_domain::place::{Place, PlaceId, UpsertCounts, Writer};
use beffroi_domain::report::{NewReport, ReporterView, StaffReport, StatusUpdate};
use beffroi_domain::staff::StaffMember;
use beffroi_domain::sync::Change;
use beffroi_domain::{Commune, Cursor, Role, SyncPage, Username};
use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde_json::value::RawValue;
use time::OffsetDateTime;

use beffroi_store::rules::PlaceWrite;
use beffroi_store::{
    AdviceWrite, MeasureWrite, Publication, PushSaved, ReportFilter, SentAlert, StaffCredentials,
    Store, StoreError, Submitted,
};

mod aid;
mod alerts;
mod push;
mod reports;
mod snapshot;
mod versioned;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_init.sql")),
        M::up(include_str!("../migrations/0002_places.sql")),
        M::up(include_str!("../migrations/0003_alerts.sql")),
        M::up(include_str!("../migrations/0004_reports.sql")),
        M::up(include_str!("../migrations/0005_reports_kind.sql")),
        M::up(include_str!("../migrations/0006_communes_geometry.sql")),
        M::up(include_str!("../migrations/0007_reports_position.sql")),
        M::up(include_str!("../migrations/0008_push_subscriptions.sql")),
        M::up(include_str!("../migrations/0009_secrets.sql")),
        M::up(include_str!("../migrations/0010_measures.sql")),
        M::up(include_str!("../migrations/0011_push_measures.sql")),
        M::up(include_str!("../migrations/0012_advice.sql")),
        M::up(include_str!("../migrations/0013_aid.sql")),
    ])
});

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "beffroi.sqlite3";

#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    /// Report submissions, grouped into commits by the writer thread.
    reports: tokio::sync::mpsc::Sender<reports::Pending>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        Self::open_file(&data_dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the database file at `path` and migrates
    /// it; a directory means [`DB_FILE`] in it.
    pub fn open_file(path: &Path) -> Result<Self, StoreError> {
        let path = if path.is_dir() {
            path.join(DB_FILE)
        } else {
            path.to_owned()
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                path: dir.to_owned(),
                source,
            })?;
        }
        let mut conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        MIGRATIONS.to_latest(&mut conn)?;
        let conn = Arc::new(Mutex::new(conn));
        Ok(Self {
            reports: reports::spawn_writer(Arc::clone(&conn))?,
            conn,
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave SQLite half-written
            // (transactions roll back on drop), so a poisoned lock is still usable.
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

/// Copies the database file `source` to `dest` (a new file) with SQLite's
/// online backup API, in one step: a consistent copy even while a server
/// writes to it (WAL: the server is not held up). `source` is only read.
pub fn backup(source: &Path, dest: &Path) -> Result<(), StoreError> {
    if !source.is_file() {
        return Err(StoreError::DataDir {
            path: source.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no database file"),
        });
    }
    let from = Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    from.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut to = Connection::open(dest)?;
    {
        use rusqlite::backup::StepResult;
        let copy = rusqlite::backup::Backup::new(&from, &mut to)?;
        // -1: every page in one step, under one read transaction (a step
        // of some pages would start again each time the server writes).
        let mut tries = 0;
        loop {
            match copy.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                StepResult::Busy | StepResult::Locked => {
                    return Err(StoreError::Unavailable(
                        "the database stayed locked for 5 s".into(),
                    ));
                }
                _ => {}
            }
        }
    }
    to.pragma_update(None, "synchronous", "FULL")?;
    // The copy is a file of its own, made durable before it is called done.
    to.pragma_update(None, "journal_mode", "WAL")?;
    to.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    Ok(())
}

fn next_cursor(tx: &rusqlite::Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx.query_row(
        "UPDATE sync_seq SET value = value + 1 WHERE id = 1 RETURNING value",
        [],
        |r| r.get(0),
    )?)
}

fn role_from_db(s: &str) -> Result<Role, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown role {s:?} in staff table")))
}

fn username_from_db(s: String) -> Result<Username, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("invalid username {s:?} in staff table")))
}

fn insert_staff(
    conn: &mut Connection,
    username: &str,
    role: Role,
    hash: &str,
    replace: bool,
) -> Result<(), StoreError> {
    let sql = if replace {
        "INSERT INTO staff (username, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (username) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash"
    } else {
        "INSERT INTO staff (username, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)"
    };
    let now = OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    match conn.execute(sql, params![username, role.as_str(), hash, now]) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(StoreError::AlreadyExists(beffroi_domain::msg!(
                "store-staff-exists",
                username = username.to_string()
            )))
        }
        Err(e) => Err(e.into()),
    }
}

fn place_from_json(id: &str, data: &str) -> Result<Place, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(format!("place {id}: {e}")))
}

/// A commune with its outline and centre as stored (see `Commune::geometry_json`).
fn with_geometry(c: Commune, geometry: Option<&str>) -> Result<Commune, StoreError> {
    match geometry {
        Some(json) => {
            let code = c.code.clone();
            c.with_geometry_json(json)
                .map_err(|e| StoreError::Corrupt(format!("commune {code}: {e}")))
        }
        None => Ok(c),
    }
}

fn cursor_of(rev: i64, what: &str) -> Result<Cursor, StoreError> {
    u64::try_from(rev)
        .map(Cursor)
        .map_err(|_| StoreError::Corrupt(format!("negative cursor {rev} for {what}")))
}

#[async_trait]
impl Store for SqliteStore {
    async fn upsert_communes(&self, communes: Vec<Commune>) -> Result<usize, StoreError> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let mut changed = 0;
            for c in &communes {
                let postal = serde_json::to_string(&c.postal_codes)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let geometry = c.geometry_json();
                let same: bool = tx
                    .query_row(
                        "SELECT 1 FROM communes WHERE code = ?1 AND name = ?2 AND population = ?3
                         AND postal_codes = ?4 AND geometry IS ?5 AND deleted = 0",
                        params![c.code.as_str(), c.name, c.population, postal, geometry],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                if same {
                    continue;
                }
                let rev = next_cursor(&tx)?;
                tx.execute(
                    "INSERT INTO communes (code, name, population, postal_codes, geometry, rev, deleted)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                       population = excluded.population, postal_codes = excluded.postal_codes,
                       geometry = excluded.geometry, rev = excluded.rev, deleted = 0",
                    params![c.code.as_str(), c.name, c.population, postal, geometry, rev],
                )?;
                changed += 1;
            }
            tx.commit()?;
            Ok(changed)
        })
        .await
    }

    async fn communes(&self) -> Result<Vec<Commune>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT code, name, population, postal_codes FROM communes
                 WHERE deleted = 0 ORDER BY code",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            rows.map(|row| {
                let (code, name, population, postal) = row?;
                let corrupt =
                    |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("commune {code}: {e}"));
                let postal: Vec<String> = serde_json::from_str(&postal).map_err(|e| corrupt(&e))?;
                Commune::new(&code, &name, population, postal).map_err(|e| corrupt(&e))
            })
            .collect()
        })
        .await
    }

    async fn communes_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Commune>, StoreError> {
        self.call(move |conn| {
            let since_i = i64::try_from(since.0).unwrap_or(i64::MAX);
            let mut stmt = conn.prepare_cached(
                "SELECT code, name, population, postal_codes, rev, deleted, geometry FROM communes
                 WHERE rev > ?1 ORDER BY rev LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![since_i, i64::from(limit) + 1], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?;
            let mut changes = Vec::new();
            for row in rows {
                let (code, name, population, postal, rev, deleted, geometry) = row?;
                let cursor = cursor_of(rev, &code)?;
                let change = if deleted {
                    Change::Delete(code)
                } else {
                    let postal: Vec<String> = serde_json::from_str(&postal)
                        .map_err(|e| StoreError::Corrupt(format!("commune {code}: {e}")))?;
                    let commune = Commune::new(&code, &name, population, postal)
                        .map_err(|e| StoreError::Corrupt(format!("commune {code}: {e}")))?;
                    Change::Upsert(with_geometry(commune, geometry.as_deref())?)
                };
                changes.push((cursor, change));
            }
            Ok(SyncPage::from_changes(since, changes, limit))
        })
        .await
    }

    async fn add_staff(
        &self,
        username: &Username,
        role: Role,
        password_hash: String,
    ) -> Result<(), StoreError> {
        let name = username.to_string();
        self.call(move |conn| insert_staff(conn, &name, role, &password_hash, false))
            .await
    }

    async fn put_staff(
        &self,
        username: &Username,
        role: Role,
        password_hash: String,
    ) -> Result<(), StoreError> {
        let name = username.to_string();
        self.call(move |conn| insert_staff(conn, &name, role, &password_hash, true))
            .await
    }

    async fn staff_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<StaffCredentials>, StoreError> {
        let name = username.clone();
        self.call(move |conn| {
            let row = conn
                .query_row(
                    "SELECT role, password_hash FROM staff WHERE username = ?1",
                    [name.as_str()],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()?;
            row.map(|(role, password_hash)| {
                Ok(StaffCredentials {
                    member: StaffMember {
                        username: name,
                        role: role_from_db(&role)?,
                    },
                    password_hash,
                })
            })
            .transpose()
        })
        .await
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn.prepare("SELECT username, role FROM staff ORDER BY username")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            rows.map(|row| {
                let (username, role) = row?;
                Ok(StaffMember {
                    username: username_from_db(username)?,
                    role: role_from_db(&role)?,
                })
            })
            .collect()
        })
        .await
    }

    async fn create_session(
        &self,
        token_hash: [u8; 32],
        username: &Username,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let name = username.to_string();
        self.call(move |conn| {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            // Expired sessions are swept on login, which is rare and cheap.
            conn.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
            conn.execute(
                "INSERT INTO sessions (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
                params![&token_hash[..], name, expires_at.unix_timestamp()],
            )?;
            Ok(())
        })
        .await
    }

    async fn session_staff(
        &self,
        token_hash: [u8; 32],
        now: OffsetDateTime,
    ) -> Result<Option<StaffMember>, StoreError> {
        self.call(move |conn| {
            let row = conn
                .query_row(
                    "SELECT s.username, s.role FROM sessions t JOIN staff s USING (username)
                     WHERE t.token_hash = ?1 AND t.expires_at > ?2",
                    params![&token_hash[..], now.unix_timestamp()],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()?;
            row.map(|(username, role)| {
                Ok(StaffMember {
                    username: username_from_db(username)?,
                    role: role_from_db(&role)?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn delete_session(&self, token_hash: [u8; 32]) -> Result<(), StoreError> {
        self.call(move |conn| {
            conn.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                [&token_hash[..]],
            )?;
            Ok(())
        })
        .await
    }

    async fn upsert_places(
        &self,
        places: Vec<Place>,
        writer: Writer,
    ) -> Result<UpsertCounts, StoreError> {
        self.call(move |conn| Self::upsert_places_tx(conn, &places, writer))
            .await
    }

    async fn places_since_json(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Box<RawValue>>, StoreError> {
        self.call(move |conn| {
            let since_i = i64::try_from(since.0).unwrap_or(i64::MAX);
            let mut stmt = conn.prepare_cached(
                "SELECT id, data, rev, deleted FROM places WHERE rev > ?1 ORDER BY rev LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![since_i, i64::from(limit) + 1], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })?;
            let mut changes = Vec::new();
            for row in rows {
                let (id, data, rev, deleted) = row?;
                let cursor = cursor_of(rev, &id)?;
                let change = if deleted {
                    Change::Delete(id)
                } else {
                    Change::Upsert(
                        RawValue::from_string(data)
                            .map_err(|e| StoreError::Corrupt(format!("place {id}: {e}")))?,
                    )
                };
                changes.push((cursor, change));
            }
            Ok(SyncPage::from_changes(since, changes, limit))
        })
        .await
    }

    async fn get_place(&self, id: &PlaceId) -> Result<Option<Place>, StoreError> {
        let id = id.clone();
        self.call(move |conn| {
            let data: Option<String> = conn
                .query_row(
                    "SELECT data FROM places WHERE id = ?1 AND deleted = 0",
                    [id.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            data.map(|d| place_from_json(id.as_str(), &d)).transpose()
        })
        .await
    }

    async fn list_places(
        &self,
        query: Option<String>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Place>, StoreError> {
        self.call(move |conn| {
            // LIKE's wildcards in the user's text are escaped with '!'.
            let pattern = query.map(|q| {
                let escaped = q.replace('!', "!!").replace('%', "!%").replace('_', "!_");
                format!("%{escaped}%")
            });
            let mut stmt = conn.prepare_cached(
                "SELECT id, data FROM places WHERE deleted = 0
                 AND (?1 IS NULL OR name LIKE ?1 ESCAPE '!')
                 ORDER BY name COLLATE NOCASE, id LIMIT ?2 OFFSET ?3",
            )?;
            let rows = stmt.query_map(params![pattern, limit, offset], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.map(|row| {
                let (id, data) = row?;
                place_from_json(&id, &data)
            })
            .collect()
        })
        .await
    }

    async fn delete_place(&self, id: &PlaceId) -> Result<bool, StoreError> {
        let id = id.clone();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let live = tx
                .query_row(
                    "SELECT 1 FROM places WHERE id = ?1 AND deleted = 0",
                    [id.as_str()],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if live {
                let rev = next_cursor(&tx)?;
                tx.execute(
                    "UPDATE places SET deleted = 1, rev = ?2 WHERE id = ?1",
                    params![id.as_str(), rev],
                )?;
            }
            tx.commit()?;
            Ok(live)
        })
        .await
    }

    async fn create_alert(
        &self,
        id: String,
        draft: AlertDraft,
        actor: String,
    ) -> Result<StaffAlert, StoreError> {
        self.call(move |conn| alerts::create(conn, &id, &draft, &actor))
            .await
    }

    async fn edit_alert(
        &self,
        id: String,
        draft: AlertDraft,
        actor: String,
    ) -> Result<StaffAlert, StoreError> {
        self.call(move |conn| alerts::edit(conn, &id, &draft, &actor))
            .await
    }

    async fn get_alert(&self, id: String) -> Result<Option<StaffAlert>, StoreError> {
        self.call(move |conn| alerts::get(conn, &id)).await
    }

    async fn list_alerts(&self) -> Result<Vec<StaffAlert>, StoreError> {
        self.call(|conn| alerts::list(conn)).await
    }

    async fn alert_messages(&self, id: String) -> Result<Vec<AlertMessage>, StoreError> {
        self.call(move |conn| alerts::messages(conn, &id)).await
    }

    async fn alert_of_message(&self, identifier: String) -> Result<Option<String>, StoreError> {
        self.call(move |conn| alerts::alert_of_message(conn, &identifier))
            .await
    }

    async fn publish(&self, publication: Publication) -> Result<SentAlert, StoreError> {
        self.call(move |conn| alerts::publish(conn, &publication))
            .await
    }

    async fn latest_alert_cursor(&self) -> Result<Cursor, StoreError> {
        self.call(|conn| {
            let rev: Option<i64> =
                conn.query_row("SELECT max(rev) FROM alert_messages", [], |r| r.get(0))?;
            rev.map_or(Ok(Cursor::START), |r| cursor_of(r, "the latest alert"))
        })
        .await
    }

    async fn alerts_after(&self, since: Cursor, limit: u32) -> Result<Vec<SentAlert>, StoreError> {
        self.call(move |conn| alerts::after(conn, since, limit))
            .await
    }

    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        self.call(move |conn| alerts::audit_log(conn, limit)).await
    }

    async fn write_measure(&self, write: MeasureWrite) -> Result<Measure, StoreError> {
        self.call(move |conn| versioned::write(conn, &write)).await
    }

    async fn measures_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Measure>, StoreError> {
        self.call(move |conn| versioned::since(conn, since, limit))
            .await
    }

    async fn measures(&self) -> Result<Vec<Measure>, StoreError> {
        self.call(|conn| versioned::current(conn)).await
    }

    async fn measure_history(&self, id: String) -> Result<Vec<MeasureVersion>, StoreError> {
        let versions = self
            .call(move |conn| versioned::history::<Measure>(conn, &id))
            .await?;
        Ok(versions
            .into_iter()
            .map(|(measure, withdrawn)| MeasureVersion { measure, withdrawn })
            .collect())
    }

    async fn write_advice(&self, write: AdviceWrite) -> Result<Advice, StoreError> {
        self.call(move |conn| versioned::write(conn, &write)).await
    }

    async fn advice_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Advice>, StoreError> {
        self.call(move |conn| versioned::since(conn, since, limit))
            .await
    }

    async fn advice(&self) -> Result<Vec<Advice>, StoreError> {
        self.call(|conn| versioned::current(conn)).await
    }

    async fn advice_history(&self, id: String) -> Result<Vec<AdviceVersion>, StoreError> {
        let versions = self
            .call(move |conn| versioned::history::<Advice>(conn, &id))
            .await?;
        Ok(versions
            .into_iter()
            .map(|(advice, withdrawn)| AdviceVersion { advice, withdrawn })
            .collect())
    }

    async fn submit_aid(
        &self,
        sub: beffroi_store::aid::AidSubmission,
    ) -> Result<beffroi_store::aid::AidSubmitted, StoreError> {
        self.call(move |conn| aid::submit(conn, &sub)).await
    }

    async fn moderate_aid(
        &self,
        id: String,
        action: beffroi_store::aid::AidAction,
        actor: String,
    ) -> Result<Option<StaffAidPost>, StoreError> {
        let now = beffroi_store::aid::now_secs();
        self.call(move |conn| aid::moderate(conn, &id, &action, &actor, now))
            .await
    }

    async fn block_aid_key(
        &self,
        id: String,
        blocked: bool,
        actor: String,
    ) -> Result<Option<u64>, StoreError> {
        let now = OffsetDateTime::now_utc();
        self.call(move |conn| aid::block(conn, &id, blocked, &actor, now))
            .await
    }

    async fn aid_since(&self, since: Cursor, limit: u32) -> Result<SyncPage<AidPost>, StoreError> {
        self.call(move |conn| aid::since(conn, since, limit)).await
    }

    async fn list_aid(
        &self,
        state: Option<AidState>,
        limit: u32,
    ) -> Result<Vec<StaffAidPost>, StoreError> {
        self.call(move |conn| aid::list(conn, state, limit)).await
    }

    async fn expire_aid(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        self.call(move |conn| aid::expire(conn, now)).await
    }

    async fn purge_aid(&self, ended_before: OffsetDateTime) -> Result<u64, StoreError> {
        self.call(move |conn| aid::purge(conn, ended_before)).await
    }

    async fn report_aid_abuse(
        &self,
        id: String,
        reporter: String,
        reason: String,
        at: OffsetDateTime,
    ) -> Result<Option<bool>, StoreError> {
        self.call(move |conn| aid::report_abuse(conn, &id, &reporter, &reason, at))
            .await
    }

    async fn send_aid_message(
        &self,
        write: beffroi_store::aid::AidMessageWrite,
    ) -> Result<beffroi_store::aid::AidSent, StoreError> {
        self.call(move |conn| aid::send(conn, &write)).await
    }

    async fn share_aid_contact(
        &self,
        thread: String,
        key_hash: String,
        contact: Option<String>,
    ) -> Result<Option<[String; 2]>, StoreError> {
        self.call(move |conn| aid::share(conn, &thread, &key_hash, contact.as_deref()))
            .await
    }

    async fn close_aid_thread(
        &self,
        thread: String,
        key_hash: String,
    ) -> Result<Option<[String; 2]>, StoreError> {
        self.call(move |conn| aid::close(conn, &thread, &key_hash))
            .await
    }

    async fn aid_inbox(
        &self,
        key_hash: String,
        since: Cursor,
        limit: u32,
    ) -> Result<AidInbox, StoreError> {
        self.call(move |conn| aid::inbox(conn, &key_hash, since, limit))
            .await
    }

    async fn aid_publish_first(&self) -> Result<Vec<String>, StoreError> {
        self.call(|conn| aid::publish_first(conn)).await
    }

    async fn set_aid_publish_first(
        &self,
        commune: String,
        on: bool,
        actor: String,
    ) -> Result<(), StoreError> {
        self.call(move |conn| aid::set_publish_first(conn, &commune, on, &actor))
            .await
    }

    async fn submit_report(
        &self,
        report: NewReport,
        digest: String,
    ) -> Result<Submitted, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let pending = reports::Pending {
            report,
            digest,
            reply,
        };
        self.reports
            .send(pending)
            .await
            .map_err(|_| StoreError::Task("the report writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Task("the report writer has stopped".into()))?
    }

    async fn change_report_status(
        &self,
        id: String,
        update: StatusUpdate,
        actor: String,
    ) -> Result<Option<StaffReport>, StoreError> {
        self.call(move |conn| reports::change_status(conn, &id, &update, &actor))
            .await
    }

    async fn staff_report(&self, id: String) -> Result<Option<StaffReport>, StoreError> {
        self.call(move |conn| reports::staff_view(conn, &id)).await
    }

    async fn list_reports(&self, filter: ReportFilter) -> Result<Vec<StaffReport>, StoreError> {
        self.call(move |conn| reports::list(conn, &filter)).await
    }

    async fn report_for_reporter(&self, id: String) -> Result<Option<ReporterView>, StoreError> {
        self.call(move |conn| reports::for_reporter(conn, &id))
            .await
    }

    async fn save_push_subscription(
        &self,
        sub: beffroi_domain::push::PushSubscription,
        at: OffsetDateTime,
    ) -> Result<PushSaved, StoreError> {
        self.call(move |conn| push::save(conn, &sub, at)).await
    }

    async fn delete_push_subscription(
        &self,
        endpoint: String,
        auth: String,
    ) -> Result<bool, StoreError> {
        self.call(move |conn| push::delete(conn, &endpoint, &auth))
            .await
    }

    async fn push_subscription_count(&self) -> Result<u64, StoreError> {
        self.call(|conn| push::count(conn)).await
    }

    async fn push_subscriptions_after(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<beffroi_domain::push::PushSubscription>, StoreError> {
        self.call(move |conn| push::after(conn, after.as_deref(), limit))
            .await
    }

    async fn remove_push_subscription(&self, endpoint: String) -> Result<bool, StoreError> {
        self.call(move |conn| push::remove(conn, &endpoint)).await
    }

    async fn expire_push_subscriptions(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        self.call(move |conn| push::expire(conn, before)).await
    }

    async fn secrets(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.call(|conn| {
            let mut stmt = conn.prepare("SELECT name, value FROM secrets ORDER BY name")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn add_secret(&self, name: String, value: String) -> Result<bool, StoreError> {
        self.call(move |conn| {
            Ok(conn.execute(
                "INSERT INTO secrets (name, value, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO NOTHING",
                params![name, value, OffsetDateTime::now_utc().unix_timestamp()],
            )? > 0)
        })
        .await
    }

    async fn export(&self) -> Result<beffroi_store::snapshot::Snapshot, StoreError> {
        self.call(snapshot::export).await
    }

    async fn import(&self, snapshot: beffroi_store::snapshot::Snapshot) -> Result<(), StoreError> {
        self.call(move |conn| snapshot::import(conn, snapshot))
            .await
    }
}

impl SqliteStore {
    fn upsert_places_tx(
        conn: &mut Connection,
        places: &[Place],
        writer: Writer,
    ) -> Result<UpsertCounts, StoreError> {
        let tx = conn.transaction()?;
        let mut counts = UpsertCounts::default();
        for p in places {
            let data = serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let existing: Option<(String, bool)> = tx
                .query_row(
                    "SELECT data, deleted FROM places WHERE id = ?1",
                    [p.id.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let stored = existing.as_ref().map(|(d, deleted)| (d.as_str(), *deleted));
            match beffroi_store::rules::place_write(stored, &data, p.id.as_str(), writer)? {
                PlaceWrite::Kept => {
                    counts.kept += 1;
                    continue;
                }
                PlaceWrite::Unchanged => {
                    counts.unchanged += 1;
                    continue;
                }
                PlaceWrite::Updated => counts.updated += 1,
                PlaceWrite::Inserted => counts.inserted += 1,
            }
            let rev = next_cursor(&tx)?;
            tx.execute(
                "INSERT INTO places (id, data, name, category, commune, rev, deleted)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, name = excluded.name,
                   category = excluded.category, commune = excluded.commune,
                   rev = excluded.rev, deleted = 0",
                params![
                    p.id.as_str(),
                    data,
                    p.name,
                    p.category.as_str(),
                    p.commune.as_ref().map(|c| c.as_str().to_owned()),
                    rev
                ],
            )?;
        }
        tx.commit()?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok());
    }

    #[test]
    fn migration_7_fills_the_position_of_existing_reports() {
        let mut conn = Connection::open_in_memory().expect("open");
        MIGRATIONS.to_version(&mut conn, 6).expect("v6");
        let data = r#"{"location":{"position":{"lat":43.7009,"lon":7.2683}}}"#;
        conn.execute(
            "INSERT INTO reports (id, digest, data, category, received_at)
             VALUES ('a', 'd', ?1, 'roads', '2026-12-06T10:00:00Z'),
                    ('b', 'd', '{\"location\":{\"position\":null}}', 'roads', '2026-12-06T10:00:00Z')",
            [data],
        )
        .expect("insert");
        MIGRATIONS.to_latest(&mut conn).expect("latest");
        let rows: Vec<(String, Option<f64>, Option<f64>)> = conn
            .prepare("SELECT id, lat, lon FROM reports ORDER BY id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            rows,
            [
                ("a".into(), Some(43.7009), Some(7.2683)),
                ("b".into(), None, None)
            ]
        );
    }
}
