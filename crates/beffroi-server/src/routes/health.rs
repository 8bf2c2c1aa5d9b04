use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use beffroi_domain::api::Health;

use crate::AppState;

/// How long the database has to answer a health check (or a metrics read).
pub(crate) const DATABASE_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// Health: answers as soon as the server accepts requests; names the
/// territory served (a resident's app checks it before choosing this
/// server); says whether the database answers (503 when it does not, so a
/// load balancer sends requests to another server) and whether the bus to
/// the other servers is listening.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses(
    (status = 200, body = Health), (status = 503, description = "the database does not answer", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = tokio::time::timeout(DATABASE_CHECK, state.store.latest_alert_cursor())
        .await
        .is_ok_and(|answered| answered.is_ok());
    let health = Health {
        status: if database { "ok" } else { "unavailable" }.into(),
        version: env!("CARGO_PKG_VERSION").into(),
        territory: state.settings.territory_name.clone(),
        database,
        bus: state.bus.listening(),
    };
    let code = if database {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(health))
}
