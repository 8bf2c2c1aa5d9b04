//! What the Beffroi server keeps, behind one trait, with no backend in it.
//! `beffroi-store-sqlite` is the embedded default (zero setup); a PostgreSQL
//! implementation sits beside it for deployments that outgrow one machine.
//! Every implementation passes the same contract ([`contract`], with the
//! `contract` feature): one story per part of the trait, and the ordering
//! story that cursors must keep across concurrent writers.

pub mod aid;
#[cfg(feature = "contract")]
pub mod contract;
pub mod rules;
pub mod snapshot;
pub mod versioned;

pub use versioned::{AdviceWrite, MeasureWrite, VersionWrite};

use async_trait::async_trait;
use beffroi_domain::l10n::Msg;
use std::sync::Arc;

use beffroi_domain::advice::{Advice, AdviceVersion};
use beffroi_domain::aid::{AidInbox, AidPost, AidState, StaffAidPost};
use beffroi_domain::alert::{AlertDraft, AlertMessage, Area, AuditEntry, StaffAlert};
use beffroi_domain::measure::{Measure, MeasureVersion};
use beffroi_domain::place::{Place, PlaceId, UpsertCounts, Writer};
use beffroi_domain::report::{NewReport, ReporterView, StaffReport, StatusUpdate};
use beffroi_domain::staff::StaffMember;
use beffroi_domain::{Commune, Cursor, Role, SyncPage, Username};
use serde_json::value::RawValue;
use time::OffsetDateTime;

/// What can go wrong below the HTTP layer. Never shown to clients as is.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend failed (a query, a constraint the store did not expect).
    #[error("database error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database cannot be reached now (connection refused, restarting):
    /// worth answering 503 and retrying.
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    #[error("database migration failed: {0}")]
    Migration(String),
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
    /// A copy goes only into a database that holds nothing yet.
    #[error("the target database is not empty ({0}): a town hall is copied into an empty one only")]
    NotEmpty(String),
}

/// A sent alert message as stored: its cursor, its area (to filter streams)
/// and the signed JSON served as is.
#[derive(Debug, Clone)]
pub struct SentAlert {
    pub cursor: Cursor,
    pub area: Area,
    /// A [`beffroi_domain::alert::SignedAlert`] as JSON.
    pub signed: Arc<str>,
}

impl SentAlert {
    pub fn new(cursor: Cursor, area: Area, signed: String) -> Self {
        Self {
            cursor,
            area,
            signed: Arc::from(signed),
        }
    }
}

