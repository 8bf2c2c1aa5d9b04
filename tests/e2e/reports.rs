//! Reports on the town hall's side: intake, idempotency, bad input, the
//! reporter's view with its secret.

use beffroi_server::photos::Home;
use beffroi_tests::{TownHall, get_text, town_hall};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub(crate) fn report(id: &str) -> Value {
    json!({
        "id": id,
        "category": "roads",
        "description": "Nid-de-poule dangereux devant le 12 avenue Jean Médecin",
        "location": {"position": {"lat": 43.7009, "lon": 7.2683}, "address": "12 avenue Jean Médecin, Nice"},
        "commune": "06088",
        "contact": {"name": "Marie", "email": "marie@example.org"},
        "lang": "fr",
        "answers": {"danger": "oui"}
    })
}

const ID: &str = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1d";

/// A client whose requests come from `ip` (any 127.x address is local).
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .unwrap()
}

pub(crate) async fn post(url: &str, body: &Value) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .post(url)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn a_report_is_stored_once_and_its_reporter_follows_it_with_the_secret() {
    let th = town_hall().await;
    let url = th.api("/reports");
    let (status, receipt) = post(&url, &report(ID)).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let secret = receipt["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);

    // The same submission again: the same answer, nothing new.
    let (status, again) = post(&url, &report(ID)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again, receipt);
    // Another report with the same id is refused.
    let mut other = report(ID);
    other["description"] = json!("Autre chose");
    let (status, err) = post(&url, &other).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");

    let view: Value = reqwest::get(th.api(&format!("/reports/{ID}?secret={secret}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["history"][0]["status"], "received");
    assert_eq!(view["commune"], "06088");
    assert!(
        view.get("contact").is_none(),
        "contact details stay private: {view}"
    );
    let wrong = reqwest::get(th.api(&format!("/reports/{ID}?secret={}", "0".repeat(64))))
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);

    let cats: Value = reqwest::get(th.api("/report-categories"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cats.as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn bad_reports_get_clear_errors_and_nothing_is_stored() {
    let th = town_hall().await;
    let url = th.api("/reports");
    let cases = [
        ("category", json!(null), "category"),
        ("category", json!("potholes"), "Catégorie inconnue"),
        ("description", json!("x".repeat(4001)), "4001 caractères"),
        (
            "location",
            json!({"position": {"lat": 95.0, "lon": 7.0}}),
            "n'est pas valide",
        ),
        ("commune", json!("99999"), "99999"),
        ("id", json!("not-a-uuid"), "n'est pas un UUID"),
    ];
    for (i, (field, value, needle)) in cases.into_iter().enumerate() {
        let mut body = report(&format!("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c{i:02}"));
        body[field] = value;
        let (status, err) = post(&url, &body).await;
        assert!(status.is_client_error(), "{field}: {status} {err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{field}: {message}");
        let view = reqwest::get(th.api(&format!(
            "/reports/01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c{i:02}?secret=x"
        )))
        .await
        .unwrap();
        assert_eq!(view.status(), StatusCode::NOT_FOUND);
    }
    let big = json!({"id": ID, "category": "roads", "description": "x".repeat(70_000),
        "location": {"address": "ici"}});
    let resp = reqwest::Client::new()
        .post(&url)
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_report_located_by_its_commune_only_is_taken_once_from_the_outbox_and_shown_right() {
    let mut th = town_hall().await;
    let url = th.api("/reports");
    let token = th.staff_token().await;
    let located_by = |commune: Value| {
        let mut body = report("");
        body["location"] = json!({});
        body["commune"] = commune;
        body
    };

    // No coordinates, no address, no commune: nothing says where.
    let mut body = located_by(json!(null));
    body["id"] = json!("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0d01");
    let (status, err) = post(&url, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let message = err["error"]["message"].as_str().expect("a message");
    assert!(message.contains("pas de lieu"), "{message}");
    // A commune code of another territory (well formed, not one of ours).
    body = located_by(json!("75056"));
    body["id"] = json!("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0d02");
    let (status, err) = post(&url, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let message = err["error"]["message"].as_str().expect("a message");
    assert!(
        message.contains("75056 ne fait pas partie du territoire"),
        "{message}"
    );
    let none: Value = th.staff_json("/admin/reports", &token).await;
    assert_eq!(none, json!([]), "nothing refused is stored");

    // The app's default: the home commune locates it. Filed on the device
    // while the server is away, delivered once when it is back.
    let r = beffroi_tests::resident(&th.url);
    r.client.sync().await.expect("the first sync");
    let mut report: beffroi_domain::report::NewReport =
        serde_json::from_value(located_by(json!("06088"))).expect("a report");
    // The device refuses a commune that is not the territory's, at once.
    report.commune = Some("75056".parse().expect("an INSEE code"));
    let refused = r.client.file_report(report.clone(), &[]);
    assert!(
        matches!(&refused, Err(beffroi_client::ClientError::InvalidReport(m)) if m.id == "client-commune-outside"),
        "{refused:?}"
    );
    report.commune = Some("06088".parse().expect("an INSEE code"));
    th.stop().await;
    let id = r.client.file_report(report, &[]).expect("queued");
    assert!(r.client.sync().await.is_err(), "offline");
    let filed = r.client.filed_reports().expect("the outbox");
    assert_eq!(filed.len(), 1);
    assert_eq!(filed[0].state, beffroi_client::reports::OutboxState::Queued);
    th.restart().await;
    let token = th.staff_token().await;
    r.client.sync().await.expect("a sync");
    r.client.sync().await.expect("another sync");
    let filed = r.client.filed_reports().expect("the outbox");
    assert_eq!(filed[0].state, beffroi_client::reports::OutboxState::Sent);
    let view = filed[0].view.as_ref().expect("the reporter's view");
    assert_eq!(view.commune.as_ref().map(|c| c.as_str()), Some("06088"));
    assert_eq!(view.location, Default::default());

    // Staff see it once, with its commune, and filter by it.
    let triage: Value = th.staff_json("/admin/reports?commune=06088", &token).await;
    let ids: Vec<&str> = triage
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["report"]["id"].as_str())
        .collect();
    assert_eq!(ids, [id.as_str()], "exactly once");
    assert_eq!(
        triage[0]["report"]["location"],
        json!({"position": null, "address": null})
    );
    assert_eq!(triage[0]["report"]["contact"]["name"], "Marie");
}

#[tokio::test]
async fn staff_triage_and_change_statuses_and_the_reporter_sees_them() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let url = th.api("/reports");
    let first = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c01";
    let second = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c02";
    let (_, receipt) = post(&url, &report(first)).await;
    let secret = receipt["secret"].as_str().unwrap().to_owned();
    let mut other = report(second);
    other["category"] = json!("lighting");
    other["commune"] = json!("06027");
    post(&url, &other).await;

    let list = |query: &'static str| {
        let th = &th;
        let token = token.clone();
        async move {
            let v: Value = th
                .staff_json(&format!("/admin/reports{query}"), &token)
                .await;
            v.as_array()
                .unwrap()
                .iter()
                .map(|r| r["report"]["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("").await, [second, first], "newest first");
    assert_eq!(list("?sort=oldest").await, [first, second]);
    assert_eq!(list("?commune=06027").await, [second]);
    assert_eq!(list("?category=roads").await, [first]);
    assert_eq!(
        list("?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z")
            .await
            .len(),
        0
    );

    let change = |id: &str, body: Value| {
        th.staff(
            reqwest::Method::POST,
            &format!("/admin/reports/{id}/status"),
            &token,
        )
        .json(&body)
        .send()
    };
    let resp = change(
        first,
        json!({"status": "planned", "message": "Intervention prévue jeudi."}),
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = change(second, json!({"status": "duplicate", "of": first}))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = change(second, json!({"status": "duplicate", "of": "nope"}))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert_eq!(list("?status=closed").await, [second]);
    assert_eq!(list("?status=open").await, [first]);

    let staff: Value = th
        .staff_json(&format!("/admin/reports/{first}"), &token)
        .await;
    assert_eq!(
        staff["report"]["contact"]["name"], "Marie",
        "staff see the contact"
    );

    let view: Value = reqwest::get(th.api(&format!("/reports/{first}?secret={secret}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let history = view["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["status"], "planned");
    assert_eq!(history[1]["message"], "Intervention prévue jeudi.");
}

#[tokio::test]
async fn a_flooding_address_is_refused_and_the_others_are_not() {
    let th = beffroi_tests::town_hall_with(|s| {
        s.report_burst = 3;
        s.report_interval = std::time::Duration::from_secs(60);
    })
    .await;
    let url = th.api("/reports");
    let (flood, other) = (client_from([127, 0, 0, 1]), client_from([127, 0, 0, 2]));
    let send = |client: &reqwest::Client, i: u32| {
        client
            .post(&url)
            .json(&report(&format!("01932c07-8f3a-7b2e-9c1d-2f4e6a8b{i:04}")))
            .send()
    };
    for i in 0..3 {
        assert_eq!(send(&flood, i).await.unwrap().status(), StatusCode::CREATED);
    }
    let refused = send(&flood, 3).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert_eq!(send(&other, 4).await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_photo_with_gps_exif_arrives_with_no_metadata_and_only_staff_see_it() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let jpeg = include_bytes!("../fixtures/photo-with-gps.jpg");
    assert!(
        jpeg.windows(4).any(|w| w == b"Exif"),
        "the fixture carries EXIF"
    );
    let http = reqwest::Client::new();
    let (status, receipt) = send_with_photos(&th, &http, &report(ID), &[jpeg.to_vec()]).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");

    let names: Value = th
        .staff_json(&format!("/admin/reports/{ID}/photos"), &token)
        .await;
    assert_eq!(names, json!(["1.jpg"]));
    let stored = th
        .staff(
            reqwest::Method::GET,
            &format!("/admin/reports/{ID}/photos/1.jpg"),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stored.headers()["content-type"], "image/jpeg");
    let stored = stored.bytes().await.unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]), "still a JPEG");
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "no EXIF at all");
    assert!(stored.len() < jpeg.len());
    let anonymous = reqwest::get(th.api(&format!("/admin/reports/{ID}/photos/1.jpg")))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // Not an image, too large: refused, and nothing of the report is stored.
    let other = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c99";
    let not_a_photo = b"#!/bin/sh\necho not a photo\n".to_vec();
    let (status, _) = send_with_photos(&th, &http, &report(other), &[not_a_photo]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut big = vec![0xFF, 0xD8, 0xFF];
    big.resize(9 * 1024 * 1024, 0);
    let (status, _) = send_with_photos(&th, &http, &report(other), &[big]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (_, list) = {
        let r = th
            .staff(
                reqwest::Method::GET,
                &format!("/admin/reports/{other}"),
                &token,
            )
            .send()
            .await
            .unwrap();
        (r.status(), r.status())
    };
    assert_eq!(list, StatusCode::NOT_FOUND, "nothing half-stored");
}

#[tokio::test]
async fn a_status_change_reaches_the_reporter_over_the_live_stream_and_only_them() {
    use std::sync::Arc;
    use std::time::Duration;
    let th = town_hall().await;
    let token = th.staff_token().await;
    let r = beffroi_tests::resident(&th.url);
    let recorder = Arc::new(beffroi_tests::Recorder::default());
    r.client.set_notifier(recorder.clone());
    let mut report: beffroi_domain::report::NewReport = serde_json::from_value(report("")).unwrap();
    report.id = String::new();
    let id = r.client.file_report(report, &[]).unwrap();
    r.client.sync().await.unwrap();
    let client = Arc::new(r.client);

    // Someone else listening on the stream with a wrong secret for this report.
    let mut other = reqwest::Client::new()
        .get(th.api("/alerts/stream"))
        .header("beffroi-reports", format!("{id}:{}", "0".repeat(64)))
        .send()
        .await
        .unwrap();

    let seen: Arc<std::sync::Mutex<Vec<usize>>> = Arc::default();
    let online = Arc::new(tokio::sync::Notify::new());
    let listener = tokio::spawn({
        let (client, seen, online) = (client.clone(), seen.clone(), online.clone());
        async move {
            client
                .listen(
                    |_| {},
                    move |up| {
                        if up {
                            online.notify_one();
                        }
                    },
                    move |filed| {
                        let len = filed[0].view.as_ref().map_or(0, |v| v.history.len());
                        seen.lock().unwrap().push(len);
                    },
                    |_| {},
                )
                .await
        }
    });
    tokio::time::timeout(Duration::from_secs(10), online.notified())
        .await
        .unwrap();

    let t = std::time::Instant::now();
    let resp = th
        .staff(
            reqwest::Method::POST,
            &format!("/admin/reports/{id}/status"),
            &token,
        )
        .json(&json!({"status": "in_progress", "message": "Équipe en route."}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    tokio::time::timeout(Duration::from_secs(5), async {
        while seen.lock().unwrap().last() != Some(&2) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no live status: {:?}", seen.lock().unwrap()));
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(
        recorder.summaries(),
        ["Votre signalement : en cours de traitement"]
    );
    listener.abort();

    // The stream with the wrong secret got heartbeats at most, never the event:
    // an alert published afterwards is the first event it sees.
    let alert = json!({
        "status": "actual", "category": "health", "event": "Essai", "event_code": "essai",
        "urgency": "expected", "severity": "minor", "certainty": "likely",
        "texts": [{"lang": "fr", "headline": "Essai", "description": "Essai."}],
        "area": {"kind": "territory"}, "expires": "2030-01-01T00:00:00Z",
    });
    let draft: Value = th
        .staff(reqwest::Method::POST, "/admin/alerts", &token)
        .json(&alert)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resp = th
        .staff(
            reqwest::Method::POST,
            &format!("/admin/alerts/{}/publish", draft["id"].as_str().unwrap()),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    let got = beffroi_tests::read_stream_until(&mut other, "event: alert").await;
    assert!(!got.contains("event: report"), "{got}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit_and_links_use_the_public_url() {
    let th = beffroi_tests::town_hall_with(|s| {
        s.report_burst = 1;
        s.report_interval = std::time::Duration::from_secs(60);
        s.trusted_proxies = vec![std::net::IpAddr::from([127, 0, 0, 1])];
        s.public_url = Some("https://beffroi.example.fr".into());
    })
    .await;
    let url = th.api("/reports");
    let (proxy, direct) = (client_from([127, 0, 0, 1]), client_from([127, 0, 0, 2]));
    let mut n = 0;
    let mut send = |client: &reqwest::Client, forwarded: &str| {
        n += 1;
        client
            .post(&url)
            .header("x-forwarded-for", forwarded)
            .json(&report(&format!("01932c07-8f3a-7b2e-9c1d-2f4e6a8c{n:04}")))
            .send()
    };
    let (created, refused) = (StatusCode::CREATED, StatusCode::TOO_MANY_REQUESTS);
    for (client, forwarded, expected) in [
        // Through the proxy: one budget per client it forwards for.
        (&proxy, "203.0.113.1", created),
        (&proxy, "203.0.113.1", refused),
        (&proxy, "203.0.113.2", created),
        // Anyone else cannot pick a budget by writing the header.
        (&direct, "198.51.100.1", created),
        (&direct, "198.51.100.2", refused),
    ] {
        let status = send(client, forwarded).await.unwrap().status();
        assert_eq!(status, expected, "{forwarded}");
    }

    let discovery = get_text(&format!("{}/open311/v2/discovery.json", th.url)).await;
    assert!(
        discovery.contains("https://beffroi.example.fr/open311/v2"),
        "{discovery}"
    );
}

/// Posts a report with photos as multipart, from `client`.
pub(crate) async fn send_with_photos(
    th: &beffroi_tests::TownHall,
    client: &reqwest::Client,
    report: &Value,
    photos: &[Vec<u8>],
) -> (StatusCode, Value) {
    let json = serde_json::to_vec(report).unwrap();
    let mut parts: Vec<(&str, &str, &[u8])> = vec![("report", "application/json", &json)];
    parts.extend(photos.iter().map(|p| ("photo", "image/jpeg", p.as_slice())));
    let (content_type, body) = beffroi_client::api::multipart_body(&parts);
    let resp = client
        .post(th.api("/reports"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Every file under `dir`, relative to it.
pub(crate) fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// The photos the server keeps, as `report/name`, wherever it keeps them:
/// as files in its data directory (SQLite), with no other file there; or in
/// the database (PostgreSQL), with no file at all.
async fn photos_kept(th: &TownHall) -> Vec<String> {
    let blobs = th.state.photos.blobs();
    let mut kept = Vec::new();
    for report in blobs.reports_with_photos().await.unwrap() {
        for name in blobs.photo_names(&report).await.unwrap() {
            kept.push(format!("{report}/{name}"));
        }
    }
    kept.sort();
    let on_disk = files_under(&th.data_dir().join("server/photos"));
    match th.state.photos {
        Home::Files(_) => assert_eq!(on_disk, kept),
        Home::Database(_) => assert!(on_disk.is_empty(), "{on_disk:?}"),
    }
    kept
}

#[tokio::test]
async fn nobody_else_can_change_a_reports_photos_and_refusals_leave_no_file() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let photo = include_bytes!("../fixtures/photo-with-gps.jpg").to_vec();
    // Another valid JPEG: one byte of the picture changed.
    let mut other_photo = photo.clone();
    let at = other_photo.len() - 40;
    other_photo[at] = if other_photo[at] == 0x10 { 0x11 } else { 0x10 };

    let victim = client_from([127, 0, 0, 21]);
    let (status, _) =
        send_with_photos(&th, &victim, &report(ID), std::slice::from_ref(&photo)).await;
    assert_eq!(status, StatusCode::CREATED);
    let stored = || async {
        th.staff(
            reqwest::Method::GET,
            &format!("/admin/reports/{ID}/photos/1.jpg"),
            &token,
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
    };
    let before = stored().await;

    // Someone who read the id (Open311 lists ids) sends it again with their
    // own photo: refused, and the report's photo is the reporter's still.
    let attacker = client_from([127, 0, 0, 22]);
    let (status, err) = send_with_photos(&th, &attacker, &report(ID), &[other_photo.clone()]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(stored().await, before);
    // More refusals: another id with junk, too large, too many.
    let other = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c77";
    let mut big = vec![0xFF, 0xD8, 0xFF];
    big.resize(9 * 1024 * 1024, 0);
    for (photos, expect) in [
        (
            vec![b"not a photo".to_vec()],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (vec![big], StatusCode::PAYLOAD_TOO_LARGE),
        (vec![photo.clone(); 6], StatusCode::UNPROCESSABLE_ENTITY),
        (
            vec![photo[..photo.len() / 2].to_vec()],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, err) = send_with_photos(&th, &attacker, &report(other), &photos).await;
        assert_eq!(status, expect, "{err}");
    }
    // The reporter's device sends it again (its answer was lost): the same
    // receipt, the same photo.
    let (status, _) =
        send_with_photos(&th, &victim, &report(ID), std::slice::from_ref(&photo)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored().await, before);
    // Nothing else kept: no half-received, refused or orphan photo.
    assert_eq!(photos_kept(&th).await, [format!("{ID}/1.jpg")]);
}

#[tokio::test]
async fn photos_past_what_is_held_in_memory_arrive_whole_and_leave_nothing_behind() {
    // Two real phone photos (2.8 MB): the second goes through the disk.
    let th = town_hall().await;
    let token = th.staff_token().await;
    let photos = [
        include_bytes!("../fixtures/photos/iphone-6-gps.jpg").to_vec(),
        include_bytes!("../fixtures/photos/jolla-xmp.jpg").to_vec(),
    ];
    let device = client_from([127, 0, 0, 23]);
    let (status, err) = send_with_photos(&th, &device, &report(ID), &photos).await;
    assert_eq!(status, StatusCode::CREATED, "{err}");
    for (n, raw) in photos.iter().enumerate() {
        let stored = th
            .staff(
                reqwest::Method::GET,
                &format!("/admin/reports/{ID}/photos/{}.jpg", n + 1),
                &token,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(stored.status(), StatusCode::OK);
        let stored = stored.bytes().await.unwrap();
        assert!(stored.ends_with(&[0xFF, 0xD9]), "photo {} whole", n + 1);
        assert!(
            stored.len() > raw.len() / 2,
            "photo {}: {} bytes",
            n + 1,
            stored.len()
        );
    }
    // Sent again (a lost answer): the same photos, nothing else on disk.
    let (status, _) = send_with_photos(&th, &device, &report(ID), &photos).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        photos_kept(&th).await,
        [format!("{ID}/1.jpg"), format!("{ID}/2.jpg")]
    );
}

#[tokio::test]
async fn the_staff_photo_list_names_no_file_outside_a_reports_photos() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    // What a traversal would reach: the keys of a server alone (one on
    // PostgreSQL keeps them in the database: a file stands in for them).
    let keys = th.data_dir().join("server/keys");
    if !keys.is_dir() {
        std::fs::create_dir_all(&keys).unwrap();
        std::fs::write(keys.join("report.secret"), "secret").unwrap();
    }
    for id in ["..%2Fkeys", "..%2F..%2Fserver%2Fkeys", "%2Fetc", ".."] {
        let resp = th
            .staff(
                reqwest::Method::GET,
                &format!("/admin/reports/{id}/photos"),
                &token,
            )
            .send()
            .await
            .unwrap();
        let body = resp.text().await.unwrap();
        assert!(body == "[]" || body.contains("not_found"), "{id}: {body}");
    }
}

#[tokio::test]
async fn another_website_cannot_make_its_visitors_file_reports() {
    let th = town_hall().await;
    let post_from = |origin: &str, id: &str| {
        reqwest::Client::new()
            .post(th.api("/reports"))
            .header("origin", origin)
            .json(&report(id))
            .send()
    };
    let resp = post_from("https://evil.example", ID).await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let err: Value = resp.json().await.unwrap();
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("evil.example")
    );
    // The town hall's own pages may.
    let resp = post_from(&th.url, ID).await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_report_located_by_coordinates_gets_its_commune_from_the_outlines() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let url = th.api("/reports");
    // Place Masséna (Nice), and the beach below the Opéra (just outside the
    // simplified outline: the nearest commune, within 500 m).
    for (id, lat, lon) in [
        ("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0e01", 43.6971, 7.2706),
        ("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0e02", 43.6935, 7.272),
    ] {
        let mut body = report(id);
        body.as_object_mut().unwrap().remove("commune");
        body["location"] = json!({"position": {"lat": lat, "lon": lon}});
        let (status, receipt) = post(&url, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        let stored: Value = th.staff_json(&format!("/admin/reports/{id}"), &token).await;
        assert_eq!(stored["report"]["commune"], "06088", "{stored}");
        // The same submission again is the same report (compared as sent).
        let (again, _) = post(&url, &body).await;
        assert_eq!(again, StatusCode::OK);
    }
    // Out at sea, and in Monaco: outside the territory, refused by name in
    // the resident's language, and nothing stored.
    for (id, lat, lon) in [
        ("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0e03", 43.60, 7.30),
        ("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0e04", 43.7384, 7.4246),
    ] {
        let mut body = report(id);
        body.as_object_mut().unwrap().remove("commune");
        body["location"] = json!({"position": {"lat": lat, "lon": lon}});
        let resp = reqwest::Client::new()
            .post(&url)
            .header("accept-language", "it")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["code"], "outside_territory", "{err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains("fuori dal territorio"), "{message}");
        let (status, _) = th
            .staff(Method::GET, &format!("/admin/reports/{id}"), &token)
            .send()
            .await
            .map(|r| (r.status(), ()))
            .unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // The triage list filters by the commune found.
    let nice: Value = th.staff_json("/admin/reports?commune=06088", &token).await;
    assert_eq!(nice.as_array().unwrap().len(), 2, "{nice}");
}

#[tokio::test]
async fn open_reports_within_50_m_of_the_same_category_are_shown_before_filing_another() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let url = th.api("/reports");
    // Three potholes around 12 avenue Jean Médecin (the first one), one 30 m
    // north, one 200 m away; a lighting report at the same spot.
    let here = (43.7009, 7.2683);
    for (id, category, lat, description) in [
        (
            "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0f01",
            "roads",
            here.0,
            "Nid-de-poule devant le 12",
        ),
        (
            "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0f02",
            "roads",
            here.0 + 0.00027,
            "Nid-de-poule devant le 16",
        ),
        (
            "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0f03",
            "roads",
            here.0 + 0.0018,
            "Nid-de-poule place Garibaldi",
        ),
        (
            "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0f04",
            "lighting",
            here.0,
            "Lampadaire éteint",
        ),
    ] {
        let mut body = report(id);
        body["category"] = json!(category);
        body["description"] = json!(description);
        body["location"] = json!({"position": {"lat": lat, "lon": here.1}});
        if category != "roads" {
            body["answers"] = json!({});
        }
        let (status, receipt) = post(&url, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
    }
    let nearby = |category: &str| {
        let url = th.api(&format!(
            "/reports/nearby?category={category}&lat={}&lon={}",
            here.0, here.1
        ));
        async move { reqwest::get(url).await.unwrap() }
    };
    let found: Value = nearby("roads").await.json().await.unwrap();
    let descriptions: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        descriptions,
        ["Nid-de-poule devant le 16", "Nid-de-poule devant le 12"],
        "the newest first, none farther than 50 m, no other category"
    );
    // What the public may see: no position, no contact.
    assert!(
        found[0].get("location").is_none() && found[0].get("contact").is_none(),
        "{found}"
    );
    // Fixed, it is not suggested any more.
    let (status, _) = th
        .staff(
            Method::POST,
            "/admin/reports/01932c07-8f3a-7b2e-9c1d-2f4e6a8b0f02/status",
            &token,
        )
        .json(&json!({"status": "fixed", "message": "Rebouché"}))
        .send()
        .await
        .map(|r| (r.status(), ()))
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    let found: Value = nearby("roads").await.json().await.unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    // A private category says nothing; a bad point is refused.
    let private: Value = nearby("mutual-aid").await.json().await.unwrap();
    assert_eq!(private, json!([]));
    let bad = reqwest::get(th.api("/reports/nearby?category=roads&lat=91&lon=7"))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_field_agents_report_is_marked_as_theirs_and_no_one_else_can_claim_to_be_staff() {
    let th = beffroi_tests::town_hall_with(|s| {
        s.report_burst = 1;
        s.report_interval = std::time::Duration::from_secs(60);
        s.staff_report_burst = 3;
        s.staff_report_interval = std::time::Duration::from_secs(60);
    })
    .await;
    let token = th.staff_token().await;
    let url = th.api("/reports");
    let one_tap = |i: u32| {
        json!({
            "id": format!("01932c07-8f3a-7b2e-9c1d-2f4e6a8c{i:04}"),
            "category": "cleanliness",
            "description": "Dépôt sauvage",
            "location": {"position": {"lat": 43.6961, "lon": 7.2718}},
            "lang": "fr",
            "answers": {}
        })
    };
    // An agent files several in a row from one address: no per-address limit.
    for i in 0..3 {
        let resp = reqwest::Client::new()
            .post(&url)
            .bearer_auth(&token)
            .json(&one_tap(i))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED, "{i}");
    }
    // …within a limit of their own (a stolen or looping token floods nothing).
    let resp = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&token)
        .json(&one_tap(3))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let filed = th
        .staff_json(
            &format!("/admin/reports/{}", one_tap(0)["id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert_eq!(filed["report"]["filed_by"], "demo");
    assert_eq!(
        filed["report"]["location"]["position"],
        json!({"lat": 43.6961, "lon": 7.2718}),
        "delivered with its position"
    );
    assert_eq!(
        filed["report"]["commune"], "06088",
        "located by the outlines"
    );

    // A resident cannot claim to be staff: the field is the server's.
    let mut claim = one_tap(10);
    claim["filed_by"] = json!("demo");
    // (Each anonymous try below from its own address: one report each.)
    let resp = client_from([127, 0, 0, 2])
        .post(&url)
        .json(&claim)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let stored = th
        .staff_json(
            &format!("/admin/reports/{}", claim["id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert!(stored["report"].get("filed_by").is_none(), "{stored}");
    // A sign-in that is not (any more) valid is refused, not taken for a resident's.
    let resp = client_from([127, 0, 0, 3])
        .post(&url)
        .bearer_auth("not-a-token")
        .json(&one_tap(11))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let missing = th
        .staff(
            Method::GET,
            &format!("/admin/reports/{}", one_tap(11)["id"].as_str().unwrap()),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND, "nothing stored");
    // A spoof through a form with photos is dropped too.
    let mut form_claim = one_tap(12);
    form_claim["filed_by"] = json!("demo");
    let (status, _) = send_with_photos(&th, &client_from([127, 0, 0, 4]), &form_claim, &[]).await;
    assert_eq!(status, StatusCode::CREATED);
    let stored = th
        .staff_json(
            &format!("/admin/reports/{}", form_claim["id"].as_str().unwrap()),
            &token,
        )
        .await;
    assert!(stored["report"].get("filed_by").is_none(), "{stored}");
    // Another scheme (a proxy's Basic) is no sign-in: a resident's report.
    let resp = client_from([127, 0, 0, 5])
        .post(&url)
        .basic_auth("staging", Some("secret"))
        .json(&one_tap(13))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    // Nor does a public view name the agent.
    let public = reqwest::get(format!("{}/open311/v2/requests.json", th.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!public.contains("demo"), "{public}");
}
