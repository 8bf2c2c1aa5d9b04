use axum::Json;
use axum::extract::State;
use beffroi_domain::api::Health;

use crate::AppState;

/// Liveness: answers as soon as the server accepts requests; names the
/// territory served (a resident's app checks it before choosing this server).
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        territory: state.settings.territory_name.clone(),
    })
}
