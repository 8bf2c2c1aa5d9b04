//! Beffroi's town hall server.
//!
//! It keeps the territory, the directory, alerts and reports in a [`Store`]
//! (embedded SQLite by default), serves the resident apps (`beffroi-client`)
//! over the JSON API under `/api/v1`, and serves the staff console under
//! `/console/`. The binary in `main.rs` is a thin CLI over [`launch`].
//!
//! - [`routes`]: one module per resource, merged into one OpenAPI-described table;
//! - [`extract`]: JSON/query parsing and staff auth as extractors;
//! - [`error`]: the one error type and its JSON shape;
//! - [`store`]: the storage trait and its SQLite implementation;
//! - [`cap`]: alerts as CAP 1.2 XML (the feed, and messages from the town hall's tools);
//! - [`keys`]: the Ed25519 keys that sign alerts;
//! - [`hub`]: live delivery of alerts to connected devices;
//! - [`push`], [`conn`]: connections (live streams apart), their deadlines and caps;
//! - [`webpush`]: Web Push to phones whose app or page is closed;
//! - [`import`]: places from OSM GeoJSON and CSV files, with a per-row report;
//! - [`pages`]: public pages for people with no app (a shared alert);
//! - [`demo`]: the demo territory (51 communes of the Métropole Nice Côte d'Azur).

pub mod auth;
pub mod backup;
pub mod cap;
pub mod conn;
pub mod console;
pub mod demo;
pub mod error;
pub mod extract;
pub mod geography;
pub mod hub;
pub mod import;
pub mod keys;
pub mod l10n;
pub mod limits;
pub mod metrics;
pub mod migrate;
pub mod pages;
pub mod photos;
pub mod push;
pub mod routes;
pub mod service;
/// The storage trait and its models (`beffroi-store`); backends beside it.
pub use beffroi_store as store;
pub mod webpush;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use beffroi_store::{Store, StoreError};
pub use beffroi_store_sqlite::{DB_FILE, SqliteStore};
pub use error::ApiError;

/// How a server instance runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the signing keys and photos live, and the SQLite database
    /// unless `database` names another.
    pub data_dir: PathBuf,
    /// The database (`--database`); `None` is SQLite in `data_dir`.
    pub database: Option<store::DatabaseUrl>,
    /// How often the server reads the store for alerts other servers stored
    /// that no wake-up announced (one lost with a connection).
    pub follow_every: Duration,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a staff login lasts.
    pub session_ttl: time::Duration,
    /// The CAP `<sender>` of the alerts this server sends.
    pub sender: String,
    /// The CAP `<senderName>`: the town hall's name as residents know it,
    /// shown on every alert.
    pub sender_name: String,
    /// How residents reach the town hall about an alert (a phone number, a
    /// page), put in every alert text that names no contact.
    pub issuer_contact: Option<String>,
    /// The territory's CAP geocode (an EPCI's SIREN number) and name.
    pub territory_code: String,
    pub territory_name: String,
    /// The kinds of report residents can file (the demo set by default).
    pub report_categories: Vec<beffroi_domain::report::ReportCategory>,
    /// Report submissions per client address: a burst, then one every
    /// `report_interval`.
    pub report_burst: u32,
    pub report_interval: std::time::Duration,
    /// Reports one signed-in staff member may file at once, then one per
    /// `staff_report_interval` (they are not held to the per-address limit).
    pub staff_report_burst: u32,
    pub staff_report_interval: std::time::Duration,
    /// Keys Open311 clients must send to create requests.
    pub open311_keys: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (rate limits).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The address residents and feeds reach the server at (e.g.
    /// `https://beffroi.example.fr`), for links in CAP and Open311 documents;
    /// by default, `http://` and the request's Host.
    pub public_url: Option<String>,
    /// The most connections one client address (an IPv6 /64) may hold,
    /// live streams included; trusted proxies are not capped.
    pub connections_per_address: usize,
    /// Every connection's deadlines (see [`conn`]).
    pub timeouts: conn::Timeouts,
    /// The communes' outlines: a report located by coordinates gets its
    /// commune from them (the demo territory's by default).
    pub outlines: Arc<geography::Outlines>,
    /// The base map under the maps' outlines, if the town hall chose one.
    pub tiles: Option<beffroi_domain::api::TileSource>,
    /// Accept Web Push endpoints on private addresses and over plain http
    /// (a push service on this machine, for tests); never in production.
    pub push_allow_private: bool,
    /// The time the directory's hours are evaluated at ("open now"), for
    /// demonstrations and tests; `None`: the real time.
    pub hours_clock: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The first wait before a push is tried again (then 4×, 16×).
    pub push_retry_base: std::time::Duration,
}

