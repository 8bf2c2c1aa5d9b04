//! The town hall console (under `/console/`) and the resident web app (at
//! `/`): static single-page apps built from `ui/` by Vite and embedded in the
//! binary, so an operator deploys one file.
//!
//! The files are embedded in debug builds too (`debug-embed`), so debug and
//! release behave alike; cargo tracks them, so a UI rebuild rebuilds the server.
//! If the UI was not built before the server, each answers 503 with a
//! message saying how to build it.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use beffroi_domain::l10n::Msg;
use beffroi_domain::msg;

use crate::AppState;
use crate::error::ApiError;

#[derive(RustEmbed)]
// Relative to this crate's Cargo.toml.
#[folder = "../../ui/dist/console"]
#[allow_missing = true]
struct ConsoleAssets;

#[derive(RustEmbed)]
#[folder = "../../ui/dist/web"]
#[allow_missing = true]
struct WebAssets;

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
    let console = |path: &str| {
        asset::<ConsoleAssets>(path, "console_not_built", msg!("err-console-not-built"))
    };
    let web = |path: &str| asset::<WebAssets>(path, "web_not_built", msg!("err-web-not-built"));
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .route(
            "/console/",
            get(move || async move { console("index.html") }),
        )
        .route(
            "/console/{*path}",
            get(move |Path(path): Path<String>| async move { console(&path) }),
        )
        // The web app: its page, its service worker (whose scope is the
        // whole origin, so it is served from the root), manifest and assets.
        .route("/", get(move || async move { web("index.html") }))
        .route("/sw.js", get(move || async move { web("sw.js") }))
        .route(
            "/manifest.webmanifest",
            get(move || async move { web("manifest.webmanifest") }),
        )
        .route(
            "/icons/{*path}",
            get(move |Path(path): Path<String>| async move { web(&format!("icons/{path}")) }),
        )
        .route(
            "/assets/{*path}",
            get(move |Path(path): Path<String>| async move { web(&format!("assets/{path}")) }),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
}

fn asset<A: RustEmbed>(path: &str, code: &'static str, not_built: Msg) -> Response {
    if let Some(file) = A::get(path) {
        let mime = match path.rsplit('.').next() {
            Some("webmanifest") => "application/manifest+json".to_owned(),
            _ => file.metadata.mimetype().to_owned(),
        };
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
    if A::get("index.html").is_none() {
        return ApiError::Unavailable(code, not_built).into_response();
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
