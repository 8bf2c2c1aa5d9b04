//! Storage behind one trait. [`SqliteStore`] is the embedded default (zero
//! setup); a PostgreSQL implementation will sit beside it for deployments that
//! outgrow one machine, and the shared test story in `tests/store.rs` runs
//! against every implementation.

mod sqlite;

use async_trait::async_trait;
use beffroi_domain::l10n::Msg;
use std::sync::Arc;

use beffroi_domain::alert::{AlertDraft, AlertMessage, Area, AuditEntry, StaffAlert};
use beffroi_domain::place::{Place, PlaceId, UpsertCounts, Writer};
use beffroi_domain::report::{NewReport, ReporterView, StaffReport, StatusUpdate};
use beffroi_domain::staff::StaffMember;
use beffroi_domain::{Commune, Cursor, Role, SyncPage, Username};
use serde_json::value::RawValue;
use time::OffsetDateTime;

pub use sqlite::{DB_FILE, SqliteStore};

/// What can go wrong below the HTTP layer. Never shown to clients as is.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// What already exists, said for people (`locales/*/errors.ftl`).
    #[error("already exists: {0:?}")]
    AlreadyExists(Msg),
    #[error("storage task failed: {0}")]
    Task(String),
    /// The thing is not in the state the change needs (e.g. editing a sent alert).
    #[error("conflict: {0:?}")]
    Conflict(Msg),
    #[error("not found: {0:?}")]
    NotFound(Msg),
}

/// A sent alert message as stored: its cursor, its area (to filter streams)
/// and the signed JSON served as is.
#[derive(Debug, Clone)]
pub struct SentAlert {
    pub cursor: Cursor,
    pub area: Area,
    /// A [`beffroi_domain::alert::SignedAlert`] as JSON.
    pub signed: Arc<str>,
    /// Its Server-Sent Events frame, rendered once for every subscriber.
    pub frame: axum::body::Bytes,
}

impl SentAlert {
    pub fn new(cursor: Cursor, area: Area, signed: String) -> Self {
        let frame = format!("event: alert\nid: {}\ndata: {signed}\n\n", cursor.0);
        Self {
            cursor,
            area,
            signed: Arc::from(signed),
            frame: frame.into(),
        }
    }
}

/// What a report submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// Stored now (durably, before this returns).
    New { received_at: OffsetDateTime },
    /// The same submission was stored before: nothing new.
    Again { received_at: OffsetDateTime },
    /// Another report already has this id.
    Clash,
    /// The report names a commune that is not part of the territory.
    UnknownCommune,
}

/// Which reports a triage list shows.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub commune: Option<String>,
    pub category: Option<String>,
    /// Only these categories (what a public read may show).
    pub categories: Option<Vec<String>>,
    /// Only these reports.
    pub ids: Option<Vec<String>>,
    pub kind: Option<beffroi_domain::report::StatusKind>,
    /// Any of these kinds (Open311's `closed` is fixed or closed).
    pub kinds: Option<Vec<beffroi_domain::report::StatusKind>>,
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    pub oldest_first: bool,
    /// The (received, id) of the previous page's last report.
    pub after: Option<(OffsetDateTime, String)>,
    /// Only reports with a position in the box around this point of this
    /// half-side in metres (the caller keeps those within the distance).
    pub near: Option<(beffroi_domain::place::Position, f64)>,
    pub limit: u32,
}

/// The state an alert must be in for a publication to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A new alert (a CAP message with no draft here): the row is created.
    New,
    Draft,
    Published,
}

/// One sent message and everything it changes, written all or nothing.
#[derive(Debug, Clone)]
pub struct Publication {
    pub alert_id: String,
    pub expect: Expect,
    /// The alert's content after this message.
    pub draft: AlertDraft,
    pub message: AlertMessage,
    pub signed: String,
    pub actor: String,
    pub action: &'static str,
}

/// A staff member with the secret needed to check their password.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub member: StaffMember,
    pub password_hash: String,
}

