//! The `tiles:` scheme: the maps' base tiles, fetched by the core.
//!
//! The window's policy lets images come from the app only, so a map asks
//! `tiles://localhost/{z}/{x}/{y}` (`http://tiles.localhost/…` where the
//! webview spells custom schemes so), and the core fetches that tile from
//! the town hall's tile server (`beffroi_client::Client::tile`). The maps ask
//! only while online, and only when the town hall chose a base map.

use tauri::http::{Response, StatusCode, header};
use tauri::{AppHandle, Manager, Runtime};

use crate::AppState;

/// The scheme's name, as the UI spells it too (`ui/src/app/tiles.svelte.ts`).
pub const SCHEME: &str = "tiles";

/// `/{z}/{x}/{y}`, in range of the types (the core checks the rest).
fn coordinates(path: &str) -> Option<(u8, u32, u32)> {
    let mut parts = path.trim_start_matches('/').split('/');
    let z = parts.next()?.parse().ok()?;
    let x = parts.next()?.parse().ok()?;
    let y = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((z, x, y))
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut r = Response::new(Vec::new());
    *r.status_mut() = code;
    r
}

/// The answer to a tile request.
pub async fn answer<R: Runtime>(app: &AppHandle<R>, path: &str) -> Response<Vec<u8>> {
    let Some((z, x, y)) = coordinates(path) else {
        return status(StatusCode::BAD_REQUEST);
    };
    let Some(state) = app.try_state::<AppState>() else {
        return status(StatusCode::SERVICE_UNAVAILABLE);
    };
    match state.client.tile(z, x, y).await {
        Ok(Some(tile)) => {
            let mut r = Response::new(tile.bytes);
            if let Ok(v) = header::HeaderValue::from_str(&tile.content_type) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static("max-age=86400"),
            );
            r
        }
        Ok(None) => status(StatusCode::NOT_FOUND),
        Err(e) => {
            tracing::debug!(z, x, y, error = %e, "tile not fetched");
            status(StatusCode::BAD_GATEWAY)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::coordinates;

    #[test]
    fn a_tile_path_is_three_numbers() {
        assert_eq!(coordinates("/12/2130/1490"), Some((12, 2130, 1490)));
        assert_eq!(coordinates("12/2130/1490"), Some((12, 2130, 1490)));
        for bad in [
            "/",
            "/12/2130",
            "/12/2130/1490/x",
            "/300/0/0",
            "/a/b/c",
            "/1/-1/0",
        ] {
            assert_eq!(coordinates(bad), None, "{bad}");
        }
    }
}
