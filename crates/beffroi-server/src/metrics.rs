//! `/metrics` in the Prometheus text format, for operators: live streams,
//! alert messages published and announced, reports received, whether the
//! database answers and the bus listens, and how far this server's live
//! streams lag behind what the store holds (`beffroi_bus_lag_messages`: the
//! alert messages stored, by any server, that this one has not yet written
//! to its streams; it should come back to 0 within a second).
//!
//! Served on a listener of its own (`--metrics-listen`, off by default), so
//! the figures never face the internet; the public port has no `/metrics`.
//! Written with `prometheus-client`, the Prometheus project's Rust client.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::EncodeLabelValue;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::AppState;
use crate::routes::health::DATABASE_CHECK;

/// The most messages a scrape reads to count the lag.
const LAG_READ: u32 = 100;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
pub enum Outcome {
    /// Stored now.
    New,
    /// The same submission again (an app resending after a lost answer).
    Repeat,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReportLabels {
    pub outcome: Outcome,
}

/// The counters the server keeps as it works; gauges are read at scrape.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Alert messages stored through this server (sent, updated, cancelled).
    pub published: Counter,
    /// Reports accepted through this server.
    pub reports: Family<ReportLabels, Counter>,
    live_streams: Gauge,
    lag: Gauge,
    database_up: Gauge,
    bus_listening: Gauge,
    push_subscriptions: Gauge,
    leader: Gauge,
}

impl Metrics {
    /// The metrics of a server whose hub counts what it announces in
    /// `announced`.
    pub fn new(announced: Counter) -> Self {
        let mut registry = Registry::with_prefix("beffroi");
        let (published, reports) = (Counter::default(), Family::default());
        let gauge = Gauge::default;
        let (live_streams, lag, database_up, bus_listening, push_subscriptions, leader) =
            (gauge(), gauge(), gauge(), gauge(), gauge(), gauge());
        registry.register(
            "alert_messages_published",
            "Alert messages stored through this server",
            published.clone(),
        );
        registry.register(
            "alert_messages_announced",
            "Alert messages this server wrote to its live streams, whichever server stored them",
            announced,
        );
        registry.register(
            "reports_received",
            "Reports accepted through this server, new or repeated",
            reports.clone(),
        );
        registry.register(
            "live_streams",
            "Open live alert streams on this server",
            live_streams.clone(),
        );
        registry.register(
            "bus_lag_messages",
            "Alert messages stored that this server has not yet written to its streams",
            lag.clone(),
        );
        registry.register(
            "database_up",
            "Whether the database answered this scrape (1) or not (0)",
            database_up.clone(),
        );
        registry.register(
            "bus_listening",
            "Whether this server listens for the other servers' alerts (1) or not (0)",
            bus_listening.clone(),
        );
        registry.register(
            "push_subscriptions",
            "Web Push subscriptions kept in the database",
            push_subscriptions.clone(),
        );
        registry.register(
            "leader",
            "Whether this server runs the jobs run once for all the servers (1) or not (0)",
            leader.clone(),
        );
        Metrics {
            registry,
            leader,
            published,
            reports,
            live_streams,
            lag,
            database_up,
            bus_listening,
            push_subscriptions,
        }
    }
}

/// Serves `/metrics` (and nothing else) on `listener` (`--metrics-listen`).
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let router = Router::new()
        .route("/metrics", axum::routing::get(metrics))
        .with_state(state);
    axum::serve(listener, router).await
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let m = &state.metrics;
    let hub = &state.hub;
    m.live_streams
        .set(i64::try_from(hub.subscribers()).unwrap_or(i64::MAX));
    m.bus_listening.set(i64::from(state.bus.listening()));
    m.leader.set(i64::from(state.store.leads_jobs()));
    let stored = tokio::time::timeout(DATABASE_CHECK, state.store.latest_alert_cursor()).await;
    let subscriptions =
        tokio::time::timeout(DATABASE_CHECK, state.store.push_subscription_count()).await;
    match (stored, subscriptions) {
        (Ok(Ok(latest)), Ok(Ok(subscriptions))) => {
            m.database_up.set(1);
            // Counted up to LAG_READ: past that, the figure says "far behind".
            let behind = tokio::time::timeout(
                DATABASE_CHECK,
                state.store.alerts_after(hub.latest(), LAG_READ),
            )
            .await;
            m.lag.set(match behind {
                Ok(Ok(page)) => i64::try_from(page.len()).unwrap_or(i64::MAX),
                _ => i64::from(latest > hub.latest()),
            });
            m.push_subscriptions
                .set(i64::try_from(subscriptions).unwrap_or(i64::MAX));
        }
        _ => {
            m.database_up.set(0);
        }
    }
    let mut text = String::new();
    match prometheus_client::encoding::prometheus_text::encode(&mut text, &m.registry) {
        Ok(()) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            )],
            text,
        ),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            e.to_string(),
        ),
    }
}
