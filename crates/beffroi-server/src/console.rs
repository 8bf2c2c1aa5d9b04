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

pub fn router() -> Router<AppState> {
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
            "the console was not built into this server: run `make ui`, then restart the server"
                .into(),
        )
        .into_response();
    }
    ApiError::not_found().into_response()
}
