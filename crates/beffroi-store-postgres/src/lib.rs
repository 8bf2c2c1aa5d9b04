//! Beffroi's PostgreSQL store, for a town hall that outgrows one process:
//! several servers (replicas) on one database.
//!
//! - **Driver and pool**: `tokio-postgres` (async, the reference Rust client)
//!   pooled by `deadpool-postgres` (small, made for it, statement cache).
//! - **Migrations**: embedded, append-only (`migrations/`), applied in one
//!   transaction under an advisory lock, so replicas starting together apply
//!   each one once.
//! - **Cursors in commit order**: a change takes its cursor from one sequence
//!   while holding a transaction-scoped advisory lock (`pg_advisory_xact_lock`),
//!   released only when its transaction ends. Why a reader following
//!   `since=` cannot skip a row: a transaction takes the lock before its first
//!   cursor and keeps it until it has committed, so cursor-taking transactions
//!   commit one after another, in cursor order; and PostgreSQL makes a commit
//!   visible (it leaves the running-transactions array) before it releases
//!   its locks, so whoever takes the next cursor — and any reader that later
//!   sees that next cursor — sees every smaller one. A plain sequence would
//!   not do: cursor 5 could commit after cursor 6 was read, and be skipped
//!   forever (the contract's ordering story shows a naive log failing so).
//!   Report intake takes no cursor, so it never waits for the lock.
//! - **Report photos** are rows (`report_photos`, see `photos`): replicas
//!   need no shared disk.
//! - **Times** are `timestamptz`, which keeps microseconds: the store rounds
//!   its clock to them, so what it answers is what it stored.

use std::sync::atomic::{AtomicU64, Ordering};

mod aid;
mod bus;
mod leader;
mod photos;
mod reports;
mod snapshot;
mod tls;
mod versioned;
pub use bus::PgBus;

use async_trait::async_trait;
use beffroi_domain::advice::{Advice, AdviceVersion};
use beffroi_domain::aid::{AidInbox, AidPost, AidState, StaffAidPost};
use beffroi_domain::alert::{
    AlertDraft, AlertMessage, Area, AuditEntry, MsgType, SignedAlert, StaffAlert,
};
use beffroi_domain::measure::{Measure, MeasureVersion};
use beffroi_domain::place::{Place, PlaceId, UpsertCounts, Writer};
use beffroi_domain::push::{PushKeys, PushSubscription};
use beffroi_domain::report::{
    NewReport, ReportStatus, ReporterView, StaffReport, StatusChange, StatusUpdate,
};
use beffroi_domain::staff::StaffMember;
use beffroi_domain::sync::Change;
use beffroi_domain::{Commune, Cursor, Role, SyncPage, Username, msg};
use beffroi_store::rules::{self, PlaceWrite};
use beffroi_store::{
    AdviceWrite, MeasureWrite, Publication, PushSaved, ReportFilter, SentAlert, StaffCredentials,
    Store, StoreError, Submitted,
};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use serde_json::value::RawValue;
use time::OffsetDateTime;
use tokio_postgres::error::SqlState;

/// The embedded migrations, in order; never edit a released one.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_secrets.sql")),
    (3, include_str!("../migrations/0003_photos.sql")),
    (4, include_str!("../migrations/0004_measures.sql")),
    (5, include_str!("../migrations/0005_push_measures.sql")),
    (6, include_str!("../migrations/0006_advice.sql")),
    (7, include_str!("../migrations/0007_aid.sql")),
];

/// The advisory lock keys ("beffroi" and a number).
const MIGRATION_LOCK: i64 = 0x6265_6666_726f_6900;
const CURSOR_LOCK: i64 = 0x6265_6666_726f_6901;

/// The statements of publishing and reading alerts and of checking a
/// session, prepared on each connection as it is made (see
/// [`PgStore::client`]).
mod hot {
    pub const LOCK: &str = "SELECT pg_advisory_xact_lock($1)";
    pub const NEXT_CURSOR: &str = "SELECT nextval('sync_seq')";
    pub const READ_ALERT: &str =
        "SELECT data, state, thread, created_by, updated_at FROM alerts WHERE id = $1";
    pub const ALERT_MESSAGES: &str =
        "SELECT identifier FROM alert_messages WHERE alert_id = $1 ORDER BY rev";
    pub const AUDIT: &str =
        "INSERT INTO audit_log (at, actor, action, target, message) VALUES ($1, $2, $3, $4, $5)";
    pub const SESSION_STAFF: &str = "SELECT s.username, s.role FROM sessions t JOIN staff s USING (username) WHERE t.token_hash = $1 AND t.expires_at > $2";
    pub const NEW_ALERT: &str = "INSERT INTO alerts (id, data, state, created_by, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $4, $4) ON CONFLICT (id) DO NOTHING";
    pub const LOCK_ALERT: &str = "SELECT state FROM alerts WHERE id = $1 FOR UPDATE";
    pub const MESSAGE_TAKEN: &str = "SELECT 1 FROM alert_messages WHERE identifier = $1";
    pub const SET_ALERT: &str = "UPDATE alerts SET data = $2, state = $3, updated_at = $4, thread = coalesce(thread, $5) WHERE id = $1";
    pub const NEW_MESSAGE: &str = "INSERT INTO alert_messages (rev, identifier, alert_id, msg_type, area, sent, signed) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    pub const ALERTS_AFTER: &str = "SELECT rev, identifier, area, signed FROM alert_messages WHERE rev > $1 ORDER BY rev LIMIT $2";

