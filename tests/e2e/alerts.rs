//! Alerts on the town hall's side: compose, roles, publish, update, cancel,
//! audit; CAP in (hostile XML refused) and out (valid against the CAP 1.2
//! schema); signatures; catch-up and the live stream.

use std::time::Duration;

use std::sync::Arc;

use beffroi_domain::alert::{AlertMessage, AlertState, PublicKey, SignedAlert, signing};
use beffroi_domain::{Lang, Role};
use beffroi_tests::{
    Recorder, Resident, TownHall, get_json, get_text, read_stream_until, resident, town_hall,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cap");

pub(crate) fn draft(headline: &str, communes: Option<&[&str]>) -> Value {
    let area = match communes {
        Some(c) => json!({"kind": "communes", "communes": c}),
        None => json!({"kind": "territory"}),
    };
    json!({
        "status": "actual",
        "category": "health",
        "event": "Confinement",
        "event_code": "confinement",
        "urgency": "immediate",
        "severity": "severe",
        "certainty": "observed",
        "texts": [
            {"lang": "fr", "headline": headline, "description": "Restez chez vous.",
             "instruction": "Sortez seulement pour l'essentiel."},
            {"lang": "en", "headline": "Lockdown", "description": "Stay at home."}
        ],
        "area": area,
        "expires": "2030-01-01T00:00:00Z"
    })
}

async fn status_code(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// A staff request with an optional JSON body: its status and JSON answer.
pub(crate) async fn call(
    th: &TownHall,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    // No token: an anonymous request (a resident's), with no Authorization at all.
    let mut req = if token.is_empty() {
        reqwest::Client::new().request(method, th.api(path))
    } else {
        th.staff(method, path, token)
    };
    if let Some(body) = body {
        req = req.json(body);
    }
    status_code(req.send().await.unwrap()).await
}

/// Posts a CAP 1.2 document as a town hall's tool does.
pub(crate) async fn post_cap(th: &TownHall, token: &str, body: String) -> (StatusCode, Value) {
    let resp = th
        .staff(Method::POST, "/admin/alerts", token)
        .header("content-type", "application/cap+xml")
        .body(body)
        .send()
        .await
        .unwrap();
    status_code(resp).await
}

async fn signed_page(th: &TownHall, since: u64) -> Value {
    get_json(&th.api(&format!("/alerts?since={since}"))).await
}

/// Drafts as an editor and publishes as a publisher; returns the alert id.
pub(crate) async fn publish(th: &TownHall, token: &str, body: &Value) -> String {
    let (status, created) = call(th, Method::POST, "/admin/alerts", token, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, published) = call(
        th,
        Method::POST,
        &format!("/admin/alerts/{id}/publish"),
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    id
}

/// Cancels a published alert; the alert as the server answers it.
pub(crate) async fn cancel(th: &TownHall, token: &str, id: &str) -> Value {
    let (status, body) = call(
        th,
        Method::POST,
        &format!("/admin/alerts/{id}/cancel"),
        token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The thread (its first message's identifier) of a published alert.
pub(crate) async fn thread_of(th: &TownHall, token: &str, id: &str) -> String {
    let list = th.staff_json("/admin/alerts", token).await;
    let alert = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap();
    alert["thread"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn compose_publish_update_cancel_with_roles_signatures_and_audit() {
    let th = town_hall().await;
    let editor = th.staff_with_role("eve", Role::Editor).await;
    let publisher = th.staff_with_role("paul", Role::Publisher).await;

    // An editor drafts; the draft is not delivered.
    let (status, created) = call(
        &th,
        Method::POST,
        "/admin/alerts",
        &editor,
        Some(&draft("Confinement dès midi", Some(&["06088"]))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["state"], "draft");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        signed_page(&th, 0).await["items"].as_array().unwrap().len(),
        0
    );

    // The preview shows the notification in each language it has.
    let preview: Value = th
        .staff(Method::GET, &format!("/admin/alerts/{id}/preview"), &editor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(preview[0]["lang"], "fr");
    assert_eq!(preview[0]["summary"], "Confinement dès midi");
    assert_eq!(preview[0]["body"], "Sortez seulement pour l'essentiel.");
    // Severe, not extreme: a normal notification (only an extreme alert
    // may break through do-not-disturb).
    assert_eq!(preview[0]["urgency"], "normal");

    // An editor may not publish.
    let (status, err) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/publish"),
        &editor,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");

    // A publisher publishes; the message is signed by a published key.
    let (status, published) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/publish"),
        &publisher,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["state"], "active");
    let keys: Vec<PublicKey> = serde_json::from_value(get_json(&th.api("/keys")).await).unwrap();
    assert_eq!(keys.len(), 1);
    let page = signed_page(&th, 0).await;
    let first: SignedAlert = serde_json::from_value(page["items"][0].clone()).unwrap();
    let message = signing::verify(&first, &keys).unwrap();
    assert_eq!(message.body.texts[0].headline, "Confinement dès midi");
    assert_eq!(message.msg_type.cap(), "Alert");

    // Publishing twice, or editing what was sent, is refused.
    for (method, path) in [
        (Method::POST, format!("/admin/alerts/{id}/publish")),
        (Method::PUT, format!("/admin/alerts/{id}")),
    ] {
        let (status, err) = call(&th, method, &path, &publisher, Some(&draft("Autre", None))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{path}: {err}");
    }

    // An update references the first message; a cancellation both.
    let (status, updated) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/update"),
        &publisher,
        Some(&draft("Confinement prolongé", Some(&["06088", "06027"]))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    let (status, cancelled) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/cancel"),
        &publisher,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(cancelled["messages"].as_array().unwrap().len(), 3);

    let page = signed_page(&th, 0).await;
    let messages: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let s: SignedAlert = serde_json::from_value(i.clone()).unwrap();
            signing::verify(&s, &keys).unwrap()
        })
        .collect();
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].msg_type.cap(), "Update");
    assert_eq!(messages[1].references[0].identifier, messages[0].identifier);
    assert_eq!(messages[2].msg_type.cap(), "Cancel");
    assert_eq!(messages[2].references.len(), 2);
    assert!(
        messages
            .iter()
            .all(|m| m.thread() == messages[0].identifier)
    );

    // Paging: after the last cursor, nothing.
    let next = page["next_cursor"].as_u64().unwrap();
    assert_eq!(
        signed_page(&th, next).await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // The audit log says who did what.
    let audit: Value = th
        .staff(Method::GET, "/admin/audit", &editor)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lines: Vec<(String, String)> = audit
        .as_array()
        .unwrap()
        .iter()
        // (The demo's advice pages were written before: not this alert's.)
        .filter(|e| !e["action"].as_str().unwrap().starts_with("advice-"))
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("paul", "cancel"),
            ("paul", "update"),
            ("paul", "publish"),
            ("eve", "draft")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

#[tokio::test]
async fn bad_drafts_get_clear_errors_and_store_nothing() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let long = "x".repeat(161);
    let mut no_text = draft("x", None);
    no_text["texts"] = json!([]);
    for (body, needle) in [
        // In French: the request names no language (see
        // api::errors_are_said_in_the_language_the_request_asks_for).
        (draft(&long, None), "160 au plus"),
        (draft("Alerte", Some(&["99999"])), "99999"),
        (draft("Alerte", Some(&[])), "Aucune commune"),
        (no_text, "au moins un texte"),
    ] {
        let (status, err) = call(&th, Method::POST, "/admin/alerts", &token, Some(&body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{message}");
    }
    let list: Value = th.staff_json("/admin/alerts", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

pub(crate) fn xmllint_validates(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alert.xml");
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(format!("{FIXTURES}/cap12.xsd"))
        .arg(&file)
        .output()
        .expect("xmllint (package libxml2-utils) validates CAP documents");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[tokio::test]
async fn cap_in_and_out() {
    let th = town_hall().await;
    let token = th.staff_token().await;

    // Hostile XML (external entities) is refused before anything is read.
    let xee = std::fs::read_to_string(format!("{FIXTURES}/xee.cap")).unwrap();
    let (status, err) = post_cap(&th, &token, xee).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("DTD"));
    // A real alert Beffroi cannot represent (a polygon in California).
    let noaa = std::fs::read_to_string(format!(
        "{FIXTURES}/A2_severe_thunderstorm_KSTO1055887203.xml"
    ))
    .unwrap();
    let (status, err) = post_cap(&th, &token, noaa).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("INSEE"),
        "{err}"
    );

    // A town hall tool's message is published at once.
    let nice = std::fs::read_to_string(format!("{FIXTURES}/confinement-nice.xml")).unwrap();
    let (status, created) = post_cap(&th, &token, nice.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["state"], "active");
    assert_eq!(created["thread"], "NICE-2026-0042");
    // The same message again is a conflict, not a second alert.
    let (status, _) = post_cap(&th, &token, nice).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A console alert too, then the feed lists both, valid against the schema.
    let curfew = publish(&th, &token, &draft("Couvre-feu à 18 h", None)).await;
    let atom = reqwest::get(format!("{}/cap/alerts.atom", th.url))
        .await
        .unwrap();
    assert_eq!(atom.headers()["content-type"], "application/atom+xml");
    let atom = atom.text().await.unwrap();
    assert!(
        atom.contains("<cap:identifier>NICE-2026-0042</cap:identifier>"),
        "{atom}"
    );
    assert!(atom.contains("Couvre-feu à 18 h"), "{atom}");
    let urls: Vec<&str> = atom
        .split("<link rel=\"alternate\" type=\"application/cap+xml\" href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(urls.len(), 2);
    for url in urls {
        let xml = get_text(url).await;
        xmllint_validates(&xml).unwrap_or_else(|e| panic!("{url}: {e}\n{xml}"));
        assert!(xml.contains("<geocode>"), "{xml}");
    }
    // The feed is rendered once per message sent: cancelling the curfew
    // takes it out of the feed at once.
    let (status, _) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{curfew}/cancel"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = get_text(&format!("{}/cap/alerts.atom", th.url)).await;
    assert!(!after.contains("Couvre-feu à 18 h"), "{after}");
    assert!(after.contains("NICE-2026-0042"), "{after}");
    let nice_xml = get_text(&format!("{}/cap/alerts/NICE-2026-0042.xml", th.url)).await;
    assert!(
        nice_xml.contains("<areaDesc>Cagnes-sur-Mer, Nice</areaDesc>"),
        "{nice_xml}"
    );
    assert!(nice_xml.contains("Nice &amp; Cagnes-sur-Mer"), "{nice_xml}");
    let missing = reqwest::get(format!("{}/cap/alerts/nope.xml", th.url))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Reads SSE events (`id`, `data`) from a streaming response until `n` alerts.
async fn read_events(resp: &mut reqwest::Response, n: usize) -> Vec<(u64, SignedAlert)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = tokio::time::timeout(Duration::from_secs(5), resp.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .expect("the stream stays open");
        buf.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buf.find("\n\n") {
            let event: String = buf.drain(..end + 2).collect();
            let mut id = None;
            let mut data = None;
            for line in event.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = Some(v.trim().parse::<u64>().unwrap());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data = Some(serde_json::from_str(v.trim()).unwrap());
                }
            }
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, data));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_stream_delivers_live_filters_by_commune_and_resumes() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let keys: Vec<PublicKey> = serde_json::from_value(get_json(&th.api("/keys")).await).unwrap();
    let subscribe = |query: &str, last: Option<u64>| {
        let mut req = reqwest::Client::new().get(th.api(&format!("/alerts/stream{query}")));
        if let Some(last) = last {
            req = req.header("last-event-id", last.to_string());
        }
        req.send()
    };
    let mut nice = subscribe("?communes=06088", None).await.unwrap();
    assert_eq!(nice.headers()["content-type"], "text/event-stream");

    // Èze's alert is not Nice's; the territory's is everyone's.
    publish(&th, &token, &draft("Pour Èze", Some(&["06059"]))).await;
    publish(&th, &token, &draft("Pour tous", None)).await;
    let got = read_events(&mut nice, 1).await;
    let m = signing::verify(&got[0].1, &keys).unwrap();
    assert_eq!(m.body.texts[0].headline, "Pour tous");

    // Resuming after the first event replays what came after, from the store.
    publish(&th, &token, &draft("Pour Nice", Some(&["06088"]))).await;
    let mut all = subscribe("", Some(0)).await.unwrap();
    let replay = read_events(&mut all, 3).await;
    let ids: Vec<u64> = replay.iter().map(|(id, _)| *id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let mut resumed = subscribe("", Some(ids[0])).await.unwrap();
    let rest = read_events(&mut resumed, 2).await;
    assert_eq!(rest.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ids[1..]);

    let bad = subscribe("?communes=nice", None).await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Open streams do not hold up the server's stop; they end.
    let mut th = th;
    tokio::time::timeout(Duration::from_secs(10), th.stop())
        .await
        .expect("the server stops with streams open");
    // What was sent before the stop is still read, then the stream ends.
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = nice.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the stream ended");
}

pub(crate) fn in_nice(r: &Resident, lang: Lang) {
    let mut s = r.client.settings().unwrap();
    s.lang = Some(lang);
    s.home_commune = Some("06088".parse().unwrap());
    r.client.set_settings(&s).unwrap();
}

#[tokio::test]
async fn a_resident_gets_checked_alerts_threads_and_notifications_in_their_language() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let r = resident(&th.url);
    in_nice(&r, Lang::It);
    let recorder = Arc::new(Recorder::default());
    r.client.set_notifier(recorder.clone());

    let id = publish(
        &th,
        &token,
        &draft("Confinement dès midi", Some(&["06088"])),
    )
    .await;
    publish(&th, &token, &draft("Pour Èze seulement", Some(&["06059"]))).await;
    let report = r.client.sync().await.unwrap();
    assert_eq!((report.alerts_new, report.alerts_rejected), (2, 0));
    // Italian is missing: French, and only Nice's alert notifies.
    assert_eq!(recorder.summaries(), ["Confinement dès midi"]);
    let alerts = r.client.alerts().unwrap();
    assert_eq!(alerts.len(), 2);
    let nice = alerts.iter().find(|a| a.concerns_me).unwrap();
    assert_eq!(nice.state, AlertState::Active);
    assert!(!nice.read);
    assert!(r.client.mark_alert_read(&nice.thread).unwrap());
    let thread = nice.thread.clone();

    // Nothing new: no second notification, no duplicate.
    assert_eq!(r.client.sync().await.unwrap().alerts_new, 0);
    assert_eq!(recorder.summaries().len(), 1);

    // An update makes it unread again and notifies with its prefix.
    call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/update"),
        &token,
        Some(&draft("Confinement prolongé", Some(&["06088"]))),
    )
    .await;
    r.client.sync().await.unwrap();
    let a = r
        .client
        .alerts()
        .unwrap()
        .into_iter()
        .find(|a| a.thread == thread)
        .unwrap();
    assert_eq!(a.history.len(), 2);
    assert!(!a.read);
    assert_eq!(a.message.body.texts[0].headline, "Confinement prolongé");
    assert_eq!(
        recorder.summaries()[1],
        "Aggiornamento: Confinement prolongé"
    );

    // A cancellation leaves the active list and stays in the history, silently.
    call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/cancel"),
        &token,
        None,
    )
    .await;
    r.client.sync().await.unwrap();
    let a = r
        .client
        .alerts()
        .unwrap()
        .into_iter()
        .find(|a| a.thread == thread)
        .unwrap();
    assert_eq!(a.state, AlertState::Cancelled);
    assert_eq!(a.history.len(), 3);
    assert_eq!(recorder.summaries().len(), 2);
}

#[tokio::test]
async fn forged_altered_and_unsigned_alerts_are_refused() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let r = resident(&th.url);
    publish(&th, &token, &draft("Vraie alerte", None)).await;
    r.client.sync().await.unwrap();
    let genuine: SignedAlert = {
        let page: Value = reqwest::get(th.api("/alerts"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        serde_json::from_value(page["items"][0].clone()).unwrap()
    };
    let altered = SignedAlert {
        message: genuine.message.replace("Vraie alerte", "Fausse alerte"),
        ..genuine.clone()
    };
    let forger = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let mut message: AlertMessage = serde_json::from_str(&genuine.message).unwrap();
    message.identifier = "forged-1".into();
    let forged = signing::sign(&message, &forger).unwrap();
    let unsigned = SignedAlert {
        signature: String::new(),
        ..forged.clone()
    };
    let store = r.client.store();
    let cursor = store.alerts_cursor().unwrap();
    let (threads, rejected) = store
        .apply_alerts(
            &[altered, forged, unsigned],
            cursor,
            beffroi_domain::Cursor(cursor.0 + 1),
        )
        .unwrap();
    assert!(threads.is_empty());
    assert_eq!(
        store.alerts_cursor().unwrap(),
        cursor,
        "refused: not skipped"
    );
    let reasons: Vec<String> = rejected.iter().map(|r| r.reason.clone()).collect();
    assert!(reasons[0].contains("altered"), "{reasons:?}");
    assert!(reasons[1].contains("unknown key"), "{reasons:?}");
    assert!(
        reasons[2].contains("unknown key") || reasons[2].contains("not valid"),
        "{reasons:?}"
    );
    let alerts = r.client.alerts().unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].message.body.texts[0].headline, "Vraie alerte");
}

#[tokio::test]
async fn the_listener_delivers_live_catches_up_after_a_restart_and_drops_duplicates() {
    let mut th = town_hall().await;
    let token = th.staff_token().await;
    let r = resident(&th.url);
    in_nice(&r, Lang::Fr);
    let recorder = Arc::new(Recorder::default());
    r.client.set_notifier(recorder.clone());
    let client = Arc::new(r.client);
    let online = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = tokio::spawn({
        let client = client.clone();
        let online = online.clone();
        async move {
            client
                .listen(
                    |_| {},
                    move |up| {
                        if up {
                            online.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    },
                    |_| {},
                    |_| {},
                )
                .await
        }
    });
    let wait = |n: usize, what: &'static str| {
        let recorder = recorder.clone();
        async move {
            tokio::time::timeout(Duration::from_secs(10), async {
                while recorder.summaries().len() < n {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
            .await
            .unwrap_or_else(|_| panic!("{what}: {:?}", recorder.summaries()));
        }
    };
    while online.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Live: within 2 seconds of publishing.
    let t = std::time::Instant::now();
    publish(&th, &token, &draft("En direct", None)).await;
    wait(1, "live").await;
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());

    // The server restarts; what is published after it is back arrives.
    th.restart().await;
    publish(&th, &token, &draft("Après redémarrage", None)).await;
    wait(2, "after a restart").await;
    assert_eq!(recorder.summaries(), ["En direct", "Après redémarrage"]);
    assert_eq!(client.alerts().unwrap().len(), 2, "each once");
    listener.abort();
}

/// Stores and announces `n` territory-wide alerts, as publishing does,
/// without the HTTP round trips; each description `padding` characters longer.
pub(crate) async fn publish_many(
    state: &beffroi_server::AppState,
    prefix: &str,
    n: usize,
    padding: usize,
) {
    use beffroi_server::store::{Expect, Publication};
    let mut body: beffroi_domain::alert::AlertDraft =
        serde_json::from_value(draft("Exercice", None)).unwrap();
    body.texts[0].description.push_str(&"…".repeat(padding));
    for i in 0..n {
        let message = AlertMessage {
            identifier: format!("{prefix}-{i}"),
            sender: "test".into(),
            sent: time::OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .unwrap(),
            msg_type: beffroi_domain::alert::MsgType::Alert,
            references: vec![],
            sender_name: None,
            body: body.clone(),
        };
        let signed = serde_json::to_string(&state.keys.sign(&message).unwrap()).unwrap();
        let sent = state
            .store
            .publish(Publication {
                alert_id: format!("{prefix}-a-{i}"),
                expect: Expect::New,
                draft: body.clone(),
                message,
                signed,
                actor: "test".into(),
                action: "publish",
            })
            .await
            .unwrap();
        state.hub.announce(sent);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_that_stops_reading_gets_every_alert_in_order_once_it_reads_again() {
    let th = town_hall().await;
    let state = th.state.clone();
    // A small receive window, so the server's writes soon cannot finish.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut device = raw_stream(socket, th.addr()).await;
    // Now it reads nothing while 600 alerts of ~25 KB (15 MB, more than
    // the socket buffers hold) are sent.
    let n = 600;
    publish_many(&state, "stalled", n, 8000).await;
    // Then it reads: every alert, in order, each once.
    let ids = tokio::time::timeout(Duration::from_secs(20), read_ids(&mut device, n))
        .await
        .expect("600 alerts within 20 s");
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "in order, each once: {ids:?}"
    );
    assert_eq!(ids.len(), n);
}

/// Opens a stream as a device does, on its own connection from `socket`;
/// returns it once the response head is read.
async fn raw_stream(
    socket: tokio::net::TcpSocket,
    addr: std::net::SocketAddr,
) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut device = socket.connect(addr).await.unwrap();
    device
        .write_all(b"GET /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        assert_eq!(device.read(&mut byte).await.unwrap(), 1, "the stream ended");
        seen.push(byte[0]);
    }
    assert!(
        seen.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&seen)
    );
    device
}

/// Reads `n` events from a raw stream; returns their ids (cursors).
async fn read_ids(device: &mut tokio::net::TcpStream, n: usize) -> Vec<u64> {
    use tokio::io::AsyncReadExt;
    let mut ids = Vec::new();
    let mut text = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    while ids.len() < n {
        let got = device.read(&mut buf).await.unwrap();
        assert!(got > 0, "the stream ended");
        text.extend_from_slice(&buf[..got]);
        while let Some(end) = text.windows(2).position(|w| w == b"\n\n") {
            let frame: Vec<u8> = text.drain(..end + 2).collect();
            let frame = String::from_utf8(frame).expect("UTF-8 frames");
            if let Some(id) = frame.lines().find_map(|l| l.strip_prefix("id: ")) {
                ids.push(id.parse::<u64>().unwrap());
            }
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn many_live_streams_each_get_every_alert_once_in_order() {
    // 600 sockets in this process, beside the other tests' (as the server does).
    beffroi_server::push::raise_open_files_limit().unwrap();
    let th = town_hall().await;
    let state = th.state.clone();
    // Enough streams that announcing splits the writes over threads.
    let devices = futures::future::join_all(
        (0..300).map(|_| raw_stream(tokio::net::TcpSocket::new_v4().unwrap(), th.addr())),
    )
    .await;
    // All live: nothing to catch up.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let n = 5;
    publish_many(&state, "many", n, 0).await;
    let reads = devices.into_iter().map(|mut device| async move {
        let ids = read_ids(&mut device, n).await;
        (ids, device)
    });
    let got = tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(reads))
        .await
        .expect("every stream got every alert within 20 s");
    let first = got[0].0.clone();
    assert!(first.windows(2).all(|w| w[1] == w[0] + 1), "{first:?}");
    for (ids, _) in &got {
        assert_eq!(ids, &first, "each stream: every alert, in order, once");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_opened_at_once_share_their_catch_up_and_none_misses_a_later_message() {
    beffroi_server::push::raise_open_files_limit().unwrap();
    let th = town_hall().await;
    let state = th.state.clone();
    publish_many(&state, "before", 3, 0).await;
    // 200 new devices at once (no cursor): each gets the 3, in order.
    let devices = futures::future::join_all(
        (0..200).map(|_| raw_stream(tokio::net::TcpSocket::new_v4().unwrap(), th.addr())),
    )
    .await;
    let reads = devices.into_iter().map(|mut device| async move {
        let ids = read_ids(&mut device, 3).await;
        (ids, device)
    });
    let got = tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(reads))
        .await
        .expect("every new stream caught up within 20 s");
    let first = got[0].0.clone();
    assert_eq!(first.len(), 3);
    assert!(got.iter().all(|(ids, _)| *ids == first), "the same 3 each");
    // One more message; then one more device: the page read for the others
    // (3 messages) does not hold it, and this device must have it too.
    publish_many(&state, "after", 1, 0).await;
    let mut late = raw_stream(tokio::net::TcpSocket::new_v4().unwrap(), th.addr()).await;
    let ids = tokio::time::timeout(Duration::from_secs(10), read_ids(&mut late, 4))
        .await
        .expect("the later device gets the 4 messages within 10 s");
    assert_eq!(ids[..3], first[..]);
    assert!(ids[3] > first[2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn alerts_published_at_the_same_moment_all_reach_a_live_stream_in_order() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let mut device = raw_stream(tokio::net::TcpSocket::new_v4().unwrap(), th.addr()).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Drafts first, then every publication at once (several staff members).
    let mut ids = Vec::new();
    for i in 0..40 {
        let (status, created) = call(
            &th,
            Method::POST,
            "/admin/alerts",
            &token,
            Some(&draft(&format!("Simultanée {i}"), None)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let th = Arc::new(th);
    let publications = ids.iter().map(|id| {
        let (th, token, id) = (th.clone(), token.clone(), id.clone());
        tokio::spawn(async move {
            let path = format!("/admin/alerts/{id}/publish");
            let (status, body) = call(&th, Method::POST, &path, &token, None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        })
    });
    for p in futures::future::join_all(publications).await {
        p.unwrap();
    }
    // A live device gets each, in cursor order: none skipped because a
    // later one was announced first.
    let got = tokio::time::timeout(Duration::from_secs(10), read_ids(&mut device, ids.len()))
        .await
        .expect("all 40 alerts within 10 s");
    assert!(got.windows(2).all(|w| w[0] < w[1]), "in order: {got:?}");
}

#[tokio::test]
async fn a_subscriber_that_falls_behind_is_caught_up_from_the_store_in_order() {
    use beffroi_server::hub::Subscription;
    let th = town_hall().await;
    let state = th.state.clone();
    // Subscribed, but reading nothing while more than the channel holds is sent.
    let mut slow = Subscription::new(
        state.hub.clone(),
        state.store.clone(),
        vec![],
        Default::default(),
    );
    let n = 1_100;
    publish_many(&state, "lag", n, 0).await;
    let mut cursors = Vec::new();
    for _ in 0..n {
        let next = tokio::time::timeout(Duration::from_secs(5), slow.next())
            .await
            .expect("caught up")
            .unwrap()
            .unwrap();
        cursors.push(next.cursor.0);
    }
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "in order, each once"
    );
    assert_eq!(cursors.len(), n);
}

#[tokio::test]
async fn an_expired_alert_is_history_not_active_and_does_not_notify() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let r = resident(&th.url);
    in_nice(&r, Lang::Fr);
    let recorder = Arc::new(Recorder::default());
    r.client.set_notifier(recorder.clone());
    let mut old = draft("Canicule de l'été dernier", None);
    old["expires"] = json!("2020-09-01T00:00:00Z");
    publish(&th, &token, &old).await;
    publish(&th, &token, &draft("En cours", None)).await;
    r.client.sync().await.unwrap();
    let alerts = r.client.alerts().unwrap();
    let state_of = |headline: &str| {
        alerts
            .iter()
            .find(|a| a.message.body.texts[0].headline == headline)
            .map(|a| a.state)
    };
    assert_eq!(
        state_of("Canicule de l'été dernier"),
        Some(AlertState::Expired)
    );
    assert_eq!(state_of("En cours"), Some(AlertState::Active));
    assert_eq!(
        recorder.summaries(),
        ["En cours"],
        "only what is in force notifies"
    );
    // The console lists it as expired too.
    let (_, list) = call(&th, Method::GET, "/admin/alerts", &token, None).await;
    let states: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"expired") && states.contains(&"active"),
        "{states:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_and_other_requests_share_the_port_whatever_the_pace_of_their_heads() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let th = town_hall().await;
    let addr = th.addr();
    // Sends `head` in two parts with a pause between; returns the answer's
    // status line and head.
    let ask = |head: &'static str, split: usize| async move {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(&head.as_bytes()[..split]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        s.write_all(&head.as_bytes()[split..]).await.unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
                .await
                .expect("an answer")
                .unwrap();
            assert!(n > 0, "closed without an answer");
            got.extend_from_slice(&buf[..n]);
        }
        let got = String::from_utf8_lossy(&got).into_owned();
        (got.lines().next().unwrap().to_owned(), got)
    };
    let stream = "GET /api/v1/alerts/stream?communes=06088 HTTP/1.1\r\nHost: x\r\n\r\n";
    for split in [3, 20, stream.len() - 2] {
        let (line, got) = ask(stream, split).await;
        assert_eq!(line, "HTTP/1.1 200 OK", "split at {split}");
        assert!(got.contains("content-type: text/event-stream"), "{got}");
    }
    // Near misses go to the router: other routes, a bad cursor, a bad commune.
    for (head, expected) in [
        (
            "GET /api/v1/alerts?since=0 HTTP/1.1\r\nHost: x\r\n\r\n",
            "HTTP/1.1 200 OK",
        ),
        (
            "GET /api/v1/alerts/streams HTTP/1.1\r\nHost: x\r\n\r\n",
            "HTTP/1.1 404 Not Found",
        ),
        (
            "GET /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\nLast-Event-ID: soon\r\n\r\n",
            "HTTP/1.1 400 Bad Request",
        ),
        (
            "GET /api/v1/alerts/stream?communes=nice HTTP/1.1\r\nHost: x\r\n\r\n",
            "HTTP/1.1 400 Bad Request",
        ),
        (
            "POST /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 405 Method Not Allowed",
        ),
    ] {
        let (line, got) = ask(head, 10).await;
        assert_eq!(line, expected, "{head:?}: {got}");
    }
}

/// The signed messages the server has sent, in cursor order.
async fn signed_messages(th: &TownHall) -> Vec<SignedAlert> {
    serde_json::from_value(signed_page(th, 0).await["items"].clone()).unwrap()
}

#[tokio::test]
async fn a_refused_event_cannot_deafen_a_device_and_a_cursor_beyond_the_server_is_undone() {
    use beffroi_domain::Cursor;
    let th = town_hall().await;
    let token = th.staff_token().await;
    let r = resident(&th.url);
    publish(&th, &token, &draft("Première", None)).await;
    r.client.sync().await.unwrap();
    let store = r.client.store();
    let held = store.alerts_cursor().unwrap();
    let genuine = signed_messages(&th).await.remove(0);

    // One unsigned event claiming the largest cursor (from anything on the
    // path) is refused and moves nothing.
    let unsigned = SignedAlert {
        signature: String::new(),
        ..genuine.clone()
    };
    let (_, rejected) = store
        .apply_alerts(&[unsigned], held, Cursor(u64::MAX))
        .unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(store.alerts_cursor().unwrap(), held);

    // A genuine message replayed with that cursor is stored (a duplicate)
    // and moves it; the next sync sees the server's newest is below it,
    // goes back, and the alerts published since arrive.
    store
        .apply_alerts(&[genuine], held, Cursor(u64::MAX))
        .unwrap();
    assert_eq!(store.alerts_cursor().unwrap(), Cursor(u64::MAX));
    publish(&th, &token, &draft("Deuxième", None)).await;
    let report = r.client.sync().await.unwrap();
    assert_eq!(report.alerts_new, 1, "{report:?}");
    let headlines: Vec<String> = r
        .client
        .alerts()
        .unwrap()
        .iter()
        .map(|a| a.message.body.texts[0].headline.clone())
        .collect();
    assert_eq!(headlines, ["Deuxième", "Première"]);
    let latest = signed_page(&th, 0).await["latest"].as_u64().unwrap();
    assert_eq!(store.alerts_cursor().unwrap(), Cursor(latest));
}

#[tokio::test]
async fn messages_arriving_out_of_order_follow_the_cap_chain_and_a_cancel_is_final() {
    use beffroi_domain::Cursor;
    use beffroi_domain::alert::MsgType;
    let th = town_hall().await;
    let token = th.staff_token().await;
    let id = publish(&th, &token, &draft("Confinement", Some(&["06088"]))).await;
    let (status, _) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/update"),
        &token,
        Some(&draft("Confinement prolongé", Some(&["06088"]))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let other = publish(&th, &token, &draft("Eau non potable", Some(&["06088"]))).await;
    let (status, _) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{other}/cancel"),
        &token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<PublicKey> = get_json(&th.api("/keys"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|k| serde_json::from_value(k.clone()).unwrap())
        .collect();
    let [alert, update, water, cancel]: [SignedAlert; 4] =
        signed_messages(&th).await.try_into().unwrap();

    // The update and the cancellation arrive before the messages they follow.
    let r = resident(&th.url);
    in_nice(&r, Lang::Fr);
    let store = r.client.store();
    store.pin_keys(&keys).unwrap();
    for m in [update, cancel, alert, water] {
        store
            .apply_alerts(&[m], Cursor::START, Cursor::START)
            .unwrap();
    }
    let alerts = r.client.alerts().unwrap();
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    let water = alerts
        .iter()
        .find(|a| a.message.body.texts[0].headline == "Eau non potable")
        .expect("the cancelled alert is listed");
    assert_eq!(water.state, AlertState::Cancelled, "never active again");
    let types: Vec<MsgType> = water.history.iter().map(|h| h.msg_type).collect();
    assert_eq!(types, [MsgType::Alert, MsgType::Cancel]);
    let lockdown = alerts
        .iter()
        .find(|a| a.state == AlertState::Active)
        .expect("the lockdown is active");
    assert_eq!(
        lockdown.message.body.texts[0].headline, "Confinement prolongé",
        "the update is in force, not the older alert"
    );
    // Nothing to notify for the cancelled thread when its alert arrives last.
    let threads: Vec<String> = alerts.iter().map(|a| a.thread.clone()).collect();
    let notes = beffroi_client::alerts::notifications(
        &alerts,
        &threads,
        &beffroi_client::alerts::NotifyWith {
            reading: &[Lang::Fr.into()],
            update_prefix: "Mise à jour :",
            at_places: &|places, headline| format!("[{places}] {headline}"),
            tests: true,
            critical: true,
        },
    );
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].1.summary, "Mise à jour : Confinement prolongé");
}

#[tokio::test]
async fn a_cap_cancel_naming_another_senders_message_first_cancels_everywhere() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let nice = std::fs::read_to_string(format!("{FIXTURES}/confinement-nice.xml")).unwrap();
    let (status, created) = post_cap(&th, &token, nice.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let r = resident(&th.url);
    in_nice(&r, Lang::Fr);
    r.client.sync().await.unwrap();

    let follow_up = |identifier: &str, msg_type: &str, references: &str| {
        nice.replace("NICE-2026-0042", identifier)
            .replace(
                "<msgType>Alert</msgType>",
                &format!("<msgType>{msg_type}</msgType>"),
            )
            .replace(
                "<scope>Public</scope>",
                &format!("<scope>Public</scope>\n  <references>{references}</references>"),
            )
    };
    // A message naming two different alerts sent here is refused.
    publish(&th, &token, &draft("Autre", None)).await;
    let other = signed_messages(&th).await.pop().unwrap();
    let other: AlertMessage = serde_json::from_str(&other.message).unwrap();
    let both = format!(
        "alertes@ville-nice.example,NICE-2026-0042,2026-11-23T08:00:00+01:00 {},{},{}",
        other.sender,
        other.identifier,
        other
            .sent
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    );
    let (status, err) = post_cap(&th, &token, follow_up("NICE-2026-0043", "Update", &both)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["code"], "ambiguous_reference");

    // The prefecture's message first, ours second.
    let refs = "alertes@alpes-maritimes.gouv.example,PREF-06-2026-17,2026-11-23T07:30:00+01:00 \
                alertes@ville-nice.example,NICE-2026-0042,2026-11-23T08:00:00+01:00";
    let (status, cancelled) =
        post_cap(&th, &token, follow_up("NICE-2026-0044", "Cancel", refs)).await;
    assert_eq!(status, StatusCode::CREATED, "{cancelled}");
    assert_eq!(cancelled["state"], "cancelled");

    // The feed and the device agree with the console.
    let atom = get_text(&format!("{}/cap/alerts.atom", th.url)).await;
    assert!(!atom.contains("NICE-2026-0042"), "{atom}");
    assert!(!atom.contains("NICE-2026-0044"), "{atom}");
    r.client.sync().await.unwrap();
    let lockdown = r
        .client
        .alerts()
        .unwrap()
        .into_iter()
        .find(|a| a.thread == "NICE-2026-0042")
        .expect("the thread is the first message's");
    assert_eq!(lockdown.state, AlertState::Cancelled);
    // The sent message still names the prefecture's, after ours.
    let xml = get_text(&format!("{}/cap/alerts/NICE-2026-0044.xml", th.url)).await;
    assert!(xml.contains("PREF-06-2026-17"), "{xml}");
}

#[tokio::test]
async fn a_draft_changed_after_its_review_is_not_published() {
    let th = town_hall().await;
    let editor = th.staff_with_role("eve", Role::Editor).await;
    let publisher = th.staff_with_role("paul", Role::Publisher).await;
    let (_, created) = call(
        &th,
        Method::POST,
        "/admin/alerts",
        &editor,
        Some(&draft("Eau potable rétablie", None)),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    // The publisher reviews it…
    let reviewed = created["updated_at"].as_str().unwrap().to_owned();
    // …the editor changes it meanwhile…
    let (status, _) = call(
        &th,
        Method::PUT,
        &format!("/admin/alerts/{id}"),
        &editor,
        Some(&draft("Évacuez immédiatement", None)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // …and the click publishes nothing.
    let publish = |reviewed: String| {
        let path = format!(
            "/admin/alerts/{id}/publish?{}",
            serde_urlencoded::to_string([("reviewed", reviewed)]).unwrap()
        );
        let (th, publisher) = (&th, &publisher);
        async move { call(th, Method::POST, &path, publisher, None).await }
    };
    let (status, err) = publish(reviewed).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"]["code"], "draft_changed");
    assert_eq!(
        signed_page(&th, 0).await["items"].as_array().unwrap().len(),
        0
    );
    // Reviewed again, it goes.
    let (_, current) = call(
        &th,
        Method::GET,
        &format!("/admin/alerts/{id}"),
        &publisher,
        None,
    )
    .await;
    let (status, sent) = publish(current["updated_at"].as_str().unwrap().to_owned()).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["state"], "active");
}

/// A real alert from elsewhere, addressed to the territory instead of its
/// own area, sent as a new alert (its references name messages not here).
fn to_the_territory(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<area>") {
        let end = rest[start..].find("</area>").unwrap() + start + "</area>".len();
        out.push_str(&rest[..start]);
        // One territory area per <info>: the blocks must agree on the area.
        if !out.trim_end().ends_with("</area>") {
            out.push_str(&format!(
                "<area><areaDesc>Métropole</areaDesc><geocode><valueName>EPCI</valueName><value>{}</value></geocode></area>",
                beffroi_server::demo::TERRITORY_CODE
            ));
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let out = out.replace("<msgType>Update</msgType>", "<msgType>Alert</msgType>");
    match (out.find("<references>"), out.find("</references>")) {
        (Some(a), Some(b)) => format!("{}{}", &out[..a], &out[b + "</references>".len()..]),
        _ => out,
    }
}

#[tokio::test]
async fn real_cap_in_any_language_with_long_headlines_and_blocks_per_audience_is_kept() {
    let th = town_hall().await;
    let token = th.staff_token().await;

    // Real alerts (DWD, Israel's IMS, Macao's SMG): German, Hebrew and
    // English, Chinese, Portuguese and English. Each is kept whole.
    for (file, langs) in [
        ("dwd-update.xml", &["de-DE"][..]),
        (
            "il-488abaaf-cad5-4d2b-93b2-703016878453.xml",
            &["en-GB", "he-IL"][..],
        ),
        ("mo-cap_monsoon.xml", &["zh-MO", "pt-PT", "en-US"][..]),
    ] {
        let xml = to_the_territory(&std::fs::read_to_string(format!("{FIXTURES}/{file}")).unwrap());
        let (status, created) = post_cap(&th, &token, xml).await;
        assert_eq!(status, StatusCode::CREATED, "{file}: {created}");
        let got: Vec<&str> = created["draft"]["texts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["lang"].as_str().unwrap())
            .collect();
        assert_eq!(got, langs, "{file}");
        // Written back out as CAP, valid against the schema, languages kept.
        let id = created["thread"].as_str().unwrap();
        let xml = get_text(&format!("{}/cap/alerts/{id}.xml", th.url)).await;
        xmllint_validates(&xml).unwrap();
        for l in langs {
            assert!(xml.contains(&format!("<language>{l}</language>")), "{xml}");
        }
    }

    // A town hall tool's message with a headline past CAP's recommended 160
    // characters and two French blocks, one for schools.
    let nice = std::fs::read_to_string(format!("{FIXTURES}/confinement-nice.xml")).unwrap();
    let long = format!(
        "Confinement renforcé à Nice et Cagnes-sur-Mer : {}",
        "déplacements limités, ".repeat(8)
    );
    assert!(long.chars().count() > 160);
    let first_info = nice.find("<info>").unwrap();
    let info_end = nice.find("</info>").unwrap() + "</info>".len();
    let schools = nice[first_info..info_end]
        .replace(
            "<senderName>",
            "<audience>Écoles et crèches</audience><senderName>",
        )
        .replace(
            "Confinement renforcé à Nice &amp; Cagnes-sur-Mer",
            "Écoles et crèches fermées",
        );
    let doc = format!("{}{schools}{}", &nice[..info_end], &nice[info_end..])
        .replace("Confinement renforcé à Nice &amp; Cagnes-sur-Mer", &long)
        .replace("NICE-2026-0042", "NICE-2026-0050");
    let (status, created) = post_cap(&th, &token, doc).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let texts = created["draft"]["texts"].as_array().unwrap();
    assert_eq!(texts.len(), 3, "{created}");
    assert_eq!(texts[0]["headline"], long.trim());
    assert_eq!(texts[1]["audience"], "Écoles et crèches");
    assert_eq!(texts[1]["headline"], "Écoles et crèches fermées");

    // A resident reads every French block; one who reads Hebrew gets it.
    let r = resident(&th.url);
    in_nice(&r, Lang::Fr);
    let synced = r.client.sync().await.unwrap();
    assert_eq!(synced.alerts_rejected, 0);
    let alerts = r.client.alerts().unwrap();
    let french = alerts
        .iter()
        .find(|a| a.thread == "NICE-2026-0050")
        .expect("the alert reached the device");
    let fr = french.message.texts_for(&[Lang::Fr.into()]);
    assert_eq!(fr.len(), 2, "{fr:?}");
    let ims = alerts
        .iter()
        .find(|a| {
            a.message
                .body
                .texts
                .iter()
                .any(|t| t.lang.primary() == "he")
        })
        .expect("the Hebrew alert reached the device");
    let he = ims.message.texts_for(&["he".parse().unwrap()]);
    assert_eq!(he[0].headline, "שטפונות בזק");

    // Staff keep CAP's recommended length.
    let mut staff = draft("x", None);
    staff["texts"][0]["headline"] = json!(long);
    let (status, err) = call(&th, Method::POST, "/admin/alerts", &token, Some(&staff)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("160"),
        "{err}"
    );

    // What the schema does not allow is refused by name, not dropped.
    let nice = std::fs::read_to_string(format!("{FIXTURES}/confinement-nice.xml")).unwrap();
    let bad = nice.replacen(
        "<instruction>",
        "<contact><phone>3906</phone></contact><instruction>",
        1,
    );
    let (status, err) = post_cap(&th, &token, bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("<phone>") && message.contains("<contact>"),
        "{message}"
    );
}

#[tokio::test]
async fn the_workflows_run_without_http_and_reach_devices_as_the_console_s_do() {
    use beffroi_server::service::{alerts as service, reports};
    let th = town_hall().await;
    let mut live = reqwest::get(th.api("/alerts/stream")).await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);

    // The CAP intake, as the town hall's tools reach it.
    let nice = std::fs::read(format!("{FIXTURES}/confinement-nice.xml")).unwrap();
    let created = service::publish_cap(&th.state, &nice, "outil-alerte")
        .await
        .unwrap();
    assert_eq!(created.state, AlertState::Active);
    read_stream_until(&mut live, "NICE-2026-0042").await;
    // Hostile XML is refused there too, with the same answer as over HTTP.
    let bomb = b"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b \"c\">]><alert>&b;</alert>";
    let refused = service::publish_cap(&th.state, bomb, "outil-alerte")
        .await
        .unwrap_err();
    assert_eq!(refused.parts().0, StatusCode::BAD_REQUEST);

    // A staff draft published, then cancelled: each reaches the stream.
    let draft: beffroi_domain::alert::AlertDraft =
        serde_json::from_value(draft("Coupure d'eau à Èze", None)).unwrap();
    let id = service::create_draft(&th.state, draft, "demo")
        .await
        .unwrap()
        .id;
    let sent = service::publish(&th.state, &id, None, "demo")
        .await
        .unwrap();
    read_stream_until(&mut live, &sent.messages[0]).await;
    let cancelled = service::cancel(&th.state, &id, "demo").await.unwrap();
    assert_eq!(cancelled.state, AlertState::Cancelled);
    read_stream_until(&mut live, &cancelled.messages[1]).await;
    let audit = th.state.store.audit_log(10).await.unwrap();
    for (actor, action) in [
        ("outil-alerte", "publish_cap"),
        ("demo", "publish"),
        ("demo", "cancel"),
    ] {
        assert!(
            audit.iter().any(|e| e.actor == actor && e.action == action),
            "{actor} {action}: {audit:?}"
        );
    }

    // A report: the same intake as POST /reports (stored once, the same
    // receipt again), and a status its reporter reads over HTTP.
    let report: beffroi_domain::report::NewReport = serde_json::from_value(json!({
        "id": "0f0e2a1c-5d7b-4c55-9a2e-6b1c1f0a7d44",
        "category": "roads",
        "description": "Nid-de-poule devant la mairie",
        "location": {"position": {"lat": 43.7009, "lon": 7.2683}},
    }))
    .unwrap();
    let first = reports::submit(&th.state, report.clone(), None)
        .await
        .unwrap();
    let again = reports::submit(&th.state, report, None).await.unwrap();
    assert!(first.new && !again.new);
    assert_eq!(first.receipt.secret, again.receipt.secret);
    let update: beffroi_domain::report::StatusUpdate =
        serde_json::from_value(json!({"status": "in_progress", "message": "Équipe prévenue"}))
            .unwrap();
    reports::change_status(&th.state, first.receipt.id.clone(), update, "demo")
        .await
        .unwrap();
    let seen = get_json(&th.api(&format!(
        "/reports/{}?secret={}",
        first.receipt.id, first.receipt.secret
    )))
    .await;
    assert!(seen.to_string().contains("Équipe prévenue"), "{seen}");
}