impl StoreError {
    /// A backend's own error, kept as the source.
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(e))
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

    /// The cursor of the last message sent (`Cursor::START` if none).
    async fn latest_alert_cursor(&self) -> Result<Cursor, StoreError>;

    /// Sent messages after `since`, at most `limit`, in cursor order.
    async fn alerts_after(&self, since: Cursor, limit: u32) -> Result<Vec<SentAlert>, StoreError>;

    /// The newest audit entries first.
    async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;

    /// Writes a measure's next version, with its audit entry, all or
    /// nothing: [`StoreError::Conflict`] when `expected` is not its latest
    /// version or it was withdrawn, [`StoreError::NotFound`] when there is no
    /// such measure. The same content again writes nothing.
    async fn write_measure(&self, write: MeasureWrite) -> Result<Measure, StoreError>;

    /// The latest versions changed after `since` (withdrawn ones as
    /// tombstones), at most `limit`, in cursor order.
    async fn measures_since(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Measure>, StoreError>;

    /// Every measure's latest version but the withdrawn ones.
    async fn measures(&self) -> Result<Vec<Measure>, StoreError>;

    /// Every version of one measure, oldest first (empty: no such measure).
    async fn measure_history(&self, id: String) -> Result<Vec<MeasureVersion>, StoreError>;

    /// Writes an advice page's next version, with its audit entry, all or
    /// nothing, as [`Store::write_measure`] does (a new page under an id in
    /// use is a [`StoreError::Conflict`]).
    async fn write_advice(&self, write: AdviceWrite) -> Result<Advice, StoreError>;

    /// The latest versions of advice pages changed after `since` (withdrawn
    /// ones as tombstones), at most `limit`, in cursor order.
    async fn advice_since(&self, since: Cursor, limit: u32)
    -> Result<SyncPage<Advice>, StoreError>;

    /// Every advice page's latest version but the withdrawn ones.
    async fn advice(&self) -> Result<Vec<Advice>, StoreError>;

    /// Every version of one advice page, oldest first (empty: no such page).
    async fn advice_history(&self, id: String) -> Result<Vec<AdviceVersion>, StoreError>;

    /// Keeps a resident's post (published at once when its commune is in
    /// [`Store::aid_publish_first`], else pending), unless its device is
    /// blocked or its id known (the same post again is `Again`).
    async fn submit_aid(&self, sub: aid::AidSubmission) -> Result<aid::AidSubmitted, StoreError>;

    /// Moves a post to another state (see [`aid::transition`]), with a new
    /// cursor and, for a staff action, its audit entry. `None`: no such
    /// post (or, for a withdrawal, none posted with that key).
    async fn moderate_aid(
        &self,
        id: String,
        action: aid::AidAction,
        actor: String,
    ) -> Result<Option<StaffAidPost>, StoreError>;

    /// Blocks (or unblocks) the posting key of the device that wrote post
    /// `id`; blocking also hides its pending and published posts. Audited.
    /// `None`: no such post; else how many posts it hid.
    async fn block_aid_key(
        &self,
        id: String,
        blocked: bool,
        actor: String,
    ) -> Result<Option<u64>, StoreError>;

    /// Published posts changed after `since`, and tombstones for the ones
    /// that were published and no longer are, at most `limit`.
    async fn aid_since(&self, since: Cursor, limit: u32) -> Result<SyncPage<AidPost>, StoreError>;

    /// Posts for staff, newest first, in one state or all.
    async fn list_aid(
        &self,
        state: Option<AidState>,
        limit: u32,
    ) -> Result<Vec<StaffAidPost>, StoreError>;

    /// Posts past their end at `now` become `expired`; how many did.
    async fn expire_aid(&self, now: OffsetDateTime) -> Result<u64, StoreError>;

    /// Forgets the posts that ended before `ended_before` (whatever their
    /// state), with their conversations, messages, shared contacts and
    /// abuse reports; how many posts. (Devices hide a post at its end by
    /// themselves: its tombstone is no longer needed.) The audit log and
    /// the blocked keys stay.
    async fn purge_aid(&self, ended_before: OffsetDateTime) -> Result<u64, StoreError>;

    /// A device reports a published post as abusive, once per device
    /// (`reporter`: its key hash; a conflict when it is blocked). `None`:
    /// no such published post; else whether this report is new.
    async fn report_aid_abuse(
        &self,
        id: String,
        reporter: String,
        reason: String,
        at: OffsetDateTime,
    ) -> Result<Option<bool>, StoreError>;

    /// Relays a message: a new thread from a resident answering a published
    /// post, or a message in a thread of which the sender is a side.
    async fn send_aid_message(
        &self,
        write: aid::AidMessageWrite,
    ) -> Result<aid::AidSent, StoreError>;

    /// Sets (or, `None`, takes back) the contact the device shares in a
    /// thread it is a side of; the key hashes of the two sides (see
    /// [`aid::AidSent::New`]). `None`: no such thread for that device; a
    /// conflict when the device is blocked or the thread closed.
    async fn share_aid_contact(
        &self,
        thread: String,
        key_hash: String,
        contact: Option<String>,
    ) -> Result<Option<[String; 2]>, StoreError>;

    /// Closes a thread the device is a side of: no more messages either
    /// way. The key hashes of the two sides; `None`: no such thread for it.
    async fn close_aid_thread(
        &self,
        thread: String,
        key_hash: String,
    ) -> Result<Option<[String; 2]>, StoreError>;

    /// What a device's key sees: its posts, its threads, and their
    /// messages after `since` (at most `limit`).
    async fn aid_inbox(
        &self,
        key_hash: String,
        since: Cursor,
        limit: u32,
    ) -> Result<AidInbox, StoreError>;

    /// The communes whose posts are published at once (moderated after).
    async fn aid_publish_first(&self) -> Result<Vec<String>, StoreError>;

    /// Puts a commune in or out of [`Store::aid_publish_first`]. Audited.
    async fn set_aid_publish_first(
        &self,
        commune: String,
        on: bool,
        actor: String,
    ) -> Result<(), StoreError>;

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

    /// The servers' secrets (signing keys…) by name, when the servers
    /// sharing this store keep them in it (see `beffroi_server::keys`).
    async fn secrets(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Keeps `value` under `name` unless a secret has that name (secrets
    /// are never replaced); whether it was kept.
    async fn add_secret(&self, name: String, value: String) -> Result<bool, StoreError>;

    /// Where this store keeps reports' photos when it keeps them itself
    /// (a database every replica shares); `None`: the server keeps them as
    /// files in its data directory.
    fn photo_blobs(&self) -> Option<Arc<dyn PhotoBlobs>> {
        None
    }

    /// Whether this server runs the jobs that must run once for all the
    /// servers sharing the store (a server alone always does).
    fn leads_jobs(&self) -> bool {
        true
    }

    /// Every row, read in one consistent view: what a copy into another
    /// database takes (`beffroi-server migrate`).
    async fn export(&self) -> Result<snapshot::Snapshot, StoreError>;

    /// Takes `snapshot` into this store, which must hold nothing yet
    /// ([`StoreError::NotEmpty`] otherwise): all of it, cursors and ids as
    /// they were, in one transaction, or nothing.
    async fn import(&self, snapshot: snapshot::Snapshot) -> Result<(), StoreError>;
}

/// Where a town hall's data lives, as an operator writes it
/// (`--database`, `BEFFROI_DATABASE_URL`).
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite:///var/lib/beffroi/beffroi.sqlite3`: the embedded default's
    /// file (a directory means the default file in it).
    Sqlite(std::path::PathBuf),
    /// `postgres://user:password@host:port/database?…` (or `postgresql://`),
    /// kept whole for the driver.
    Postgres(String),
}

impl std::str::FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(path) = s.strip_prefix("sqlite://") {
            if !path.starts_with('/') {
                return Err(format!(
                    "{s:?}: an SQLite URL names an absolute path, e.g. sqlite:///var/lib/beffroi/beffroi.sqlite3"
                ));
            }
            return Ok(DatabaseUrl::Sqlite(path.into()));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(s.to_owned()));
        }
        let scheme = s.split_once("://").map_or("", |(scheme, _)| scheme);
        Err(format!(
            "unknown database {scheme:?}: use sqlite:///path/to/file or postgres://user@host/database"
        ))
    }
}

