//! The town hall console: a static single-page app built from `ui/` by Vite
//! and embedded in the binary, so an operator deploys one file.
//!
//! The files are embedded in debug builds too (`debug-embed`), so debug and
//! release behave alike; cargo tracks them, so a UI rebuild rebuilds the server.
//! If the UI was not built before the server, the console answers 503 with a
//! message saying how to build it.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use crate::AppState;
use crate::error::ApiError;

#[derive(RustEmbed)]
// Relative to this crate's Cargo.toml.
#[folder = "../../ui/dist/console"]
#[allow_missing = true]
struct ConsoleAssets;

/// What the console's pages may load and who may frame them: its own
/// scripts and styles, images it made (photos are fetched with the staff
/// token and shown as blob: URLs), calls to this server only; never framed
/// (clickjacking a publish button).
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    use axum::http::HeaderValue;
    use tower_http::set_header::SetResponseHeaderLayer;
    Router::new()
        .route("/", get(|| async { Redirect::to("/console/") }))
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .route("/console/", get(|| async { asset("index.html") }))
        .route(
            "/console/{*path}",
            get(|Path(path): Path<String>| async move { asset(&path) }),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
}

fn asset(path: &str) -> Response {
    if let Some(file) = ConsoleAssets::get(path) {
        let mime = file.metadata.mimetype().to_owned();
        // Hashed asset names never change content; index.html must be revalidated.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, cache.to_owned()),
            ],
            file.data,
        )
            .into_response();
    }
    if ConsoleAssets::get("index.html").is_none() {
        return ApiError::Unavailable(
            "console_not_built",
            beffroi_domain::msg!("err-console-not-built"),
        )
        .into_response();
    }
    ApiError::not_found().into_response()
}
