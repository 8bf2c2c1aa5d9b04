//! The town hall's base map (`--tiles-url`), fetched for the app's maps.
//!
//! The app's webview may load images from itself only; its maps ask the core
//! for a tile (`tiles://localhost/{z}/{x}/{y}`), and the core fetches it from
//! the tile server the town hall named, and from nowhere else: the address
//! is built from the synced template, for tiles that exist only. The maps ask
//! only while the device is online; without a base map they ask nothing.

use std::time::Duration;

use crate::ClientError;

/// The largest tile accepted (a 256 px PNG is 5–50 KiB).
pub const MAX_TILE_BYTES: usize = 1024 * 1024;

/// One tile: an image and its media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// The HTTP client tiles are fetched with: short deadlines (a map waits for
/// them), the app's name as user agent (tile servers' policies ask for one).
pub(crate) fn http() -> Result<reqwest::Client, ClientError> {
    crate::api::builder()
        // The tile server named, and no other (a redirect could lead anywhere).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| ClientError::Protocol {
            server: "tiles".into(),
            detail: e.to_string(),
        })
}

/// Fetches `url`: `None` when the server has no such tile; an error when it
/// is unreachable or answers something that is not an image.
pub(crate) async fn fetch(http: &reqwest::Client, url: &str) -> Result<Option<Tile>, ClientError> {
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let offline = |e: reqwest::Error| ClientError::Offline {
        server: host.clone(),
        reason: e.to_string(),
    };
    let protocol = |detail: String| ClientError::Protocol {
        server: host.clone(),
        detail,
    };
    let mut resp = http.get(url).send().await.map_err(offline)?;
    if resp.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !resp.status().is_success() {
        return Err(protocol(format!("tile: status {}", resp.status())));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // Raster tiles only (an SVG is a document of its own).
    let raster = ["image/png", "image/jpeg", "image/webp"].iter().any(|t| {
        content_type
            .split(';')
            .next()
            .is_some_and(|c| c.trim() == *t)
    });
    if !raster {
        return Err(protocol(format!("tile: {content_type:?} is not an image")));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(offline)? {
        if bytes.len() + chunk.len() > MAX_TILE_BYTES {
            return Err(protocol(format!("tile: more than {MAX_TILE_BYTES} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(Tile {
        bytes,
        content_type,
    }))
}