/// Shown without the password a PostgreSQL URL may hold.
impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                // As the driver reads it: the credentials run to the first
                // '@', whatever they hold ('/', '?').
                let rest = match rest.split_once('@') {
                    Some((credentials, after)) => {
                        let user = credentials.split(':').next().unwrap_or_default();
                        write!(f, "{scheme}://{user}:***@")?;
                        after
                    }
                    None => {
                        write!(f, "{scheme}://")?;
                        rest
                    }
                };
                // A password may also come as a parameter (`?password=…`,
                // its name percent-encoded or not, as the driver decodes it).
                let (place, query) = rest.split_once('?').unwrap_or((rest, ""));
                write!(f, "{place}")?;
                for (i, param) in query.split('&').filter(|p| !p.is_empty()).enumerate() {
                    let sep = if i == 0 { '?' } else { '&' };
                    match param.split_once('=') {
                        Some((key, _)) if percent_decoded(key).eq_ignore_ascii_case("password") => {
                            write!(f, "{sep}{key}=***")?;
                        }
                        _ => write!(f, "{sep}{param}")?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// `text` with its `%XX` escapes decoded (bytes that do not make UTF-8 are
/// replaced): a URL's parameter as a database driver reads it.
pub fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// Wake-ups between the servers that share one store (replicas): a message
/// one of them stored is announced by every one. Only the cursor travels; each
/// server reads the messages from the store, in cursor order.
#[async_trait]
pub trait Bus: Send + Sync + std::fmt::Debug + 'static {
    /// Tells the other servers that messages up to `cursor` are stored.
    async fn notify(&self, cursor: Cursor) -> Result<(), StoreError>;

    /// Changes at every wake-up: a message stored by another server, or the
    /// listening connection back after a loss (wake-ups are not replayed:
    /// the server then catches up from the store).
    fn wakeups(&self) -> tokio::sync::watch::Receiver<u64>;

    /// Whether wake-ups can arrive now (always, for one server alone).
    fn listening(&self) -> bool;

    /// Tells the other servers `news` (this one has told its own streams).
    async fn tell(&self, news: &News) -> Result<(), StoreError>;

    /// What the other servers tell (never this server's own news). Like
    /// wake-ups, news is not replayed after a lost connection: it is a hint to
    /// read again, and devices catch up at their next sync.
    fn news(&self) -> tokio::sync::broadcast::Receiver<News>;
}

/// A change devices follow live that is not an alert message (those travel
/// by [`Bus::notify`]): what one server tells the others so that their
/// streams say it too, and their caches forget what it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum News {
    /// The rules in force changed.
    Measures,
    /// The advice pages changed.
    Advice,
    /// A report's status changed; `public`: its category is public.
    Report { id: String, public: bool },
    /// A mutual-aid conversation of the posting key hashing to `key_hash` changed.
    Aid { key_hash: String },
    /// Some news may have been missed (the bus's connection was lost): every
    /// stream is asked to read again what it follows. Never sent to others.
    Missed,
}

