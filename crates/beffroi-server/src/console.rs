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

/// [`CSP`], with the town hall's tile server allowed as a source of images
/// when it chose one (the console's maps draw its tiles).
pub fn csp(tiles: Option<&beffroi_domain::api::TileSource>) -> String {
    let Some(origin) = tiles.and_then(|t| tile_origin(&t.url)) else {
        return CSP.to_owned();
    };
    CSP.replace(
        "img-src 'self' data: blob:;",
        &format!("img-src 'self' data: blob: {origin};"),
    )
}

/// `https://host:port` of a checked tile URL template.
fn tile_origin(url: &str) -> Option<&str> {
    let start = url.find("://")? + 3;
    let end = url[start..].find('/').map_or(url.len(), |i| start + i);
    let origin = &url[..end];
    // A policy's source list is split on spaces and ends at `;`.
    (!origin.contains([' ', ';', ',', '\'', '*'])).then_some(origin)
}

pub fn router(tiles: Option<&beffroi_domain::api::TileSource>) -> Router<AppState> {
    use axum::http::HeaderValue;
    use tower_http::set_header::SetResponseHeaderLayer;
    let csp = HeaderValue::from_str(&csp(tiles)).unwrap_or(HeaderValue::from_static(CSP));
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
            csp,
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

#[cfg(test)]
mod tests {
    use beffroi_domain::api::TileSource;

    use super::*;

    #[test]
    fn the_console_may_show_images_from_the_tile_server_only_when_there_is_one() {
        assert_eq!(csp(None), CSP);
        let tiles = TileSource::new("https://tiles.example.fr:8443/osm/{z}/{x}/{y}.png", "©", 19)
            .unwrap_or_else(|e| panic!("{e}"));
        let policy = csp(Some(&tiles));
        assert!(
            policy.contains("img-src 'self' data: blob: https://tiles.example.fr:8443;"),
            "{policy}"
        );
        assert!(policy.contains("connect-src 'self';"), "{policy}");
    }
}
