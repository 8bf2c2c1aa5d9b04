//! `/metrics` as an operator's Prometheus scrapes it: on its own listener,
//! in the Prometheus text format, counting what the server did.

use beffroi_tests::{read_stream_until, town_hall};

use crate::alerts::{draft, publish};

/// Scrapes a server once through a metrics listener on a free loopback
/// port (what `--metrics-listen` serves); the text.
pub(crate) async fn scrape(state: &beffroi_server::AppState) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(beffroi_server::metrics::serve(state.clone(), listener));
    let resp = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = resp.text().await.unwrap();
    server.abort();
    text
}

/// The value of the sample `name` (with its labels, as written).
pub(crate) fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_streams_publications_and_reports_and_stay_off_the_public_port() {
    let th = town_hall().await;
    let before = scrape(&th.state).await;
    assert!(
        before.contains("# TYPE beffroi_live_streams gauge"),
        "{before}"
    );
    assert_eq!(sample(&before, "beffroi_live_streams"), 0.0);
    assert_eq!(
        sample(&before, "beffroi_alert_messages_published_total"),
        0.0
    );
    assert_eq!(sample(&before, "beffroi_database_up"), 1.0);

    let mut stream = reqwest::get(th.api("/alerts/stream")).await.unwrap();
    let token = th.staff_token().await;
    publish(&th, &token, &draft("Crue du Var", None)).await;
    read_stream_until(&mut stream, "Crue du Var").await;
    let report = serde_json::json!({
        "id": "5b2f1c9e-8d4a-4e7b-a1c3-9f0e2d6b4a18",
        "category": "roads",
        "description": "Route coupée",
        "location": {"address": "Route de Grenoble"},
        "commune": "06088"
    });
    for expected in [201, 200] {
        let sent = reqwest::Client::new()
            .post(th.api("/reports"))
            .json(&report)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), expected);
    }

    let after = scrape(&th.state).await;
    assert_eq!(sample(&after, "beffroi_live_streams"), 1.0);
    assert_eq!(
        sample(&after, "beffroi_alert_messages_published_total"),
        1.0
    );
    assert_eq!(
        sample(&after, "beffroi_alert_messages_announced_total"),
        1.0
    );
    assert_eq!(
        sample(&after, "beffroi_reports_received_total{outcome=\"New\"}"),
        1.0
    );
    assert_eq!(
        sample(&after, "beffroi_reports_received_total{outcome=\"Repeat\"}"),
        1.0
    );
    assert_eq!(sample(&after, "beffroi_bus_lag_messages"), 0.0);
    assert_eq!(sample(&after, "beffroi_leader"), 1.0, "alone, it leads");
    drop(stream);

    // Nothing of it on the port residents reach.
    let public = reqwest::get(format!("{}/metrics", th.url)).await.unwrap();
    assert_eq!(public.status(), 404);
}