    pub const ALL: [&str; 12] = [
        LOCK,
        NEXT_CURSOR,
        READ_ALERT,
        ALERT_MESSAGES,
        AUDIT,
        SESSION_STAFF,
        NEW_ALERT,
        LOCK_ALERT,
        MESSAGE_TAKEN,
        SET_ALERT,
        NEW_MESSAGE,
        ALERTS_AFTER,
    ];
}

/// A connection's cached statement for `sql` (one of [`hot`]): prepared
/// when the connection was made, else now.
trait Hot: GenericClient {
    async fn hot(&self, sql: &str) -> Result<tokio_postgres::Statement, StoreError> {
        self.prepare_cached(sql).await.map_err(db)
    }
}

impl<C: GenericClient> Hot for C {}

/// How many connections one server keeps at most.
const POOL_SIZE: usize = 16;

#[derive(Debug, Clone)]
pub struct PgStore {
    pool: Pool,
    /// Report submissions, written in groups (see `reports`).
    reports: tokio::sync::mpsc::Sender<reports::Pending>,
    /// Whether this server runs the once-for-all jobs (see `leader`).
    leading: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Databases made by [`PgStore::connect`], for the logs.
    id: u64,
    /// How to reach the database (for the connections outside the pool).
    link: tls::Link,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// A driver error: a lost connection, or the server shutting down, starting
/// up or out of connections, is `Unavailable` (answered 503, to be retried);
/// anything else `Backend`.
fn db(e: tokio_postgres::Error) -> StoreError {
    // SQLSTATE classes 08 (connection exception) and 53 (insufficient
    // resources: connections, memory, disk); the server shutting down,
    // starting up or ending an idle session (57P01-57P03, 57P05); a
    // statement timeout (57014: this server cancels none itself); a lock
    // not available, a deadlock or a serialization failure; a read-only
    // server (a standby, during a failover). All worth sending again.
    let transient = |code: &SqlState| {
        let code = code.code();
        code.starts_with("08")
            || code.starts_with("53")
            || matches!(
                code,
                "57P01"
                    | "57P02"
                    | "57P03"
                    | "57P05"
                    | "57014"
                    | "55P03"
                    | "40P01"
                    | "40001"
                    | "25006"
            )
    };
    if e.is_closed() || e.code().is_none_or(transient) {
        StoreError::Unavailable(describe(&e))
    } else {
        StoreError::backend(e)
    }
}

/// No connection to be had (refused, the database not accepting any, the
/// pool exhausted for too long): unavailable, whatever the reason.
fn pool_error(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => StoreError::Unavailable(describe(&e)),
        other => StoreError::Unavailable(other.to_string()),
    }
}

/// A driver error with the server's own message, when it sent one.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{e}: {}", db.message()),
        None => e.to_string(),
    }
}

fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

fn corrupt(what: impl std::fmt::Display) -> impl FnOnce(serde_json::Error) -> StoreError {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Now, to the microsecond `timestamptz` keeps.
fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

fn cursor_of(rev: i64, what: &str) -> Result<Cursor, StoreError> {
    u64::try_from(rev)
        .map(Cursor)
        .map_err(|_| StoreError::Corrupt(format!("negative cursor {rev} for {what}")))
}

fn since_i64(since: Cursor) -> i64 {
    i64::try_from(since.0).unwrap_or(i64::MAX)
}

fn role_from_db(s: &str) -> Result<Role, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown role {s:?} in staff table")))
}

fn username_from_db(s: String) -> Result<Username, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("invalid username {s:?} in staff table")))
}