impl Settings {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            database: None,
            follow_every: Duration::from_secs(5),
            hours_clock: None,
            max_body_bytes: 64 * 1024,
            session_ttl: time::Duration::hours(12),
            sender: "beffroi.localhost".into(),
            sender_name: demo::TERRITORY_NAME.into(),
            issuer_contact: None,
            territory_code: demo::TERRITORY_CODE.into(),
            territory_name: demo::TERRITORY_NAME.into(),
            report_categories: beffroi_domain::report::demo_categories(),
            report_burst: 30,
            report_interval: std::time::Duration::from_secs(2),
            staff_report_burst: 60,
            staff_report_interval: std::time::Duration::from_secs(10),
            open311_keys: Vec::new(),
            trusted_proxies: Vec::new(),
            public_url: None,
            connections_per_address: conn::DEFAULT_PER_ADDRESS,
            timeouts: conn::Timeouts::default(),
            outlines: Arc::new(geography::Outlines::demo()),
            tiles: None,
            push_allow_private: false,
            push_retry_base: std::time::Duration::from_secs(2),
        }
    }
}

/// Where this server is reached: the operator's public URL, else `http://`
/// and the request's Host.
pub fn public_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Submissions with photos received at once (each streams to disk: a few
/// KiB of memory while it arrives).
const MAX_UPLOADS: usize = 64;
/// … of which from one address (a device sends its outbox one at a time).
const MAX_UPLOADS_PER_ADDRESS: usize = 2;

/// MiB of photos held in memory at once to be written into the database:
/// 256 sets of what a phone sends (about 1 MB), or 6 of the largest (5
/// photos of 8 MiB).
pub const PHOTO_WRITES_MIB: u32 = 256;

/// Shared by every handler; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Wake-ups from the other servers sharing the store.
    pub bus: Arc<dyn store::Bus>,
    pub settings: Arc<Settings>,
    pub keys: Arc<keys::KeyRing>,
    pub hub: Arc<hub::Hub>,
    /// Report submissions allowed per client address.
    pub report_limiter: Arc<limits::Limiter>,
    /// Login attempts allowed per client address.
    pub login_limiter: Arc<limits::Limiter>,
    /// Anonymous Open311 reads of reports allowed per client address.
    pub read_limiter: Arc<limits::Limiter>,
    /// Push subscriptions (and their renewals) allowed per client address.
    pub push_limiter: Arc<limits::Limiter>,
    /// Login attempts allowed per account name, from anywhere.
    pub account_limiter: Arc<limits::AccountLimiter>,
    /// Reports filed by each signed-in staff member (field agents), from
    /// anywhere: a stolen or looping token cannot flood the reports.
    pub staff_report_limiter: Arc<limits::AccountLimiter>,
    /// Mutual-aid writes (posts, messages, abuse reports) per client address.
    pub aid_address_limiter: Arc<limits::Limiter>,
    /// Mutual-aid posts per client address (keys cost nothing to make).
    pub aid_post_address_limiter: Arc<limits::Limiter>,
    /// Mutual-aid posts per device (posting key hash).
    pub aid_post_limiter: Arc<limits::AccountLimiter>,
    /// Mutual-aid messages, contacts and abuse reports per device.
    pub aid_write_limiter: Arc<limits::AccountLimiter>,
    /// The bound on password checks running at once.
    pub password_checks: Arc<auth::PasswordChecks>,
    /// Submissions with photos being received at once, overall and per address.
    pub uploads: Arc<tokio::sync::Semaphore>,
    pub uploads_per_address: Arc<conn::Connections>,
    /// Photos being cleaned at once (each read whole: up to 8 MiB in, as
    /// much out); more wait their turn.
    pub photo_cleaning: Arc<tokio::sync::Semaphore>,
    /// Where the photos of accepted reports are kept.
    pub photos: photos::Home,
    /// MiB of submissions' photos being written into the database at once
    /// (each set read whole first); more wait their turn.
    pub photo_writes: Arc<tokio::sync::Semaphore>,
    /// Sends Web Push (see [`webpush`]).
    pub pusher: Arc<webpush::Pusher>,
    /// The last Atom feed rendered (see `routes::alerts::atom`).
    pub atom_cache: Arc<std::sync::Mutex<Option<routes::alerts::AtomCache>>>,
    /// What `/metrics` shows (on the metrics listener only).
    pub metrics: Arc<metrics::Metrics>,
    /// Sent messages decoded for the web app (see `routes::threads`).
    pub threads_cache: Arc<tokio::sync::Mutex<routes::threads::Decoded>>,
    /// The directory kept in memory for the web app's searches.
    pub directory: Arc<tokio::sync::Mutex<routes::directory::Directory>>,
    /// The measures kept in memory for the public reads of the rules in force.
    pub measures: Arc<tokio::sync::Mutex<routes::measures::Kept>>,
    /// The advice pages kept in memory, rendered, for the public reads.
    pub advice: Arc<tokio::sync::Mutex<routes::advice::Kept>>,
    /// Stream tickets handed to browsers' pages (see `routes::alerts::stream_ticket`).
    pub stream_tickets: Arc<routes::alerts::Tickets>,
    /// Reads of the web app (alert threads, directory) allowed per client address.
    pub threads_limiter: Arc<limits::Limiter>,
}

