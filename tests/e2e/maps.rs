//! The town hall's base map (`--tiles-url`): announced to devices, fetched
//! by the device's core for its maps from the tile server named and nowhere
//! else, for tiles that exist only; without it, nothing is fetched.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use beffroi_domain::api::TileSource;
use beffroi_tests::{get_json, resident, town_hall, town_hall_with};
use serde_json::json;

/// The smallest PNG (1×1, transparent).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A tile server on loopback that counts what it is asked: PNG tiles under
/// `/osm/`, a web page under `/html/`, 2 MiB "tiles" under `/huge/`.
async fn tile_server() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let app =
        axum::Router::new().route(
            "/{set}/{z}/{x}/{y}",
            axum::routing::get(
                move |Path((set, z, x, y)): Path<(String, u8, u32, String)>| {
                    let counted = counted.clone();
                    async move {
                        counted.fetch_add(1, Ordering::SeqCst);
                        let _ = (z, x, y);
                        match set.as_str() {
                            "osm" => ([(header::CONTENT_TYPE, "image/png")], PNG.to_vec())
                                .into_response(),
                            "html" => {
                                ([(header::CONTENT_TYPE, "text/html")], "<p>hi</p>").into_response()
                            }
                            "svg" => ([(header::CONTENT_TYPE, "image/svg+xml")], "<svg/>")
                                .into_response(),
                            "moved" => {
                                axum::response::Redirect::temporary("/osm/1/0/0").into_response()
                            }
                            _ => ([(header::CONTENT_TYPE, "image/png")], vec![0u8; 2 << 20])
                                .into_response(),
                        }
                    }
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, hits)
}

#[tokio::test]
async fn a_device_fetches_the_town_halls_tiles_and_only_those() {
    let (tiles, hits) = tile_server().await;
    let source = TileSource::new(
        &format!("{tiles}/osm/{{z}}/{{x}}/{{y}}"),
        "© Contributeurs OSM",
        14,
    )
    .unwrap();
    let th = town_hall_with(|s| s.tiles = Some(source.clone())).await;
    assert_eq!(
        get_json(&th.api("/map")).await,
        json!({"tiles": {"url": source.url, "attribution": "© Contributeurs OSM", "max_zoom": 14}})
    );
    // The console may show them (its policy names the tile server).
    let console = reqwest::get(format!("{}/console/", th.url)).await.unwrap();
    let csp = console.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains(&format!("img-src 'self' data: blob: {tiles};")),
        "{csp}"
    );

    let device = resident(&th.url);
    // Before the first sync the device knows of no base map: nothing fetched.
    assert_eq!(device.client.tile(12, 2130, 1490).await.unwrap(), None);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    device.client.sync().await.unwrap();
    assert_eq!(device.client.map_settings().unwrap().tiles, Some(source));

    // Nice at zoom 12.
    let tile = device.client.tile(12, 2130, 1490).await.unwrap().unwrap();
    assert_eq!(tile.bytes, PNG);
    assert_eq!(tile.content_type, "image/png");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // Tiles that cannot exist are not asked for.
    for (z, x, y) in [(15, 0, 0), (3, 8, 0), (3, 0, 8), (255, 0, 0)] {
        assert_eq!(
            device.client.tile(z, x, y).await.unwrap(),
            None,
            "{z}/{x}/{y}"
        );
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_tile_server_answering_no_image_or_too_much_gives_no_tile() {
    let (tiles, hits) = tile_server().await;
    // A web page, 2 MiB, an SVG document, a redirect (not followed).
    for set in ["html", "huge", "svg", "moved"] {
        let source = TileSource::new(&format!("{tiles}/{set}/{{z}}/{{x}}/{{y}}"), "©", 19).unwrap();
        let th = town_hall_with(|s| s.tiles = Some(source)).await;
        let device = resident(&th.url);
        device.client.sync().await.unwrap();
        let err = device.client.tile(1, 0, 0).await.unwrap_err();
        assert!(err.to_string().contains("tile"), "{set}: {err}");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        4,
        "the redirect was not followed"
    );
}

#[tokio::test]
async fn without_a_base_map_nothing_is_fetched_from_anyone() {
    let th = town_hall().await;
    assert_eq!(get_json(&th.api("/map")).await, json!({"tiles": null}));
    let console = reqwest::get(format!("{}/console/", th.url)).await.unwrap();
    assert_eq!(
        console.headers()[header::CONTENT_SECURITY_POLICY],
        beffroi_server::console::CSP
    );
    let device = resident(&th.url);
    device.client.sync().await.unwrap();
    assert_eq!(device.client.map_settings().unwrap().tiles, None);
    assert_eq!(device.client.tile(0, 0, 0).await.unwrap(), None);
}