/// Everything the server keeps. Implementations must be safe to share between
/// request handlers.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Inserts or updates communes; a commune whose fields did not change keeps
    /// its cursor. Returns how many changed.
    async fn upsert_communes(&self, communes: Vec<Commune>) -> Result<usize, StoreError>;

    /// The territory's communes, without their outlines (reading those is
    /// for the devices' sync; the server holds them in `Settings.outlines`).
    async fn communes(&self) -> Result<Vec<Commune>, StoreError>;

    /// Communes changed after `since`, at most `limit`, in cursor order.
    async fn communes_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Commune>, StoreError>;

    /// Adds a staff member; fails with `AlreadyExists` if the name is taken.
    async fn add_staff(
        &self,
        username: &Username,
        role: Role,
        password_hash: String,
    ) -> Result<(), StoreError>;

    /// Adds a staff member or replaces their role and password.
    async fn put_staff(
        &self,
        username: &Username,
        role: Role,
        password_hash: String,
    ) -> Result<(), StoreError>;

    async fn staff_credentials(
        &self,
        username: &Username,
    ) -> Result<Option<StaffCredentials>, StoreError>;

    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError>;

    async fn create_session(
        &self,
        token_hash: [u8; 32],
        username: &Username,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The staff member a live (unexpired) session belongs to.
    async fn session_staff(
        &self,
        token_hash: [u8; 32],
        now: OffsetDateTime,
    ) -> Result<Option<StaffMember>, StoreError>;

    async fn delete_session(&self, token_hash: [u8; 32]) -> Result<(), StoreError>;

    /// Inserts or updates places by id, all in one transaction; a place whose
    /// data did not change keeps its cursor. An [`Writer::Import`] leaves alone
    /// the places staff edited or deleted (counted as `kept`).
    async fn upsert_places(
        &self,
        places: Vec<Place>,
        writer: Writer,
    ) -> Result<UpsertCounts, StoreError>;

    /// Places changed or deleted after `since`, at most `limit`, in cursor
    /// order, each as the JSON the store holds (served without re-encoding).
    async fn places_since_json(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Box<RawValue>>, StoreError>;

    /// [`Store::places_since_json`], decoded.
    async fn places_since(&self, since: Cursor, limit: u32) -> Result<SyncPage<Place>, StoreError> {
        let page = self.places_since_json(since, limit).await?;
        let items = page
            .items
            .iter()
            .map(|raw| {
                serde_json::from_str(raw.get())
                    .map_err(|e| StoreError::Corrupt(format!("place: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(SyncPage {
            items,
            deleted: page.deleted,
            next_cursor: page.next_cursor,
            has_more: page.has_more,
            latest: page.latest,
        })
    }

    async fn get_place(&self, id: &PlaceId) -> Result<Option<Place>, StoreError>;

    /// Staff listing: places whose name contains `query` (any case), by name.
    async fn list_places(
        &self,
        query: Option<String>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Place>, StoreError>;

    /// Deletes a place, leaving a tombstone for sync. `false` if there was none.
    async fn delete_place(&self, id: &PlaceId) -> Result<bool, StoreError>;

    /// Stores a new draft (audited as `draft`).
    async fn create_alert(
        &self,
        id: String,
        draft: AlertDraft,
        actor: String,
    ) -> Result<StaffAlert, StoreError>;

    /// Replaces a draft's content (audited as `edit`); `Conflict` once sent.
    async fn edit_alert(
        &self,
        id: String,
        draft: AlertDraft,
        actor: String,
    ) -> Result<StaffAlert, StoreError>;

    async fn get_alert(&self, id: String) -> Result<Option<StaffAlert>, StoreError>;

    /// Every alert, the most recently changed first.
    async fn list_alerts(&self) -> Result<Vec<StaffAlert>, StoreError>;

    /// The messages sent for an alert, oldest first.
    async fn alert_messages(&self, id: String) -> Result<Vec<AlertMessage>, StoreError>;

    /// The alert a sent message belongs to.
    async fn alert_of_message(&self, identifier: String) -> Result<Option<String>, StoreError>;

    /// Sends a message: checks the alert's state, stores the message with the
    /// next cursor, updates the alert and the audit log, in one transaction.
    async fn publish(&self, publication: Publication) -> Result<SentAlert, StoreError>;

    /// Sent messages after `since`, at most `limit`, in cursor order.
    async fn alerts_after(&self, since: Cursor, limit: u32) -> Result<Vec<SentAlert>, StoreError>;

    /// The newest audit entries first.
    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;

    /// Stores a report durably with its first status (received), unless its
    /// id is known: a repeat of the same submission (`digest`) is `Again`.
    async fn submit_report(
        &self,
        report: NewReport,
        digest: String,
    ) -> Result<Submitted, StoreError>;

    /// Records a staff status change (a duplicate must name another existing
    /// report). `None` when there is no such report.
    async fn change_report_status(
        &self,
        id: String,
        update: StatusUpdate,
        actor: String,
    ) -> Result<Option<StaffReport>, StoreError>;

    async fn staff_report(&self, id: String) -> Result<Option<StaffReport>, StoreError>;

    async fn list_reports(&self, filter: ReportFilter) -> Result<Vec<StaffReport>, StoreError>;

    /// A report as its reporter sees it (no contact details).
    async fn report_for_reporter(&self, id: String) -> Result<Option<ReporterView>, StoreError>;

    /// Stores a Web Push subscription, or renews the one with its endpoint
    /// and keys (its communes, language and severity replaced).
    async fn save_push_subscription(
        &self,
        sub: beffroi_domain::push::PushSubscription,
        at: OffsetDateTime,
    ) -> Result<PushSaved, StoreError>;

    /// Ends the subscription with this endpoint and authentication secret;
    /// `false` when there is none.
    async fn delete_push_subscription(
        &self,
        endpoint: String,
        auth: String,
    ) -> Result<bool, StoreError>;

    async fn push_subscription_count(&self) -> Result<u64, StoreError>;

    /// Push subscriptions after `after` (by endpoint), at most `limit`.
    async fn push_subscriptions_after(
        &self,
        after: Option<String>,
        limit: u32,
    ) -> Result<Vec<beffroi_domain::push::PushSubscription>, StoreError>;

    /// Removes a subscription its push service forgot (404/410).
    async fn remove_push_subscription(&self, endpoint: String) -> Result<bool, StoreError>;

    /// Removes the subscriptions not renewed since `before` (their devices
    /// fell silent); returns how many.
    async fn expire_push_subscriptions(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
}

/// What saving a push subscription did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushSaved {
    Created,
    /// The same endpoint and keys: renewed.
    Renewed,
    /// The endpoint is subscribed with other keys: nothing changed.
    KeysDiffer,
}