impl AppState {
    /// Tells this server's live streams of `news` (already stored), and the
    /// other servers on the same database through the bus: their streams say
    /// it too (see `follow_other_servers_news`).
    pub async fn announce(&self, news: store::News) {
        self.hear(&news).await;
        let bus = Arc::clone(&self.bus);
        tokio::spawn(async move {
            if let Err(e) = bus.tell(&news).await {
                // The kind only: an aid conversation's key hashes link two devices.
                tracing::warn!(error = %e, news = news.kind(), "cannot tell the other servers");
            }
        });
    }

    /// Takes `news` in, this server's or another's: the caches forget what it
    /// changed (a device that reads again at once must get the change, not
    /// the copy kept for a few seconds), then the streams are told.
    async fn hear(&self, news: &store::News) {
        let missed = *news == store::News::Missed;
        if missed || *news == store::News::Measures {
            self.measures.lock().await.forget();
        }
        if missed || *news == store::News::Advice {
            self.advice.lock().await.forget();
        }
        self.hub.announce_news(news);
    }

    /// Opens the store the settings name and the signing keys in their
    /// data directory (the first key is made at the first start).
    pub async fn open(settings: Settings) -> Result<Self, LaunchError> {
        let (store, bus) = open_store(settings.database.as_ref(), &settings.data_dir).await?;
        photos::clear_incoming(&settings.data_dir)?;
        // Replicas share the keys through the database; a server alone keeps
        // its own in its data directory.
        let home = match &settings.database {
            Some(store::DatabaseUrl::Postgres(_)) => keys::KeyHome::Store {
                store: store.as_ref(),
                import_from: &settings.data_dir,
            },
            _ => keys::KeyHome::Dir(&settings.data_dir),
        };
        let keys = keys::KeyRing::open(home).await?;
        let latest = store.latest_alert_cursor().await?;
        // The VAPID `sub` claim: how a push service reaches the operator.
        let contact = match &settings.public_url {
            Some(url) if url.starts_with("https://") => url.clone(),
            _ => format!("mailto:webmaster@{}", settings.sender),
        };
        let pusher = webpush::Pusher::new(
            keys.vapid_key(),
            contact,
            settings.push_allow_private,
            settings.push_retry_base,
        )
        .map_err(LaunchError::Push)?;
        let hub = Arc::new(hub::Hub::starting_at(latest));
        let metrics = Arc::new(metrics::Metrics::new(hub.announced.clone()));
        let photos = photos::Home::of(store.as_ref(), &settings.data_dir);
        if let photos::Home::Database(blobs) = &photos {
            photos::adopt_files(&settings.data_dir, store.as_ref(), blobs.as_ref()).await?;
        }
        Ok(Self {
            store,
            bus,
            keys: Arc::new(keys),
            hub,
            report_limiter: Arc::new(limits::per_address(
                settings.report_burst,
                settings.report_interval,
            )),
            // Guessing passwords: 20 tries, then one every 3 seconds.
            login_limiter: Arc::new(limits::per_address(20, std::time::Duration::from_secs(3))),
            // Listing reports: 60 at once, then 2 a second.
            read_limiter: Arc::new(limits::per_address(
                60,
                std::time::Duration::from_millis(500),
            )),
            // Subscribing to pushes: 20 at once, then one every 10 seconds
            // (a device renews once a day).
            push_limiter: Arc::new(limits::per_address(20, std::time::Duration::from_secs(10))),
            // Guessing one account's password from many addresses: 10 tries,
            // then one every 30 seconds.
            account_limiter: Arc::new(limits::per_account(10, std::time::Duration::from_secs(30))),
            // An agent's busy round: 60 reports at once, then one every 10 seconds.
            staff_report_limiter: Arc::new(limits::per_account(
                settings.staff_report_burst,
                settings.staff_report_interval,
            )),
            // Mutual aid, from one address (many phones may share it): 60
            // writes at once, then one every 2 seconds…
            aid_address_limiter: Arc::new(limits::per_address(
                60,
                std::time::Duration::from_secs(2),
            )),
            // … of which posts: 20, then one a minute (the moderation
            // queue's bound against a device making new keys) …
            aid_post_address_limiter: Arc::new(limits::per_address(
                20,
                std::time::Duration::from_secs(60),
            )),
            // … from one device: 5 posts, then one every 10 minutes (a
            // neighbour posts a few offers, not a catalogue) …
            aid_post_limiter: Arc::new(limits::per_account(5, std::time::Duration::from_secs(600))),
            // … and 30 messages or reports, then one every 10 seconds.
            aid_write_limiter: Arc::new(limits::per_account(
                30,
                std::time::Duration::from_secs(10),
            )),
            password_checks: Arc::new(auth::PasswordChecks::for_this_machine()),
            uploads: Arc::new(tokio::sync::Semaphore::new(MAX_UPLOADS)),
            uploads_per_address: conn::Connections::new(MAX_UPLOADS_PER_ADDRESS, Vec::new()),
            photo_cleaning: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get().min(8)),
            )),
            photos,
            photo_writes: Arc::new(tokio::sync::Semaphore::new(PHOTO_WRITES_MIB as usize)),
            atom_cache: Arc::default(),
            metrics,
            threads_cache: Arc::default(),
            stream_tickets: Arc::default(),
            directory: Arc::default(),
            measures: Arc::default(),
            advice: Arc::default(),
            // Reading the alerts from the web app: generous, as many phones
            // may share one address (a carrier's NAT) and each page reads
            // again after every alert; the reading itself is shared (see
            // `routes::threads`).
            threads_limiter: Arc::new(limits::per_address(
                300,
                std::time::Duration::from_millis(100),
            )),
            pusher: Arc::new(pusher),
            settings: Arc::new(settings),
        })
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Beffroi",
        description = "Town hall API: territory, directory, alerts and reports. Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;
impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
    }
}

/// The API's route table and its OpenAPI document, built together.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health::healthz))
        .nest("/api/v1", routes::api_router())
        .split_for_parts()
}

/// The whole HTTP application for a state.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api();
    let max_body = state.settings.max_body_bytes;
    api.merge(console::router(state.settings.tiles.as_ref()))
        .merge(pages::router())
        .route("/cap/alerts.atom", axum::routing::get(routes::alerts::atom))
        .route(
            "/cap/alerts/{file}",
            axum::routing::get(routes::alerts::cap_message),
        )
        .route(
            "/open311/v2/{*file}",
            axum::routing::get(routes::open311::get).post(routes::open311::post),
        )
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::Extension(Arc::new(doc)))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(|_| {
            error::error_msg_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                beffroi_domain::msg!("err-internal"),
            )
        }))
        // Errors in the request's language (a panic's too), before compression.
        .layer(axum::middleware::from_fn(l10n::localize_errors))
        // Sync pages are repetitive JSON: gzip makes deltas several times smaller.
        // The fastest level: pages of 1,000 places compress ~6× even so, and the
        // server's CPU is better spent serving many devices.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(TraceLayer::new_for_http())
        // Every answer: no type guessing, no framing, no referrer to elsewhere.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight (within the shutdown grace of [`conn::Timeouts`]).
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hub = state.hub.clone();
    let timeouts = state.settings.timeouts;
    let per_address = conn::Connections::new(
        state.settings.connections_per_address,
        state.settings.trusted_proxies.clone(),
    );
    // Live streams are served apart (see `push`); hyper gets the rest.
    let (mut incoming, accept) = push::split(listener, state.clone(), per_address)?;
    let pruning = tokio::spawn(prune_limiters(state.clone()));
    let following = tokio::spawn(follow_other_servers(state.clone()));
    let hearing = tokio::spawn(follow_other_servers_news(state.clone(), state.bus.news()));
    let app = router(state);
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut served = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            next = incoming.accept() => match next {
                Some((io, peer, slot)) => {
                    served.spawn(conn::serve(io, peer, app.clone(), timeouts, stopping.clone(), slot));
                }
                None => break,
            },
            () = &mut shutdown => break,
            Some(_) = served.join_next(), if !served.is_empty() => {}
        }
    }
    // The accept loop ends with `incoming` and frees the port before this
    // returns (a restart can bind it at once).
    drop(incoming);
    let _ = accept.await;
    pruning.abort();
    following.abort();
    hearing.abort();
    // Live streams never finish on their own; the rest are asked to.
    hub.close();
    let _ = stop.send(true);
    let drained = tokio::time::timeout(timeouts.shutdown + Duration::from_secs(1), async {
        while served.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = served.len(),
            "connections still open after the grace period: closed"
        );
        served.abort_all();
    }
    Ok(())
}

