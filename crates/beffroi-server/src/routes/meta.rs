use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

/// The OpenAPI 3 document of this API, generated from the route table.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi(Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>) -> Response {
    Json(doc.as_ref()).into_response()
}