impl News {
    /// As a bus carries it: one line of text.
    pub fn encode(&self) -> String {
        match self {
            News::Measures => "measures".to_owned(),
            News::Advice => "advice".to_owned(),
            News::Report { id, public: true } => format!("report-public {id}"),
            News::Report { id, public: false } => format!("report {id}"),
            News::Aid { key_hash } => format!("aid {key_hash}"),
            News::Missed => "missed".to_owned(),
        }
    }

    /// What kind of news, with nothing of whom it concerns (for logs).
    pub fn kind(&self) -> &'static str {
        match self {
            News::Measures => "measures",
            News::Advice => "advice",
            News::Report { .. } => "report",
            News::Aid { .. } => "aid",
            News::Missed => "missed",
        }
    }

    /// What [`News::encode`] wrote; `None` for anything else.
    pub fn decode(text: &str) -> Option<News> {
        let (kind, rest) = text.split_once(' ').unwrap_or((text, ""));
        // The one word after the kind.
        let word =
            || (!rest.is_empty() && !rest.contains(char::is_whitespace)).then(|| rest.to_owned());
        Some(match kind {
            "measures" if text == kind => News::Measures,
            "advice" if text == kind => News::Advice,
            "report" => News::Report {
                id: word()?,
                public: false,
            },
            "report-public" => News::Report {
                id: word()?,
                public: true,
            },
            "aid" => News::Aid { key_hash: word()? },
            _ => return None,
        })
    }
}

/// A report's photo as kept: its name (`1.jpg`: its number in the
/// submission and its kind) and its bytes, already cleaned of metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Where reports' photos are kept, apart from the rows: files in the data
/// directory beside a SQLite database, the database itself for PostgreSQL
/// (so that replicas need no shared disk, and a photo received by one
/// server is shown by all). Photos are put only once their report is
/// stored; intake never changes them after (a repeat only completes them).
#[async_trait]
pub trait PhotoBlobs: Send + Sync + std::fmt::Debug + 'static {
    /// Keeps `photos` as `report`'s, durably before it returns. Called
    /// again for a report that has photos (the same submission sent again:
    /// its digest covers its photos), it only puts back a photo that is
    /// missing or not these bytes (what a crash or a full disk left).
    async fn put_photos(&self, report: &str, photos: Vec<Photo>) -> Result<(), StoreError>;

    /// The names of a report's photos, in order (none for an unknown report).
    async fn photo_names(&self, report: &str) -> Result<Vec<String>, StoreError>;

    /// One photo's bytes (`None` for an unknown report or name).
    async fn photo(&self, report: &str, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// The reports that have photos, in no particular order.
    async fn reports_with_photos(&self) -> Result<Vec<String>, StoreError>;
}

/// What [`copy_photos`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PhotosCopied {
    pub photos: usize,
    /// Reports with photos that `wanted` refused (not in the target's rows:
    /// a backup made while serving can hold photos of a report accepted
    /// after its rows were read).
    pub skipped: Vec<String>,
}

/// Copies the photos of every report `wanted` accepts from `from` to `to`,
/// one report at a time, each read back and compared.
pub async fn copy_photos(
    from: &dyn PhotoBlobs,
    to: &dyn PhotoBlobs,
    wanted: impl Fn(&str) -> bool,
) -> Result<PhotosCopied, StoreError> {
    let mut copied = PhotosCopied::default();
    let mut reports = from.reports_with_photos().await?;
    reports.sort();
    for report in reports {
        if !wanted(&report) {
            copied.skipped.push(report);
            continue;
        }
        let mut photos = Vec::new();
        for name in from.photo_names(&report).await? {
            if let Some(bytes) = from.photo(&report, &name).await? {
                photos.push(Photo { name, bytes });
            }
        }
        to.put_photos(&report, photos.clone()).await?;
        for photo in &photos {
            if to.photo(&report, &photo.name).await?.as_ref() != Some(&photo.bytes) {
                return Err(StoreError::Corrupt(format!(
                    "photo {} of report {report} differs once copied",
                    photo.name
                )));
            }
        }
        copied.photos += photos.len();
    }
    Ok(copied)
}

/// The bus of a server alone on its store: nothing to tell anyone.
#[derive(Debug)]
pub struct LocalBus {
    wakeups: tokio::sync::watch::Sender<u64>,
    news: tokio::sync::broadcast::Sender<News>,
}

