use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use beffroi_domain::api::MapSettings;

use crate::AppState;

/// The OpenAPI 3 document of this API, generated from the route table.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi(Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>) -> Response {
    Json(doc.as_ref()).into_response()
}

/// How the town hall's maps are drawn: its base map, if it chose one
/// (`--tiles-url`); devices draw the tiles only while online.
#[utoipa::path(get, path = "/map", tag = "meta",
    responses((status = 200, body = MapSettings)))]
pub async fn map(State(state): State<AppState>) -> Json<MapSettings> {
    Json(MapSettings {
        tiles: state.settings.tiles.clone(),
    })
}