/// How long a mutual-aid post, its conversations and the contacts shared
/// in them are kept after its end (for staff's questions; then forgotten).
pub const AID_KEPT_AFTER_END: time::Duration = time::Duration::days(30);

/// How long a push subscription lives without its device renewing it (the
/// web app renews at each visit and at least daily).
pub const PUSH_SUBSCRIPTION_LIFE: time::Duration = time::Duration::days(30);

/// Every minute, forgets the addresses and accounts whose budget is full
/// again, so the limiters stay as small as the current traffic, and ends
/// the mutual-aid posts past their end; every hour, the push subscriptions
/// whose devices fell silent.
async fn prune_limiters(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut expired_at: Option<tokio::time::Instant> = None;
    loop {
        every.tick().await;
        // Once for all the servers sharing the database: by the one leading,
        // as soon as it leads, then every hour.
        if state.store.leads_jobs()
            && expired_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(3600))
        {
            expired_at = Some(tokio::time::Instant::now());
            let before = time::OffsetDateTime::now_utc() - PUSH_SUBSCRIPTION_LIFE;
            match state.store.expire_push_subscriptions(before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "silent push subscriptions removed"),
                Err(e) => tracing::warn!(error = %e, "cannot expire push subscriptions"),
            }
            // Mutual aid ended a month ago: forgotten, contacts included.
            let ended = time::OffsetDateTime::now_utc() - AID_KEPT_AFTER_END;
            match state.store.purge_aid(ended).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "ended mutual-aid posts forgotten"),
                Err(e) => tracing::warn!(error = %e, "cannot forget ended mutual-aid posts"),
            }
        }
        limits::prune(&state.report_limiter);
        limits::prune(&state.login_limiter);
        limits::prune(&state.read_limiter);
        limits::prune(&state.push_limiter);
        limits::prune(&state.account_limiter);
        limits::prune(&state.staff_report_limiter);
        limits::prune(&state.aid_address_limiter);
        limits::prune(&state.aid_post_address_limiter);
        limits::prune(&state.aid_post_limiter);
        limits::prune(&state.aid_write_limiter);
        // Mutual-aid posts past their end leave the public list (devices
        // hide them at their end already): every minute, once for all.
        if state.store.leads_jobs() {
            match state
                .store
                .expire_aid(time::OffsetDateTime::now_utc())
                .await
            {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "mutual-aid posts ended"),
                Err(e) => tracing::warn!(error = %e, "cannot end mutual-aid posts"),
            }
        }
    }
}

