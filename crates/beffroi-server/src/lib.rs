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
//! - [`import`]: places from OSM GeoJSON and CSV files, with a per-row report;
//! - [`demo`]: the demo territory (51 communes of the Métropole Nice Côte d'Azur).

pub mod auth;
pub mod cap;
pub mod console;
pub mod demo;
pub mod error;
pub mod extract;
pub mod hub;
pub mod import;
pub mod keys;
pub mod limits;
pub mod photos;
pub mod push;
pub mod routes;
pub mod store;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::ApiError;
pub use store::{SqliteStore, Store, StoreError};

/// How a server instance runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the database (and later keys and photos) live.
    pub data_dir: PathBuf,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a staff login lasts.
    pub session_ttl: time::Duration,
    /// The CAP `<sender>` of the alerts this server sends.
    pub sender: String,
    /// The CAP `<senderName>`: the town hall's name as residents know it.
    pub sender_name: String,
    /// The territory's CAP geocode (an EPCI's SIREN number) and name.
    pub territory_code: String,
    pub territory_name: String,
    /// The kinds of report residents can file (the demo set by default).
    pub report_categories: Vec<beffroi_domain::report::ReportCategory>,
    /// Report submissions per client address: a burst, then one every
    /// `report_interval`.
    pub report_burst: u32,
    pub report_interval: std::time::Duration,
    /// Keys Open311 clients must send to create requests.
    pub open311_keys: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (rate limits).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The address residents and feeds reach the server at (e.g.
    /// `https://beffroi.example.fr`), for links in CAP and Open311 documents;
    /// by default, `http://` and the request's Host.
    pub public_url: Option<String>,
}

impl Settings {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            max_body_bytes: 64 * 1024,
            session_ttl: time::Duration::hours(12),
            sender: "beffroi.localhost".into(),
            sender_name: demo::TERRITORY_NAME.into(),
            territory_code: demo::TERRITORY_CODE.into(),
            territory_name: demo::TERRITORY_NAME.into(),
            report_categories: beffroi_domain::report::demo_categories(),
            report_burst: 30,
            report_interval: std::time::Duration::from_secs(2),
            open311_keys: Vec::new(),
            trusted_proxies: Vec::new(),
            public_url: None,
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

/// Shared by every handler; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub keys: Arc<keys::KeyRing>,
    pub hub: Arc<hub::Hub>,
    /// Report submissions allowed per client address.
    pub report_limiter: Arc<limits::Limiter>,
    /// Login attempts allowed per client address.
    pub login_limiter: Arc<limits::Limiter>,
    /// The last Atom feed rendered (see `routes::alerts::atom`).
    pub atom_cache: Arc<std::sync::Mutex<Option<routes::alerts::AtomCache>>>,
}

impl AppState {
    /// Opens the embedded SQLite store and the signing keys in the settings'
    /// data directory (the first key is made at the first start).
    pub fn open(settings: Settings) -> Result<Self, LaunchError> {
        let store = SqliteStore::open(&settings.data_dir)?;
        let keys = keys::KeyRing::open(&settings.data_dir)?;
        let latest = store.latest_alert_cursor()?;
        Ok(Self {
            store: Arc::new(store),
            keys: Arc::new(keys),
            hub: Arc::new(hub::Hub::starting_at(latest)),
            report_limiter: Arc::new(limits::per_address(
                settings.report_burst,
                settings.report_interval,
            )),
            // Guessing passwords: 20 tries, then one every 3 seconds.
            login_limiter: Arc::new(limits::per_address(20, std::time::Duration::from_secs(3))),
            atom_cache: Arc::default(),
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
    api.merge(console::router())
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
            error::error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the server failed to handle this request; it has been logged, try again later"
                    .into(),
            )
        }))
        // Sync pages are repetitive JSON: gzip makes deltas several times smaller.
        // The fastest level: pages of 1,000 places compress ~6× even so, and the
        // server's CPU is better spent serving many devices.
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Fastest))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `state` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let hub = state.hub.clone();
    // Live streams are served apart (see `push`); hyper gets the rest.
    let (listener, accept) = push::split(listener, state.clone())?;
    let app = router(state);
    // hyper keeps, per connection, a slot sized for the service's response
    // future; the router's nests every layer's and weighs tens of KiB. Boxed,
    // the slot is a pointer and an idle connection (an alert stream) stays
    // small: 69 KiB → see docs/benchmarks.md.
    // Each connection's service knows its peer's address (rate limits).
    let make = tower::service_fn(
        move |incoming: axum::serve::IncomingStream<'_, push::Listener>| {
            let peer = axum::extract::ConnectInfo(*incoming.remote_addr());
            let service = tower::Layer::layer(&axum::Extension(peer), app.clone());
            std::future::ready(Ok::<_, std::convert::Infallible>(
                tower::util::BoxCloneSyncService::new(service),
            ))
        },
    );
    axum::serve(listener, make)
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Live streams never finish on their own.
            hub.close();
        })
        .await?;
    // The listener is gone with axum's future: the accept loop ends and
    // frees the port before this returns (a restart can bind it at once).
    let _ = accept.await;
    Ok(())
}

/// Opens the store for `settings` and serves it on `listener` until `shutdown`.
pub async fn launch(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), LaunchError> {
    let state = AppState::open(settings)?;
    serve(state, listener, shutdown).await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] keys::KeyError),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}