/// The next cursor, taking the cursor lock first if this transaction does not
/// hold it yet (see the crate's documentation).
async fn next_cursor(
    tx: &deadpool_postgres::Transaction<'_>,
    locked: &mut bool,
) -> Result<i64, StoreError> {
    if !*locked {
        tx.execute(&tx.hot(hot::LOCK).await?, &[&CURSOR_LOCK])
            .await
            .map_err(db)?;
        *locked = true;
    }
    let row = tx
        .query_one(&tx.hot(hot::NEXT_CURSOR).await?, &[])
        .await
        .map_err(db)?;
    Ok(row.get(0))
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`),
    /// checks the database answers and applies the migrations it lacks.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let link = tls::Link::parse(url)?;
        let manager = Manager::from_config(
            link.config.clone(),
            link.tls.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .post_create(deadpool_postgres::Hook::async_fn(|client, _| {
                Box::pin(async move {
                    // At once (the driver pipelines them). One that fails (a
                    // new database before its migrations) is prepared when
                    // first run instead.
                    futures::future::join_all(hot::ALL.map(|sql| client.prepare_cached(sql))).await;
                    Ok(())
                })
            }))
            .wait_timeout(Some(std::time::Duration::from_secs(10)))
            .create_timeout(Some(std::time::Duration::from_secs(5)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let store = Self {
            reports: reports::spawn_writer(pool.clone()),
            leading: leader::spawn(link.clone()),
            link,
            pool,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// A pooled connection. The statements of publishing and reading
    /// alerts and of checking a session ([`hot`]) are prepared when the
    /// connection is made, together (`prepare_cached`, deadpool's statement
    /// cache): each run is then one round trip to the database instead of
    /// two (prepare, then run), which was most of the time a publication
    /// took before it was announced. Only key lookups and inserts, whose
    /// plan does not depend on their parameters (a cached statement's plan
    /// may become generic after five runs: see `reports.rs`).
    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }

    /// A read-committed transaction (whatever the database's default)
    /// holding the cursor lock: what it reads after is the last committed,
    /// and no other cursor-taking write runs until it ends.
    async fn locked_tx(
        client: &mut deadpool_postgres::Object,
    ) -> Result<deadpool_postgres::Transaction<'_>, StoreError> {
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::ReadCommitted)
            .start()
            .await
            .map_err(db)?;
        tx.execute(&tx.hot(hot::LOCK).await?, &[&CURSOR_LOCK])
            .await
            .map_err(db)?;
        Ok(tx)
    }

    /// Applies the migrations this database lacks, once across replicas.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        tx.execute(&tx.hot(hot::LOCK).await?, &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS beffroi_migrations (
                 version integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .await
        .map_err(db)?;
        let applied: Option<i32> = tx
            .query_one("SELECT max(version) FROM beffroi_migrations", &[])
            .await
            .map_err(db)?
            .get(0);
        let applied = applied.unwrap_or(0);
        if let Some(newest) = MIGRATIONS.last().map(|m| m.0)
            && applied > newest
        {
            return Err(StoreError::Migration(format!(
                "the database is at version {applied}, newer than this server ({newest}): upgrade the server"
            )));
        }
        for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > applied) {
            tx.batch_execute(sql)
                .await
                .map_err(|e| StoreError::Migration(format!("version {version}: {e}")))?;
            tx.execute(
                "INSERT INTO beffroi_migrations (version) VALUES ($1)",
                &[version],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        if MIGRATIONS.iter().any(|m| m.0 > applied) {
            // Statements prepared on the old tables (the hook's, on this
            // very connection) are prepared again on the new ones.
            self.pool.manager().statement_caches.clear();
        }
        tracing::debug!(store = self.id, from = applied, "migrations applied");
        Ok(())
    }

    async fn read_alert(
        client: &impl GenericClient,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<Option<StaffAlert>, StoreError> {
        let Some(row) = client
            .query_opt(&client.hot(hot::READ_ALERT).await?, &[&id])
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let data: String = row.get(0);
        let state: String = row.get(1);
        let draft: AlertDraft = serde_json::from_str(&data).map_err(corrupt(id))?;
        let state = rules::alert_state(&state, &draft, now)?;
        let messages = client
            .query(&client.hot(hot::ALERT_MESSAGES).await?, &[&id])
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        Ok(Some(StaffAlert {
            id: id.to_owned(),
            state,
            draft,
            thread: row.get(2),
            messages,
            created_by: row.get(3),
            updated_at: row.get(4),
        }))
    }

    async fn history(
        client: &impl GenericClient,
        id: &str,
    ) -> Result<Vec<StatusChange>, StoreError> {
        client
            .query(
                "SELECT at, status, message FROM report_status WHERE report_id = $1 ORDER BY id",
                &[&id],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let status: String = r.get(1);
                Ok(StatusChange {
                    at: r.get(0),
                    status: serde_json::from_str(&status)
                        .map_err(corrupt(format!("status of {id}")))?,
                    message: r.get(2),
                })
            })
            .collect()
    }

    async fn staff_view(
        client: &impl GenericClient,
        id: &str,
    ) -> Result<Option<StaffReport>, StoreError> {
        let Some(row) = client
            .query_opt(
                "SELECT data, received_at FROM reports WHERE id = $1",
                &[&id],
            )
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let report = rules::report(id, row.get(0))?;
        let history = Self::history(client, id).await?;
        Ok(Some(rules::staff_report(report, row.get(1), history)))
    }

    pub(crate) async fn audit(
        tx: &deadpool_postgres::Transaction<'_>,
        actor: &str,
        action: &str,
        target: &str,
        message: Option<&str>,
    ) -> Result<(), StoreError> {
        tx.execute(
            &tx.hot(hot::AUDIT).await?,
            &[&now(), &actor, &action, &target, &message],
        )
        .await
        .map_err(db)?;
        Ok(())
    }
}

fn commune_from_row(row: &tokio_postgres::Row) -> Result<Commune, StoreError> {
    let code: String = row.get("code");
    let name: String = row.get("name");
    let population: i64 = row.get("population");
    let postal: String = row.get("postal_codes");
    let postal: Vec<String> =
        serde_json::from_str(&postal).map_err(corrupt(format!("commune {code}")))?;
    let population = u32::try_from(population)
        .map_err(|_| StoreError::Corrupt(format!("commune {code}: population {population}")))?;
    Commune::new(&code, &name, population, postal)
        .map_err(|e| StoreError::Corrupt(format!("commune {code}: {e}")))
}

#[async_trait]
impl Store for PgStore {
    async fn upsert_communes(&self, communes: Vec<Commune>) -> Result<usize, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let mut locked = false;
        let mut changed = 0;
        for c in &communes {
            let postal = json(&c.postal_codes)?;
            let geometry = c.geometry_json();
            let population = i64::from(c.population);
            let same = tx
                .query_opt(
                    "SELECT 1 FROM communes WHERE code = $1 AND name = $2 AND population = $3
                     AND postal_codes = $4 AND geometry IS NOT DISTINCT FROM $5 AND NOT deleted",
                    &[&c.code.as_str(), &c.name, &population, &postal, &geometry],
                )
                .await
                .map_err(db)?
                .is_some();
            if same {
                continue;
            }
            let rev = next_cursor(&tx, &mut locked).await?;
            tx.execute(
                "INSERT INTO communes (code, name, population, postal_codes, geometry, rev, deleted)
                 VALUES ($1, $2, $3, $4, $5, $6, false)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                   population = excluded.population, postal_codes = excluded.postal_codes,
                   geometry = excluded.geometry, rev = excluded.rev, deleted = false",
                &[
                    &c.code.as_str(),
                    &c.name,
                    &population,
                    &postal,
                    &geometry,
                    &rev,
                ],
            )
            .await
            .map_err(db)?;
            changed += 1;
        }
        tx.commit().await.map_err(db)?;
        Ok(changed)
    }

    async fn communes(&self) -> Result<Vec<Commune>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                "SELECT code, name, population, postal_codes FROM communes
                 WHERE NOT deleted ORDER BY code",
                &[],
            )
            .await
            .map_err(db)?
            .iter()
            .map(commune_from_row)
            .collect()
    }

    async fn communes_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Commune>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT code, name, population, postal_codes, rev, deleted, geometry FROM communes
                 WHERE rev > $1 ORDER BY rev LIMIT $2",
                &[&since_i64(since), &(i64::from(limit) + 1)],
            )
            .await
            .map_err(db)?;
        let mut changes = Vec::with_capacity(rows.len());
        for row in &rows {
            let code: String = row.get("code");
            let cursor = cursor_of(row.get("rev"), &code)?;
            let change = if row.get::<_, bool>("deleted") {
                Change::Delete(code)
            } else {
                let commune = commune_from_row(row)?;
                match row.get::<_, Option<String>>("geometry") {
                    Some(g) => Change::Upsert(
                        commune
                            .with_geometry_json(&g)
                            .map_err(corrupt(format!("commune {code}")))?,
                    ),
                    None => Change::Upsert(commune),
                }
            };
            changes.push((cursor, change));
        }
        Ok(SyncPage::from_changes(since, changes, limit))
    }

    async fn add_staff(
        &self,
        username: &Username,
        role: Role,
        password_hash: String,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        let added = client
            .execute(
                "INSERT INTO staff (username, role, password_hash, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING",
                &[&username.as_str(), &role.as_str(), &password_hash, &now()],
            )
            .await
            .map_err(db)?;
        if added == 0 {
            return Err(StoreError::AlreadyExists(msg!(
                "store-staff-exists",
                username = username.to_string()
            )));
        }
        Ok(())
    }

    async fn put_staff(
        &self,
        username: &Username,
        role: Role,
        password_hash: String,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO staff (username, role, password_hash, created_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (username) DO UPDATE SET role = excluded.role,
                   password_hash = excluded.password_hash",
                &[&username.as_str(), &role.as_str(), &password_hash, &now()],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn staff_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<StaffCredentials>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT role, password_hash FROM staff WHERE username = $1",
                &[&username.as_str()],
            )
            .await
            .map_err(db)?;
        row.map(|r| {
            Ok(StaffCredentials {
                member: StaffMember {
                    username: username.clone(),
                    role: role_from_db(r.get(0))?,
                },
                password_hash: r.get(1),
            })
        })
        .transpose()
    }

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let client = self.client().await?;
        client
            .query("SELECT username, role FROM staff ORDER BY username", &[])
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok(StaffMember {
                    username: username_from_db(r.get(0))?,
                    role: role_from_db(r.get(1))?,
                })
            })
            .collect()
    }

    async fn create_session(
        &self,
        token_hash: [u8; 32],
        username: &Username,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        // Expired sessions are swept on login, which is rare and cheap.
        client
            .execute(
                "DELETE FROM sessions WHERE expires_at <= $1",
                &[&OffsetDateTime::now_utc().unix_timestamp()],
            )
            .await
            .map_err(db)?;
        client
            .execute(
                "INSERT INTO sessions (token_hash, username, expires_at) VALUES ($1, $2, $3)",
                &[
                    &&token_hash[..],
                    &username.as_str(),
                    &expires_at.unix_timestamp(),
                ],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn session_staff(
        &self,
        token_hash: [u8; 32],
        now: OffsetDateTime,
    ) -> Result<Option<StaffMember>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &client.hot(hot::SESSION_STAFF).await?,
                &[&&token_hash[..], &now.unix_timestamp()],
            )
            .await
            .map_err(db)?;
        row.map(|r| {
            Ok(StaffMember {
                username: username_from_db(r.get(0))?,
                role: role_from_db(r.get(1))?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, token_hash: [u8; 32]) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[&&token_hash[..]],
            )
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn upsert_places(
        &self,
        places: Vec<Place>,
        writer: Writer,
    ) -> Result<UpsertCounts, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let mut locked = false;
        let mut counts = UpsertCounts::default();
        for p in &places {
            let data = json(p)?;
            let existing = tx
                .query_opt(
                    "SELECT data, deleted FROM places WHERE id = $1 FOR UPDATE",
                    &[&p.id.as_str()],
                )
                .await
                .map_err(db)?
                .map(|r| (r.get::<_, String>(0), r.get::<_, bool>(1)));
            let stored = existing.as_ref().map(|(d, deleted)| (d.as_str(), *deleted));
            match rules::place_write(stored, &data, p.id.as_str(), writer)? {
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
            let rev = next_cursor(&tx, &mut locked).await?;
            tx.execute(
                "INSERT INTO places (id, data, name, category, commune, rev, deleted)
                 VALUES ($1, $2, $3, $4, $5, $6, false)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, name = excluded.name,
                   category = excluded.category, commune = excluded.commune,
                   rev = excluded.rev, deleted = false",
                &[
                    &p.id.as_str(),
                    &data,
                    &p.name,
                    &p.category.as_str(),
                    &p.commune.as_ref().map(|c| c.as_str()),
                    &rev,
                ],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(counts)
    }

    async fn places_since_json(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Box<RawValue>>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT id, data, rev, deleted FROM places WHERE rev > $1 ORDER BY rev LIMIT $2",
                &[&since_i64(since), &(i64::from(limit) + 1)],
            )
            .await
            .map_err(db)?;
        let mut changes = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.get(0);
            let cursor = cursor_of(row.get(2), &id)?;
            let change = if row.get::<_, bool>(3) {
                Change::Delete(id)
            } else {
                Change::Upsert(
                    RawValue::from_string(row.get(1)).map_err(corrupt(format!("place {id}")))?,
                )
            };
            changes.push((cursor, change));
        }
        Ok(SyncPage::from_changes(since, changes, limit))
    }

    async fn get_place(&self, id: &PlaceId) -> Result<Option<Place>, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT data FROM places WHERE id = $1 AND NOT deleted",
                &[&id.as_str()],
            )
            .await
            .map_err(db)?;
        row.map(|r| {
            serde_json::from_str(r.get(0)).map_err(corrupt(format!("place {}", id.as_str())))
        })
        .transpose()
    }

    async fn list_places(
        &self,
        query: Option<String>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Place>, StoreError> {
        let client = self.client().await?;
        // ILIKE's wildcards in the user's text are escaped with '!'.
        let pattern = query.map(|q| {
            let escaped = q.replace('!', "!!").replace('%', "!%").replace('_', "!_");
            format!("%{escaped}%")
        });
        client
            .query(
                "SELECT id, data FROM places WHERE NOT deleted
                 AND ($1::text IS NULL OR name ILIKE $1 ESCAPE '!')
                 ORDER BY lower(name) COLLATE \"C\", id LIMIT $2 OFFSET $3",
                &[&pattern, &i64::from(limit), &i64::from(offset)],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let id: &str = r.get(0);
                serde_json::from_str(r.get(1)).map_err(corrupt(format!("place {id}")))
            })
            .collect()
    }

    async fn delete_place(&self, id: &PlaceId) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let live = tx
            .query_opt(
                "SELECT 1 FROM places WHERE id = $1 AND NOT deleted FOR UPDATE",
                &[&id.as_str()],
            )
            .await
            .map_err(db)?
            .is_some();
        if live {
            let rev = next_cursor(&tx, &mut false).await?;
            tx.execute(
                "UPDATE places SET deleted = true, rev = $2 WHERE id = $1",
                &[&id.as_str(), &rev],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(live)
    }

    async fn create_alert(
        &self,
        id: String,
        draft: AlertDraft,
        actor: String,
    ) -> Result<StaffAlert, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let at = now();
        let inserted = tx
            .execute(
                &tx.hot(hot::NEW_ALERT).await?,
                &[&id, &json(&draft)?, &actor, &at],
            )
            .await
            .map_err(db)?;
        if inserted == 0 {
            return Err(StoreError::AlreadyExists(msg!(
                "store-alert-exists",
                id = id.as_str()
            )));
        }
        Self::audit(&tx, &actor, "draft", &id, None).await?;
        tx.commit().await.map_err(db)?;
        Self::read_alert(&client, &id, OffsetDateTime::now_utc())
            .await?
            .ok_or_else(|| StoreError::NotFound(msg!("err-no-alert", id = id.as_str())))
    }

    async fn edit_alert(
        &self,
        id: String,
        draft: AlertDraft,
        actor: String,
    ) -> Result<StaffAlert, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let state: Option<String> = tx
            .query_opt(&tx.hot(hot::LOCK_ALERT).await?, &[&id])
            .await
            .map_err(db)?
            .map(|r| r.get(0));
        match state.as_deref() {
            None => {
                return Err(StoreError::NotFound(msg!("err-no-alert", id = id.as_str())));
            }
            Some("draft") => {}
            Some(_) => return Err(StoreError::Conflict(msg!("store-alert-sent-edit"))),
        }
        tx.execute(
            "UPDATE alerts SET data = $2, updated_at = $3 WHERE id = $1",
            &[&id, &json(&draft)?, &now()],
        )
        .await
        .map_err(db)?;
        Self::audit(&tx, &actor, "edit", &id, None).await?;
        tx.commit().await.map_err(db)?;
        Self::read_alert(&client, &id, OffsetDateTime::now_utc())
            .await?
            .ok_or_else(|| StoreError::NotFound(msg!("err-no-alert", id = id.as_str())))
    }

    async fn get_alert(&self, id: String) -> Result<Option<StaffAlert>, StoreError> {
        let client = self.client().await?;
        Self::read_alert(&client, &id, OffsetDateTime::now_utc()).await
    }

    async fn list_alerts(&self) -> Result<Vec<StaffAlert>, StoreError> {
        let client = self.client().await?;
        let ids: Vec<String> = client
            .query(
                "SELECT id FROM alerts ORDER BY updated_at DESC, id DESC",
                &[],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let now = OffsetDateTime::now_utc();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = Self::read_alert(&client, &id, now).await? {
                out.push(a);
            }
        }
        Ok(out)
    }

    async fn alert_messages(&self, id: String) -> Result<Vec<AlertMessage>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                "SELECT signed FROM alert_messages WHERE alert_id = $1 ORDER BY rev",
                &[&id],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                let s: SignedAlert =
                    serde_json::from_str(r.get(0)).map_err(corrupt("signed alert"))?;
                serde_json::from_str(&s.message).map_err(corrupt("alert message"))
            })
            .collect()
    }

    async fn alert_of_message(&self, identifier: String) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query_opt(
                "SELECT alert_id FROM alert_messages WHERE identifier = $1",
                &[&identifier],
            )
            .await
            .map_err(db)?
            .map(|r| r.get(0)))
    }

    async fn publish(&self, p: Publication) -> Result<SentAlert, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let id = p.alert_id.as_str();
        let m = &p.message;
        let exists_msg = || {
            StoreError::AlreadyExists(msg!(
                "store-message-exists",
                identifier = m.identifier.as_str()
            ))
        };
        let taken = tx
            .query_opt(&tx.hot(hot::MESSAGE_TAKEN).await?, &[&m.identifier])
            .await
            .map_err(db)?
            .is_some();
        if taken {
            return Err(exists_msg());
        }
        let at = now();
        let data = json(&p.draft)?;
        let state: Option<String> = tx
            .query_opt(&tx.hot(hot::LOCK_ALERT).await?, &[&id])
            .await
            .map_err(db)?
            .map(|r| r.get(0));
        if rules::publication_applies(p.expect, state.as_deref(), id)? {
            let inserted = tx
                .execute(&tx.hot(hot::NEW_ALERT).await?, &[&id, &data, &p.actor, &at])
                .await
                .map_err(db)?;
            if inserted == 0 {
                // Created at this moment through another server.
                return Err(StoreError::AlreadyExists(msg!(
                    "store-alert-exists",
                    id = id
                )));
            }
        }
        let new_state = match m.msg_type {
            MsgType::Cancel => "cancelled",
            MsgType::Alert | MsgType::Update => "published",
        };
        tx.execute(
            &tx.hot(hot::SET_ALERT).await?,
            &[&id, &data, &new_state, &at, &m.thread()],
        )
        .await
        .map_err(db)?;
        Self::audit(&tx, &p.actor, p.action, id, Some(&m.identifier)).await?;
        // The cursor last: the lock is held for as short a time as can be.
        let rev = next_cursor(&tx, &mut false).await?;
        let area = json(&m.body.area)?;
        let inserted = tx
            .execute(
                &tx.hot(hot::NEW_MESSAGE).await?,
                &[
                    &rev,
                    &m.identifier,
                    &id,
                    &m.msg_type.cap(),
                    &area,
                    &m.sent,
                    &p.signed,
                ],
            )
            .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(exists_msg()),
            other => other.map_err(db)?,
        };
        tx.commit().await.map_err(db)?;
        Ok(SentAlert::new(
            cursor_of(rev, &m.identifier)?,
            m.body.area.clone(),
            p.signed.clone(),
        ))
    }

    async fn latest_alert_cursor(&self) -> Result<Cursor, StoreError> {
        let client = self.client().await?;
        let rev: Option<i64> = client
            .query_one("SELECT max(rev) FROM alert_messages", &[])
            .await
            .map_err(db)?
            .get(0);
        rev.map_or(Ok(Cursor::START), |r| cursor_of(r, "the latest alert"))
    }

    async fn alerts_after(&self, since: Cursor, limit: u32) -> Result<Vec<SentAlert>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                &client.hot(hot::ALERTS_AFTER).await?,
                &[&since_i64(since), &i64::from(limit)],
            )
            .await
            .map_err(db)?
            .into_iter()
            .map(|r| {
                let identifier: String = r.get(1);
                let area: Area =
                    serde_json::from_str(r.get(2)).map_err(corrupt(identifier.as_str()))?;
                Ok(SentAlert::new(
                    cursor_of(r.get(0), &identifier)?,
                    area,
                    r.get(3),
                ))
            })
            .collect()
    }

    async fn write_measure(&self, write: MeasureWrite) -> Result<Measure, StoreError> {
        self.write_version(&write).await
    }

    async fn measures_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Measure>, StoreError> {
        self.versions_since(since, limit).await
    }

    async fn measures(&self) -> Result<Vec<Measure>, StoreError> {
        self.current_versions().await
    }

    async fn measure_history(&self, id: String) -> Result<Vec<MeasureVersion>, StoreError> {
        let versions = self.version_history::<Measure>(&id).await?;
        Ok(versions
            .into_iter()
            .map(|(measure, withdrawn)| MeasureVersion { measure, withdrawn })
            .collect())
    }

    async fn write_advice(&self, write: AdviceWrite) -> Result<Advice, StoreError> {
        self.write_version(&write).await
    }

    async fn advice_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Advice>, StoreError> {
        self.versions_since(since, limit).await
    }

    async fn advice(&self) -> Result<Vec<Advice>, StoreError> {
        self.current_versions().await
    }

    async fn advice_history(&self, id: String) -> Result<Vec<AdviceVersion>, StoreError> {
        let versions = self.version_history::<Advice>(&id).await?;
        Ok(versions
            .into_iter()
            .map(|(advice, withdrawn)| AdviceVersion { advice, withdrawn })
            .collect())
    }

    async fn submit_aid(
        &self,
        sub: beffroi_store::aid::AidSubmission,
    ) -> Result<beffroi_store::aid::AidSubmitted, StoreError> {
        self.submit_aid_post(sub).await
    }

    async fn moderate_aid(
        &self,
        id: String,
        action: beffroi_store::aid::AidAction,
        actor: String,
    ) -> Result<Option<StaffAidPost>, StoreError> {
        self.moderate_aid_post(&id, &action, &actor).await
    }

    async fn block_aid_key(
        &self,
        id: String,
        blocked: bool,
        actor: String,
    ) -> Result<Option<u64>, StoreError> {
        self.block_aid(&id, blocked, &actor).await
    }

    async fn aid_since(&self, since: Cursor, limit: u32) -> Result<SyncPage<AidPost>, StoreError> {
        self.aid_posts_since(since, limit).await
    }

    async fn list_aid(
        &self,
        state: Option<AidState>,
        limit: u32,
    ) -> Result<Vec<StaffAidPost>, StoreError> {
        self.list_aid_posts(state, limit).await
    }

    async fn expire_aid(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        self.expire_aid_posts(now).await
    }

    async fn purge_aid(&self, ended_before: OffsetDateTime) -> Result<u64, StoreError> {
        self.purge_aid_posts(ended_before).await
    }

    async fn report_aid_abuse(
        &self,
        id: String,
        reporter: String,
        reason: String,
        at: OffsetDateTime,
    ) -> Result<Option<bool>, StoreError> {
        self.aid_abuse(&id, &reporter, &reason, at).await
    }

    async fn send_aid_message(
        &self,
        write: beffroi_store::aid::AidMessageWrite,
    ) -> Result<beffroi_store::aid::AidSent, StoreError> {
        self.send_aid(write).await
    }

    async fn share_aid_contact(
        &self,
        thread: String,
        key_hash: String,
        contact: Option<String>,
    ) -> Result<Option<[String; 2]>, StoreError> {
        self.share_aid(&thread, &key_hash, contact).await
    }

    async fn close_aid_thread(
        &self,
        thread: String,
        key_hash: String,
    ) -> Result<Option<[String; 2]>, StoreError> {
        self.close_thread(&thread, &key_hash).await
    }

    async fn aid_inbox(
        &self,
        key_hash: String,
        since: Cursor,
        limit: u32,
    ) -> Result<AidInbox, StoreError> {
        self.inbox(&key_hash, since, limit).await
    }

    async fn aid_publish_first(&self) -> Result<Vec<String>, StoreError> {
        self.publish_first().await
    }

    async fn set_aid_publish_first(
        &self,
        commune: String,
        on: bool,
        actor: String,
    ) -> Result<(), StoreError> {
        self.set_publish_first(&commune, on, &actor).await
    }

    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query(
                "SELECT at, actor, action, target, message FROM audit_log ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit)],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| AuditEntry {
                at: r.get(0),
                actor: r.get(1),
                action: r.get(2),
                target: r.get(3),
                message: r.get(4),
            })
            .collect())
    }

    async fn submit_report(
        &self,
        report: NewReport,
        digest: String,
    ) -> Result<Submitted, StoreError> {
        reports::submit(&self.reports, report, digest).await
    }

    async fn change_report_status(
        &self,
        id: String,
        update: StatusUpdate,
        actor: String,
    ) -> Result<Option<StaffReport>, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        // Status changes to one report are applied one at a time.
        let exists = tx
            .query_opt("SELECT 1 FROM reports WHERE id = $1 FOR UPDATE", &[&id])
            .await
            .map_err(db)?
            .is_some();
        if !exists {
            return Ok(None);
        }
        if let ReportStatus::Duplicate { of } = &update.status {
            let other = of != &id
                && tx
                    .query_opt("SELECT 1 FROM reports WHERE id = $1", &[of])
                    .await
                    .map_err(db)?
                    .is_some();
            if !other {
                return Err(StoreError::Conflict(msg!(
                    "store-duplicate-of",
                    id = of.as_str()
                )));
            }
        }
        tx.execute(
            "INSERT INTO report_status (report_id, at, status, message, actor)
             VALUES ($1, $2, $3, $4, $5)",
            &[&id, &now(), &json(&update.status)?, &update.message, &actor],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "UPDATE reports SET kind = $2 WHERE id = $1",
            &[&id, &rules::kind_tag(update.status.kind())],
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Self::staff_view(&client, &id).await
    }

    async fn staff_report(&self, id: String) -> Result<Option<StaffReport>, StoreError> {
        let client = self.client().await?;
        Self::staff_view(&client, &id).await
    }

    async fn list_reports(&self, filter: ReportFilter) -> Result<Vec<StaffReport>, StoreError> {
        let client = self.client().await?;
        let (order, beyond) = if filter.oldest_first {
            ("ASC", ">")
        } else {
            ("DESC", "<")
        };
        let kinds = filter.kind_tags();
        let bbox = filter.bbox();
        let (after_at, after_id) = match &filter.after {
            Some((at, id)) => (Some(*at), Some(id.clone())),
            None => (None, None),
        };
        let sql = format!(
            "SELECT id FROM reports
             WHERE ($1::text IS NULL OR commune = $1) AND ($2::text IS NULL OR category = $2)
               AND ($3::timestamptz IS NULL OR received_at >= $3)
               AND ($4::timestamptz IS NULL OR received_at < $4)
               AND ($5::text[] IS NULL OR category = ANY($5))
               AND ($6::text[] IS NULL OR id = ANY($6))
               AND ($7::text[] IS NULL OR kind = ANY($7))
               AND ($8::timestamptz IS NULL OR (received_at, id) {beyond} ($8, $9::text))
               AND ($11::float8 IS NULL OR (lat BETWEEN $11 AND $12 AND lon BETWEEN $13 AND $14))
             ORDER BY received_at {order}, id {order}
             LIMIT $10"
        );
        let ids: Vec<String> = client
            .query(
                &sql,
                &[
                    &filter.commune,
                    &filter.category,
                    &filter.from,
                    &filter.to,
                    &filter.categories,
                    &filter.ids,
                    &kinds,
                    &after_at,
                    &after_id,
                    &i64::from(filter.limit),
                    &bbox.map(|b| b.0),
                    &bbox.map(|b| b.1),
                    &bbox.map(|b| b.2),
                    &bbox.map(|b| b.3),
                ],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(r) = Self::staff_view(&client, &id).await? {
                out.push(r);
            }
        }
        Ok(out)
    }

    async fn report_for_reporter(&self, id: String) -> Result<Option<ReporterView>, StoreError> {
        let client = self.client().await?;
        let Some(row) = client
            .query_opt("SELECT data FROM reports WHERE id = $1", &[&id])
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let report = rules::report(&id, row.get(0))?;
        let history = Self::history(&client, &id).await?;
        Ok(Some(rules::reporter_view(report, history)))
    }

    async fn save_push_subscription(
        &self,
        sub: PushSubscription,
        at: OffsetDateTime,
    ) -> Result<PushSaved, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(db)?;
        let known = tx
            .query_opt(
                "SELECT p256dh, auth FROM push_subscriptions WHERE endpoint = $1 FOR UPDATE",
                &[&sub.endpoint],
            )
            .await
            .map_err(db)?
            .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1)));
        let communes = json(&sub.communes)?;
        let lang = sub.lang.tag();
        let severity = sub.min_severity.cap();
        let measures = sub.measures == Some(true);
        let at = at.unix_timestamp();
        let saved = match known {
            Some((p256dh, auth)) if p256dh != sub.keys.p256dh || auth != sub.keys.auth => {
                return Ok(PushSaved::KeysDiffer);
            }
            Some(_) => {
                tx.execute(
                    "UPDATE push_subscriptions SET communes = $2, lang = $3, min_severity = $4,
                     renewed_at = $5, measures = $6 WHERE endpoint = $1",
                    &[&sub.endpoint, &communes, &lang, &severity, &at, &measures],
                )
                .await
                .map_err(db)?;
                PushSaved::Renewed
            }
            None => {
                let inserted = tx
                    .execute(
                        "INSERT INTO push_subscriptions
                         (endpoint, p256dh, auth, communes, lang, min_severity, created_at, renewed_at,
                          measures)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) ON CONFLICT (endpoint) DO NOTHING",
                        &[
                            &sub.endpoint,
                            &sub.keys.p256dh,
                            &sub.keys.auth,
                            &communes,
                            &lang,
                            &severity,
                            &at,
                            &measures,
                        ],
                    )
                    .await
                    .map_err(db)?;
                if inserted == 0 {
                    // Saved at the same moment through another server.
                    return Ok(PushSaved::KeysDiffer);
                }
                PushSaved::Created
            }
        };
        tx.commit().await.map_err(db)?;
        Ok(saved)
    }

    async fn delete_push_subscription(
        &self,
        endpoint: String,
        auth: String,
    ) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "DELETE FROM push_subscriptions WHERE endpoint = $1 AND auth = $2",
                &[&endpoint, &auth],
            )
            .await
            .map_err(db)?
            > 0)
    }

    async fn push_subscription_count(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let n: i64 = client
            .query_one("SELECT count(*) FROM push_subscriptions", &[])
            .await
            .map_err(db)?
            .get(0);
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn push_subscriptions_after(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<PushSubscription>, StoreError> {
        let client = self.client().await?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("push subscription: {what}"));
        client
            .query(
                "SELECT endpoint, p256dh, auth, communes, lang, min_severity, measures
                 FROM push_subscriptions
                 WHERE endpoint COLLATE \"C\" > $1 ORDER BY endpoint COLLATE \"C\" LIMIT $2",
                &[&after.unwrap_or_default(), &i64::from(limit)],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|r| {
                Ok(PushSubscription {
                    endpoint: r.get(0),
                    keys: PushKeys {
                        p256dh: r.get(1),
                        auth: r.get(2),
                    },
                    communes: serde_json::from_str(r.get(3)).map_err(|_| corrupt("communes"))?,
                    lang: r.get::<_, &str>(4).parse().map_err(|_| corrupt("lang"))?,
                    min_severity: rules::severity(r.get(5))?,
                    measures: r.get::<_, bool>(6).then_some(true),
                })
            })
            .collect()
    }

    async fn remove_push_subscription(&self, endpoint: String) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "DELETE FROM push_subscriptions WHERE endpoint = $1",
                &[&endpoint],
            )
            .await
            .map_err(db)?
            > 0)
    }

    async fn expire_push_subscriptions(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "DELETE FROM push_subscriptions WHERE renewed_at < $1",
                &[&before.unix_timestamp()],
            )
            .await
            .map_err(db)?)
    }

    async fn secrets(&self) -> Result<Vec<(String, String)>, StoreError> {
        let client = self.client().await?;
        Ok(client
            .query("SELECT name, value FROM secrets ORDER BY name", &[])
            .await
            .map_err(db)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    async fn add_secret(&self, name: String, value: String) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO NOTHING",
                &[&name, &value, &now()],
            )
            .await
            .map_err(db)?
            > 0)
    }

    fn photo_blobs(&self) -> Option<std::sync::Arc<dyn beffroi_store::PhotoBlobs>> {
        Some(std::sync::Arc::new(self.clone()))
    }

    fn leads_jobs(&self) -> bool {
        self.leading.load(Ordering::Relaxed)
    }

    async fn export(&self) -> Result<beffroi_store::snapshot::Snapshot, StoreError> {
        snapshot::export(&mut self.client().await?).await
    }

    async fn import(&self, snapshot: beffroi_store::snapshot::Snapshot) -> Result<(), StoreError> {
        snapshot::import(&mut self.client().await?, snapshot).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    /// A new database on the test cluster (`scripts/with-postgres.sh`); its URL.
    pub(crate) async fn new_database(prefix: &str) -> String {
        let url = std::env::var("BEFFROI_TEST_DATABASE_URL").expect(
            "BEFFROI_TEST_DATABASE_URL is not set: run the tests through \
             scripts/with-postgres.sh (make test does)",
        );
        let (admin, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let name = format!("{prefix}_{}", std::process::id());
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        format!("{}/{name}", url.rsplit_once('/').unwrap().0)
    }

    /// A connection comes with the hot statements prepared, every one of
    /// them valid on the migrated schema.
    #[tokio::test]
    async fn connections_are_made_with_the_hot_statements_prepared() {
        let url = new_database("hot").await;
        // Migrated by a first server; a server started after finds the tables.
        drop(super::PgStore::connect(&url).await.unwrap());
        let store = super::PgStore::connect(&url).await.unwrap();
        let client = store.client().await.unwrap();
        let prepared: Vec<String> = client
            .query("SELECT statement FROM pg_prepared_statements", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        for sql in super::hot::ALL {
            assert!(prepared.iter().any(|p| p == sql), "{sql} in {prepared:?}");
        }
    }
}
