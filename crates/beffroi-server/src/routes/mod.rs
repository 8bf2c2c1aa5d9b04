//! One module per resource, each with its handlers and their OpenAPI
//! annotations; [`api_router`] merges them under `/api/v1`.

pub mod auth;
pub mod communes;
pub mod health;
pub mod meta;
pub mod staff;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// Every `/api/v1` route, with its OpenAPI description built from the same table.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(communes::list))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(staff::list))
        .routes(routes!(meta::openapi))
}