/// Opens the store for `settings` and serves it on `listener` until `shutdown`.
pub async fn launch(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), LaunchError> {
    let state = AppState::open(settings).await?;
    serve(state, listener, shutdown).await?;
    Ok(())
}

/// The store `database` names (`None`: SQLite in `data_dir`), connected and
/// migrated, and the bus to the other servers sharing it.
pub async fn open_store(
    database: Option<&store::DatabaseUrl>,
    data_dir: &std::path::Path,
) -> Result<(Arc<dyn Store>, Arc<dyn store::Bus>), StoreError> {
    let local = || Arc::new(store::LocalBus::default()) as Arc<dyn store::Bus>;
    Ok(match database {
        None => (Arc::new(SqliteStore::open(data_dir)?), local()),
        Some(store::DatabaseUrl::Postgres(url)) => {
            let store = beffroi_store_postgres::PgStore::connect(url).await?;
            let bus = beffroi_store_postgres::PgBus::start(store.clone());
            (Arc::new(store), Arc::new(bus))
        }
        Some(url) => (open_database(url).await?, local()),
    })
}

/// The store a URL names, migrated to this version, with no bus (for the
/// operator's commands).
pub async fn open_database(url: &store::DatabaseUrl) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match url {
        store::DatabaseUrl::Sqlite(path) => Arc::new(SqliteStore::open_file(path)?),
        store::DatabaseUrl::Postgres(url) => {
            Arc::new(beffroi_store_postgres::PgStore::connect(url).await?)
        }
    })
}

/// Announces the messages other servers store, when the bus wakes this one
/// up, and every `follow_every` whatever happens.
async fn follow_other_servers(state: AppState) {
    let mut wakeups = state.bus.wakeups();
    let mut tick = tokio::time::interval(state.settings.follow_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            changed = wakeups.changed() => if changed.is_err() { return },
            _ = tick.tick() => {}
        }
        if let Err(e) = state.hub.catch_up(state.store.as_ref()).await {
            tracing::warn!(error = %e, "cannot read the alerts other servers stored");
        }
    }
}

/// Takes in what the other servers announced (see `AppState::hear`).
async fn follow_other_servers_news(
    state: AppState,
    mut news: tokio::sync::broadcast::Receiver<store::News>,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        let news = match news.recv().await {
            Ok(news) => news,
            // Some were missed: every stream reads again.
            Err(RecvError::Lagged(_)) => store::News::Missed,
            Err(RecvError::Closed) => return,
        };
        state.hear(&news).await;
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] keys::KeyError),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot send Web Push: {0}")]
    Push(String),
}