impl Default for LocalBus {
    fn default() -> Self {
        Self {
            wakeups: tokio::sync::watch::channel(0).0,
            news: tokio::sync::broadcast::channel(1).0,
        }
    }
}

#[async_trait]
impl Bus for LocalBus {
    async fn notify(&self, _cursor: Cursor) -> Result<(), StoreError> {
        Ok(())
    }

    fn wakeups(&self) -> tokio::sync::watch::Receiver<u64> {
        self.wakeups.subscribe()
    }

    fn listening(&self) -> bool {
        true
    }

    async fn tell(&self, _news: &News) -> Result<(), StoreError> {
        Ok(())
    }

    fn news(&self) -> tokio::sync::broadcast::Receiver<News> {
        self.news.subscribe()
    }
}

#[cfg(test)]
mod news_tests {
    use super::News;

    #[test]
    fn news_reads_back_as_written_and_nothing_else_is_news() {
        for news in [
            News::Measures,
            News::Advice,
            News::Report {
                id: "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c00".into(),
                public: true,
            },
            News::Report {
                id: "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c01".into(),
                public: false,
            },
            News::Aid {
                key_hash: "q1w2e3".into(),
            },
        ] {
            assert_eq!(News::decode(&news.encode()), Some(news));
        }
        for text in [
            "",
            "report",
            "report ",
            "aid a b",
            "measures now",
            "alert 12",
        ] {
            assert_eq!(News::decode(text), None, "{text:?}");
        }
    }
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

// Backends' errors, kept as the source of `Backend`. A conversion must live
// beside the error type or its target (Rust's orphan rule), so each backend
// turns on its own: `?` then works on the backend's calls as it did when the
// store was one crate.
#[cfg(feature = "rusqlite")]
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::backend(e)
    }
}

#[cfg(feature = "rusqlite")]
impl From<rusqlite_migration::Error> for StoreError {
    fn from(e: rusqlite_migration::Error) -> Self {
        StoreError::Migration(e.to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::DatabaseUrl;

    #[test]
    fn database_urls_are_read_and_shown_without_their_password() {
        assert_eq!(
            "sqlite:///var/lib/beffroi/beffroi.sqlite3".parse(),
            Ok(DatabaseUrl::Sqlite(
                "/var/lib/beffroi/beffroi.sqlite3".into()
            ))
        );
        let pg: DatabaseUrl = "postgres://beffroi:s3cr%40t@db.local:5432/beffroi?sslmode=require"
            .parse()
            .unwrap();
        assert_eq!(
            pg.to_string(),
            "postgres://beffroi:***@db.local:5432/beffroi?sslmode=require"
        );
        assert!(!format!("{pg:?}").contains("s3cr"));
        // Nor when it holds what ends a URL's parts elsewhere ('?', '/'),
        // which the driver reads as part of it, up to the first '@'.
        for (url, shown) in [
            ("postgres://u:pa?ss@h/db", "postgres://u:***@h/db"),
            (
                "postgres://u:p/ss@h/db?sslmode=require",
                "postgres://u:***@h/db?sslmode=require",
            ),
        ] {
            assert_eq!(url.parse::<DatabaseUrl>().unwrap().to_string(), shown);
        }
        // Nor when it comes as a parameter, its name encoded or not.
        let pg: DatabaseUrl = "postgres://beffroi@db.local/beffroi?sslmode=require&password=s3cr3t&application_name=b"
            .parse()
            .unwrap();
        assert_eq!(
            pg.to_string(),
            "postgres://beffroi:***@db.local/beffroi?sslmode=require&password=***&application_name=b"
        );
        assert_eq!(
            "postgres://db.local/beffroi?pass%77ord=s3cr3t"
                .parse::<DatabaseUrl>()
                .unwrap()
                .to_string(),
            "postgres://db.local/beffroi?pass%77ord=***"
        );
        assert!(!format!("{pg:?}").contains("s3cr"));
        assert_eq!(
            "postgresql://db.local/beffroi"
                .parse::<DatabaseUrl>()
                .unwrap()
                .to_string(),
            "postgresql://db.local/beffroi"
        );
        for bad in [
            "mysql://db/beffroi",
            "sqlite://relative/path",
            "/var/lib/beffroi",
            "",
        ] {
            let err = bad.parse::<DatabaseUrl>().unwrap_err();
            assert!(err.contains("sqlite://"), "{bad}: {err}");
        }
    }
}
