//! The alerts for some communes as the web app reads them
//! (`GET /api/v1/alerts/threads`): the threads that reach those communes
//! (named, the whole territory, or through a drawn shape), read with the
//! same rules as the desktop app, each with its messages as signed.

use beffroi_domain::alert::{AlertState, MsgType, PublicKey, signing};
use beffroi_domain::thread::SignedThread;
use beffroi_tests::{get_json, town_hall};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::alerts::{call, cancel, draft, publish, thread_of};

async fn threads(url: &str) -> (StatusCode, serde_json::Value) {
    let resp = reqwest::get(url).await.unwrap();
    (resp.status(), resp.json().await.unwrap())
}

#[tokio::test]
async fn the_web_app_gets_the_threads_of_its_communes_signed_and_read_as_the_app_reads_them() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let nice = publish(
        &th,
        &token,
        &draft("Plages fermées à Nice", Some(&["06088"])),
    )
    .await;
    publish(&th, &token, &draft("Route coupée à Èze", Some(&["06059"]))).await;
    publish(&th, &token, &draft("Canicule sur la métropole", None)).await;
    // A square around Place Masséna reaches Nice without naming it.
    let mut shaped = draft("Fuite de gaz place Masséna", Some(&[]));
    shaped["area"]["polygons"] = json!([{"points": [
        {"lat": 43.692, "lon": 7.264}, {"lat": 43.702, "lon": 7.264},
        {"lat": 43.702, "lon": 7.277}, {"lat": 43.692, "lon": 7.277},
        {"lat": 43.692, "lon": 7.264}]}]);
    publish(&th, &token, &shaped).await;
    // Updated, then cancelled: one thread of three messages.
    let (status, body) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{nice}/update"),
        &token,
        Some(&draft(
            "Plages fermées à Nice jusqu'à lundi",
            Some(&["06088"]),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    cancel(&th, &token, &nice).await;
    let nice_thread = thread_of(&th, &token, &nice).await;

    let (status, body) = threads(&th.api("/alerts/threads?communes=06088")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list: Vec<SignedThread> = serde_json::from_value(body).unwrap();
    let headlines: Vec<&str> = list
        .iter()
        .map(|t| t.alert.message.body.texts[0].headline.as_str())
        .collect();
    // The alerts in force first, newest first, then those over; Èze's
    // alert is not Nice's.
    assert_eq!(
        headlines,
        [
            "Fuite de gaz place Masséna",
            "Canicule sur la métropole",
            "Plages fermées à Nice jusqu'à lundi",
        ]
    );
    let keys: Vec<PublicKey> = serde_json::from_value(get_json(&th.api("/keys")).await).unwrap();
    let cancelled = &list[2];
    assert_eq!(cancelled.alert.thread, nice_thread);
    assert_eq!(cancelled.alert.state, AlertState::Cancelled);
    assert!(cancelled.alert.all_clear);
    let types: Vec<MsgType> = cancelled.alert.history.iter().map(|h| h.msg_type).collect();
    assert_eq!(types, [MsgType::Alert, MsgType::Update, MsgType::Cancel]);
    // Each message as signed, in the history's order, verifying with the
    // town hall's key; the text shown is the update's (a cancellation keeps it).
    for t in &list {
        assert_eq!(t.signed.len(), t.alert.history.len());
        for (signed, h) in t.signed.iter().zip(&t.alert.history) {
            let message = signing::verify(signed, &keys).unwrap();
            assert_eq!(message.identifier, h.identifier);
        }
    }
    assert_eq!(cancelled.alert.message.msg_type, MsgType::Update);
    assert!(
        list[..2]
            .iter()
            .all(|t| t.alert.state == AlertState::Active)
    );

    // Several communes at once; Èze's alert for Èze.
    let (_, body) = threads(&th.api("/alerts/threads?communes=06059,%2006088")).await;
    assert_eq!(body.as_array().unwrap().len(), 4, "{body}");
}

#[tokio::test]
async fn bad_commune_lists_get_a_clear_error_in_the_readers_language() {
    let th = town_hall().await;
    let client = reqwest::Client::new();
    let many = (0..101)
        .map(|i| format!("06{i:03}"))
        .collect::<Vec<_>>()
        .join(",");
    for (query, status, fr) in [
        (
            "",
            StatusCode::BAD_REQUEST,
            "Choisissez de 1 à 100 communes.",
        ),
        (
            "communes=",
            StatusCode::BAD_REQUEST,
            "Choisissez de 1 à 100 communes.",
        ),
        (
            &format!("communes={many}") as &str,
            StatusCode::BAD_REQUEST,
            "Choisissez de 1 à 100 communes.",
        ),
        (
            "communes=75056",
            StatusCode::UNPROCESSABLE_ENTITY,
            "La commune 75056 ne fait pas partie du territoire.",
        ),
    ] {
        let resp = client
            .get(th.api(&format!("/alerts/threads?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), status, "{query}");
        let body: serde_json::Value = resp.json().await.unwrap();
        if !query.is_empty() {
            assert_eq!(body["error"]["message"], fr, "{query}");
        }
    }
    let resp = client
        .get(th.api("/alerts/threads?communes=pas-un-code"))
        .header("accept-language", "it")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_web_app_is_served_at_the_root_installable_and_under_a_strict_policy() {
    let th = town_hall().await;
    let client = reqwest::Client::new();
    let page = client.get(format!("{}/", th.url)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"<link rel="manifest" href="/manifest.webmanifest""#),
        "{html}"
    );
    let manifest = client
        .get(format!("{}/manifest.webmanifest", th.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        manifest.headers()["content-type"],
        "application/manifest+json"
    );
    let sw = client
        .get(format!("{}/sw.js", th.url))
        .send()
        .await
        .unwrap();
    assert_eq!(sw.status(), StatusCode::OK);
    assert_eq!(sw.headers()["content-type"], "text/javascript");
    assert_eq!(sw.headers()["cache-control"], "no-cache");
    let missing = client
        .get(format!("{}/assets/nothing.js", th.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The console stays where it was.
    let console = client
        .get(format!("{}/console/", th.url))
        .send()
        .await
        .unwrap();
    assert_eq!(console.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_address_asking_without_pause_is_slowed_down_others_are_not() {
    let th = town_hall().await;
    let client = reqwest::Client::new();
    let url = th.api("/alerts/threads?communes=06088");
    let mut refused = None;
    // 300 at once are allowed (phones behind one carrier address), then 10 a second.
    for i in 0..400 {
        let resp = client.get(&url).send().await.unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            let body: serde_json::Value = resp.json().await.unwrap();
            refused = Some((i, body["error"]["message"].as_str().unwrap().to_owned()));
            break;
        }
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let (at, message) = refused.expect("slowed down");
    assert!(at >= 300, "refused after {at}");
    assert!(message.starts_with("Trop de"), "{message}");
}

#[tokio::test]
async fn the_communes_a_device_has_already_cost_it_a_few_bytes() {
    let th = town_hall().await;
    let client = reqwest::Client::new();
    let first = client
        .get(th.api("/communes?since=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let body: serde_json::Value = first.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 51);
    // Asked again with what it has: 304 and no body.
    let again = client
        .get(th.api("/communes?since=0"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
    // Another page is another answer.
    let other = client
        .get(th.api("/communes?since=0&limit=1"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::OK);
    assert_ne!(other.headers()["etag"].to_str().unwrap(), etag);
}
