//! Web Push subscriptions: a phone's browser subscribes with its endpoint
//! and keys; bad input (malformed keys, a non-https or private endpoint, an
//! unknown commune) gets a clear 4xx and nothing is stored.

use beffroi_tests::{TownHall, get_json, town_hall, town_hall_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// RFC 8291's example receiver: a real P-256 public key and auth secret.
const P256DH: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

fn subscription(endpoint: &str) -> Value {
    json!({
        "endpoint": endpoint,
        "keys": {"p256dh": P256DH, "auth": AUTH},
        "communes": ["06088", "06059"],
        "lang": "fr",
        "min_severity": "severe"
    })
}

async fn send(th: &TownHall, method: Method, body: &Value, lang: &str) -> (StatusCode, Value) {
    let resp = reqwest::Client::new()
        .request(method, th.api("/push/subscriptions"))
        .header("accept-language", lang)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn stored(th: &TownHall) -> u64 {
    th.state.store.push_subscription_count().await.unwrap()
}

#[tokio::test]
async fn the_vapid_key_is_an_uncompressed_p256_point_kept_across_restarts() {
    let th = town_hall().await;
    let key = get_json(&th.api("/push/key")).await;
    let text = key["public_key"].as_str().unwrap();
    let bytes = beffroi_domain::push::base64url(text).unwrap();
    assert_eq!(bytes.len(), 65);
    assert_eq!(bytes[0], 4);
    let dir = tempfile::tempdir().unwrap();
    let home = beffroi_server::keys::KeyHome::Dir(dir.path());
    let first = beffroi_server::keys::KeyRing::open(home).await.unwrap();
    let again = beffroi_server::keys::KeyRing::open(home).await.unwrap();
    assert_eq!(first.vapid_public_key(), again.vapid_public_key());
    assert_ne!(first.vapid_public_key(), text, "each server has its own");
}

#[tokio::test]
async fn a_device_subscribes_renews_and_unsubscribes_with_its_secret() {
    let th = town_hall_with(|s| s.push_allow_private = true).await;
    let endpoint = "http://127.0.0.1:9/push/v1/abc";
    let (status, body) = send(&th, Method::POST, &subscription(endpoint), "fr").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["communes"], json!(["06059", "06088"]));
    // The daily heartbeat renews it; other communes replace the old ones.
    let mut renewed = subscription(endpoint);
    renewed["communes"] = json!(["06088"]);
    let (status, body) = send(&th, Method::POST, &renewed, "fr").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored(&th).await, 1);
    // The same endpoint with other keys is not someone else's to take.
    let mut other = subscription(endpoint);
    other["keys"]["auth"] = json!("AAAAAAAAAAAAAAAAAAAAAA");
    let (status, body) = send(&th, Method::POST, &other, "en").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("other keys"),
        "{body}"
    );
    // Ending it takes its secret.
    let wrong = json!({"endpoint": endpoint, "auth": "AAAAAAAAAAAAAAAAAAAAAA"});
    let (status, _) = send(&th, Method::DELETE, &wrong, "fr").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&th).await, 1);
    let right = json!({"endpoint": endpoint, "auth": AUTH});
    let (status, _) = send(&th, Method::DELETE, &right, "fr").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(stored(&th).await, 0);
}

#[tokio::test]
async fn bad_subscriptions_get_clear_errors_and_store_nothing() {
    let th = town_hall().await;
    // A public address is accepted (nothing is sent to it here).
    let (status, body) = send(
        &th,
        Method::POST,
        &subscription("https://93.184.215.14/push/v1/abc"),
        "fr",
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let good = stored(&th).await;

    let with = |f: &dyn Fn(&mut Value)| {
        let mut s = subscription("https://93.184.215.14/push/v1/other");
        f(&mut s);
        s
    };
    // 65 bytes that look like a key but are no point of the curve.
    let not_on_curve = {
        use base64::Engine;
        let mut p = vec![4u8];
        p.extend([0u8; 64]);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(p)
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            with(&|s| s["keys"]["p256dh"] = json!("AAAA")),
            "keys are not valid",
        ),
        (
            with(&|s| s["keys"]["p256dh"] = json!(not_on_curve)),
            "keys are not valid",
        ),
        (
            with(&|s| s["keys"]["auth"] = json!("%%%")),
            "keys are not valid",
        ),
        (
            with(&|s| s["endpoint"] = json!("http://93.184.215.14/push")),
            "https://",
        ),
        (
            with(&|s| s["endpoint"] = json!("https://127.0.0.1/push")),
            "not a public",
        ),
        (
            with(&|s| s["endpoint"] = json!("https://10.0.0.1/push")),
            "not a public",
        ),
        (
            with(&|s| s["endpoint"] = json!("https://169.254.169.254/latest")),
            "not a public",
        ),
        (
            with(&|s| s["endpoint"] = json!("https://[::1]:8443/push")),
            "not a public",
        ),
        (
            with(&|s| s["endpoint"] = json!("https://[::ffff:192.168.1.1]/push")),
            "not a public",
        ),
        // IPv6 forms that carry an IPv4 address: IPv4-compatible, 6to4.
        (
            with(&|s| s["endpoint"] = json!("https://[::127.0.0.1]/push")),
            "not a public",
        ),
        (
            with(&|s| s["endpoint"] = json!("https://[2002:a00:1::]/push")),
            "not a public",
        ),
        (with(&|s| s["communes"] = json!(["75056"])), "75056"),
        (with(&|s| s["communes"] = json!([])), "1 to 100 communes"),
    ];
    for (body, says) in &cases {
        let (status, answer) = send(&th, Method::POST, body, "en").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
    }
    // A name that resolves to this machine is private too (or, where the
    // resolver knows no such name, unresolved): refused either way.
    let (status, answer) = send(
        &th,
        Method::POST,
        &with(&|s| s["endpoint"] = json!("https://localhost/push")),
        "fr",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    // In French by default.
    let (_, answer) = send(&th, Method::POST, &cases[0].0, "fr").await;
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ne sont pas valides"),
        "{answer}"
    );
    assert_eq!(stored(&th).await, good, "nothing stored");
}

#[tokio::test]
async fn one_address_cannot_subscribe_without_end() {
    let th = town_hall().await;
    let mut limited = 0;
    for n in 0..40 {
        let (status, _) = send(
            &th,
            Method::POST,
            &subscription(&format!("https://93.184.215.14/push/{n}")),
            "fr",
        )
        .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited >= 15, "{limited} refused");
    assert!(stored(&th).await <= 25);
}

/// A device's push keys: its private key (to decrypt) and its subscription.
struct Device {
    secret: web_push_native::p256::SecretKey,
    auth: [u8; 16],
}

impl Device {
    fn new() -> Self {
        use web_push_native::p256::elliptic_curve::rand_core::OsRng;
        Device {
            secret: web_push_native::p256::SecretKey::random(&mut OsRng),
            auth: rand_auth(),
        }
    }

    fn subscription(&self, endpoint: &str, communes: &[&str], min: &str) -> Value {
        use base64::Engine;
        use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        json!({
            "endpoint": endpoint,
            "keys": {
                "p256dh": b64.encode(self.secret.public_key().to_encoded_point(false).as_bytes()),
                "auth": b64.encode(self.auth),
            },
            "communes": communes, "lang": "fr", "min_severity": min
        })
    }

    fn decrypt(&self, body: &[u8]) -> Value {
        let auth = web_push_native::Auth::clone_from_slice(&self.auth);
        let plain = web_push_native::decrypt(body.to_vec(), &self.secret, &auth).unwrap();
        serde_json::from_slice(&plain).unwrap()
    }
}

fn rand_auth() -> [u8; 16] {
    use web_push_native::p256::elliptic_curve::rand_core::{OsRng, RngCore};
    let mut a = [0u8; 16];
    OsRng.fill_bytes(&mut a);
    a
}

/// What a push service received: the path, the headers, the body.
type Received =
    std::sync::Arc<std::sync::Mutex<Vec<(String, reqwest::header::HeaderMap, Vec<u8>)>>>;

/// A push service on loopback: `/ok/…` takes pushes (201), `/gone/…` has
/// forgotten them (410), `/flaky/…` fails once (503) then takes them,
/// `/hang/…` never answers. It records every request.
async fn push_service() -> (String, Received) {
    use axum::extract::{OriginalUri, Request};
    use axum::http::StatusCode as S;
    let received: Received = Default::default();
    let seen = received.clone();
    let app = axum::Router::new().fallback(move |OriginalUri(uri): OriginalUri, req: Request| {
        let seen = seen.clone();
        async move {
            let path = uri.path().to_owned();
            let headers = req.headers().clone();
            let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                .await
                .unwrap()
                .to_vec();
            let earlier = {
                let mut seen = seen.lock().unwrap();
                let earlier = seen.iter().filter(|(p, ..)| p == &path).count();
                seen.push((path.clone(), headers, body));
                earlier
            };
            if path.starts_with("/hang/") {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            }
            match path.split('/').nth(1) {
                Some("gone") => S::GONE,
                Some("flaky") if earlier == 0 => S::SERVICE_UNAVAILABLE,
                _ => S::CREATED,
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

fn paths(received: &Received) -> Vec<String> {
    received
        .lock()
        .unwrap()
        .iter()
        .map(|(p, ..)| p.clone())
        .collect()
}

#[tokio::test]
async fn a_published_alert_is_pushed_encrypted_and_signed_to_the_subscriptions_it_concerns() {
    use std::time::{Duration, Instant};
    let th = town_hall_with(|s| {
        s.push_allow_private = true;
        s.push_retry_base = Duration::from_millis(50);
    })
    .await;
    let token = th.staff_token().await;
    let (service, received) = push_service().await;
    // Another push service, which hangs: it must not delay the first.
    let (hanging, hung) = push_service().await;
    let nice = Device::new();
    let devices: Vec<(Device, String, &[&str], &str)> = vec![
        (nice, format!("{service}/ok/nice"), &["06088"], "minor"),
        (
            Device::new(),
            format!("{service}/ok/eze"),
            &["06059"],
            "minor",
        ),
        (
            Device::new(),
            format!("{service}/ok/picky"),
            &["06088"],
            "extreme",
        ),
        (
            Device::new(),
            format!("{service}/gone/old"),
            &["06088"],
            "minor",
        ),
        (
            Device::new(),
            format!("{service}/flaky/busy"),
            &["06088"],
            "minor",
        ),
        (
            Device::new(),
            format!("{hanging}/hang/slow"),
            &["06088"],
            "minor",
        ),
    ];
    for (d, endpoint, communes, min) in &devices {
        let (status, body) = send(
            &th,
            Method::POST,
            &d.subscription(endpoint, communes, min),
            "fr",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let count = |path: &'static str| {
        let r = received.clone();
        move || paths(&r).iter().filter(|p| *p == path).count()
    };
    // Each new subscription gets a confirmation push at once; the one whose
    // service has forgotten it is removed then.
    let (nice_count, flaky_count) = (count("/ok/nice"), count("/flaky/busy"));
    wait_for_all(|| nice_count() == 1 && flaky_count() == 2).await;
    let first = received
        .lock()
        .unwrap()
        .iter()
        .find(|(p, ..)| p == "/ok/nice")
        .unwrap()
        .2
        .clone();
    assert_eq!(devices[0].0.decrypt(&first), json!({"subscribed": true}));
    for _ in 0..100 {
        if stored(&th).await == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        stored(&th).await,
        5,
        "the forgotten subscription is removed"
    );
    let before = paths(&received).len();

    // A severe alert for Nice.
    let t = Instant::now();
    let id = crate::alerts::publish(
        &th,
        &token,
        &crate::alerts::draft("Confinement", Some(&["06088"])),
    )
    .await;
    wait_for_all(|| nice_count() == 2 && flaky_count() == 3).await;
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "{:?}: the hanging service delayed it",
        t.elapsed()
    );
    assert_eq!(
        paths(&hung),
        ["/hang/slow", "/hang/slow"],
        "the hanging service was asked too"
    );
    // Not Èze's, nor the one that wants extreme alerts only.
    let got = paths(&received)[before..].to_vec();
    assert!(
        !got.iter().any(|p| p == "/ok/eze" || p == "/ok/picky"),
        "{got:?}"
    );

    // What Nice's device got: the alert's id and cursor, decrypted with its
    // key; high urgency; kept until the alert expires (28 days at most);
    // signed with the server's VAPID key.
    let thread = crate::alerts::thread_of(&th, &token, &id).await;
    let thread = thread.as_str();
    let (headers, body) = {
        let seen = received.lock().unwrap();
        let (_, h, b) = seen
            .iter()
            .filter(|(p, ..)| p == "/ok/nice")
            .nth(1)
            .unwrap()
            .clone();
        (h, b)
    };
    let payload = devices[0].0.decrypt(&body);
    assert_eq!(payload["alert"], thread);
    assert_eq!(payload["message"], thread);
    assert!(payload["cursor"].as_u64().unwrap() > 0);
    assert_eq!(
        payload.as_object().unwrap().len(),
        3,
        "nothing else: {payload}"
    );
    assert_eq!(headers["urgency"], "high");
    assert_eq!(headers["ttl"], (28 * 24 * 3600).to_string().as_str());
    assert_eq!(headers["content-encoding"], "aes128gcm");
    let topic = headers["topic"].to_str().unwrap().to_owned();
    assert_eq!(topic.len(), 32);
    let vapid = headers["authorization"].to_str().unwrap();
    let (token_part, key_part) = vapid
        .strip_prefix("vapid t=")
        .and_then(|v| v.split_once(", k="))
        .unwrap();
    let server_key = get_json(&th.api("/push/key")).await;
    assert_eq!(key_part, server_key["public_key"]);
    {
        use web_push_native::jwt_simple::prelude::*;
        let public =
            ES256PublicKey::from_bytes(&beffroi_domain::push::base64url(key_part).unwrap())
                .unwrap();
        let claims = public
            .verify_token::<NoCustomClaims>(token_part, None)
            .unwrap();
        // The push service's origin, its port included (RFC 8292).
        let audience = claims.audiences.unwrap().into_string().unwrap();
        assert_eq!(audience, service);
        assert!(claims.subject.unwrap().starts_with("mailto:"));
    }

    // Its cancellation goes where the alert went, under the same topic.
    crate::alerts::cancel(&th, &token, &id).await;
    wait_for_all(|| nice_count() == 3).await;
    let seen = received.lock().unwrap();
    let (_, h, b) = seen
        .iter()
        .filter(|(p, ..)| p == "/ok/nice")
        .nth(2)
        .unwrap();
    assert_eq!(h["topic"].to_str().unwrap(), topic);
    assert_eq!(devices[0].0.decrypt(b)["alert"], thread);
    assert_eq!(
        seen.iter().filter(|(p, ..)| p == "/ok/picky").count(),
        1,
        "its confirmation only"
    );
}

/// Waits (5 s at most) until `cond` holds.
async fn wait_for_all(cond: impl Fn() -> bool) {
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !cond() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("not within 5 s"));
}

#[test]
fn rfc_8291s_own_example_decrypts() {
    // RFC 8291, Appendix A: the receiver's private key and auth secret, and
    // the push message the application server made for it.
    let secret = web_push_native::p256::SecretKey::from_slice(
        &beffroi_domain::push::base64url("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94").unwrap(),
    )
    .unwrap();
    let auth =
        web_push_native::Auth::clone_from_slice(&beffroi_domain::push::base64url(AUTH).unwrap());
    let message = beffroi_domain::push::base64url(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
    )
    .unwrap();
    let plain = web_push_native::decrypt(message, &secret, &auth).unwrap();
    assert_eq!(plain, b"When I grow up, I want to be a watermelon");
    // And its public key is the one the subscriptions above use.
    use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
    assert_eq!(
        beffroi_domain::push::base64url(P256DH).unwrap(),
        secret.public_key().to_encoded_point(false).as_bytes()
    );
}

#[tokio::test]
async fn a_subscription_not_renewed_for_30_days_expires() {
    use beffroi_server::Store;
    use time::{Duration, OffsetDateTime};
    // A store no server prunes meanwhile.
    let dir = tempfile::tempdir().unwrap();
    let store = beffroi_server::SqliteStore::open(dir.path()).unwrap();
    let sub = |n: u32| -> beffroi_domain::push::PushSubscription {
        serde_json::from_value(subscription(&format!("https://93.184.215.14/push/{n}"))).unwrap()
    };
    let now = OffsetDateTime::now_utc();
    store
        .save_push_subscription(sub(1), now - Duration::days(31))
        .await
        .unwrap();
    store
        .save_push_subscription(sub(2), now - Duration::days(31))
        .await
        .unwrap();
    // The second one's device came back yesterday: renewed.
    store
        .save_push_subscription(sub(2), now - Duration::days(1))
        .await
        .unwrap();
    let before = now - beffroi_server::PUSH_SUBSCRIPTION_LIFE;
    assert_eq!(store.expire_push_subscriptions(before).await.unwrap(), 1);
    let left = store.push_subscriptions_after(None, 10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].endpoint.ends_with("/push/2"));
}

#[tokio::test]
async fn a_change_of_the_rules_is_pushed_to_the_phones_following_its_communes() {
    let th = town_hall_with(|s| s.push_allow_private = true).await;
    let token = th.staff_token().await;
    let (service, received) = push_service().await;
    let (nice, eze, picky, old) = (Device::new(), Device::new(), Device::new(), Device::new());
    for (d, path, communes, min, understands) in [
        (&nice, "/ok/nice", ["06088"], "minor", true),
        (&eze, "/ok/eze", ["06059"], "moderate", true),
        (&picky, "/ok/picky", ["06088"], "severe", true),
        // A page from before such pushes: it would show one as an alert.
        (&old, "/ok/old", ["06088"], "minor", false),
    ] {
        let mut body = d.subscription(&format!("{service}{path}"), &communes, min);
        if understands {
            body["measures"] = json!(true);
        }
        let (status, answer) = send(&th, Method::POST, &body, "fr").await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    let count = |path: &'static str| {
        let r = received.clone();
        move || paths(&r).iter().filter(|p| *p == path).count()
    };
    let (n, e, p, o) = (
        count("/ok/nice"),
        count("/ok/eze"),
        count("/ok/picky"),
        count("/ok/old"),
    );
    wait_for_all(|| n() == 1 && e() == 1 && p() == 1 && o() == 1).await;
    let write = |method: Method, path: String, body: Option<Value>| {
        let th = &th;
        let token = &token;
        async move {
            let mut req = th.staff(method, &path, token);
            if let Some(body) = body {
                req = req.json(&body);
            }
            let resp = req.send().await.unwrap();
            assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
            resp.json::<Value>().await.unwrap()
        }
    };
    let curfew = json!({
        "rule": {"kind": "curfew", "from": "21:00", "until": "06:00"},
        "communes": ["06088"], "since": "2026-11-20T00:00:00+01:00"
    });

    // A curfew for Nice: Nice's phone is told, with nothing but that the
    // rules changed; not Èze's, nor the one that wants severe alerts only,
    // nor the page that would not understand.
    let m = write(Method::POST, "/admin/measures".into(), Some(curfew.clone())).await;
    wait_for_all(|| n() == 2).await;
    let (headers, body) = {
        let seen = received.lock().unwrap();
        let (_, h, b) = seen
            .iter()
            .filter(|(p, ..)| p == "/ok/nice")
            .nth(1)
            .unwrap()
            .clone();
        (h, b)
    };
    assert_eq!(nice.decrypt(&body), json!({"measures": true}));
    assert_eq!(headers["urgency"], "normal");
    assert_eq!(headers["topic"], "measures");
    // Moved to Èze: both communes it touches are told.
    let mut moved = curfew.clone();
    moved["communes"] = json!(["06059"]);
    let id = m["id"].as_str().unwrap();
    write(
        Method::PUT,
        format!("/admin/measures/{id}?version=1"),
        Some(moved),
    )
    .await;
    wait_for_all(|| n() == 3 && e() == 2).await;
    // Withdrawn: Èze's phone is told.
    write(
        Method::DELETE,
        format!("/admin/measures/{id}?version=2"),
        None,
    )
    .await;
    wait_for_all(|| e() == 3).await;
    // A measure long over, corrected: no news for anyone. Then one for the
    // whole territory: every phone that takes such news, and only those.
    let mut ended = curfew.clone();
    ended["until"] = json!("2026-11-21T00:00:00+01:00");
    let over = write(Method::POST, "/admin/measures".into(), Some(ended.clone())).await;
    ended["rule"]["from"] = json!("20:00");
    let over_id = over["id"].as_str().unwrap();
    write(
        Method::PUT,
        format!("/admin/measures/{over_id}?version=1"),
        Some(ended),
    )
    .await;
    write(
        Method::POST,
        "/admin/measures".into(),
        Some(json!({"rule": {"kind": "masks", "required": "everywhere"}, "since": "2026-11-01T00:00:00+01:00"})),
    )
    .await;
    wait_for_all(|| n() == 4 && e() == 4).await;
    assert_eq!(p(), 1, "a change of rules weighs as a moderate alert");
    assert_eq!(o(), 1, "a page from before is never sent one");
    let eze_last = received
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, ..)| p == "/ok/eze")
        .nth(3)
        .unwrap()
        .2
        .clone();
    assert_eq!(eze.decrypt(&eze_last), json!({"measures": true}));
}

/// A phone's app (UnifiedPush on Android; `docs/mobile.md`): the resident
/// core makes its keys, subscribes with the endpoint the phone's push system
/// gave, and reads each push as the system hands it over: the confirmation,
/// then alerts fetched, verified against the pinned key and notified in the
/// resident's language. The subscription follows every commune, so the
/// server never learns which the resident follows. A push not encrypted for
/// its keys, altered or too long is ignored; a new endpoint ends the old
/// subscription; once unsubscribed, a push is refused with a clear message.
#[tokio::test]
async fn a_phone_app_subscribes_and_each_push_makes_it_fetch_verify_and_notify() {
    use beffroi_client::error::ClientError;
    use beffroi_client::push::PushReceived;
    use beffroi_domain::Lang;
    use beffroi_domain::l10n::Localize;
    use beffroi_tests::{Recorder, resident};
    use std::sync::Arc;

    let th = town_hall_with(|s| s.push_allow_private = true).await;
    let token = th.staff_token().await;
    let (service, received) = push_service().await;
    let bodies = |path: &str| -> Vec<Vec<u8>> {
        received
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, ..)| p == path)
            .map(|(.., b)| b.clone())
            .collect()
    };
    let r = resident(&th.url);
    crate::alerts::in_nice(&r, Lang::It);
    let recorder = Arc::new(Recorder::default());
    r.client.set_notifier(recorder.clone());
    // Not subscribed yet: a push is refused, in the resident's language.
    let err = r.client.receive_push(b"anything").await.unwrap_err();
    assert!(matches!(err, ClientError::PushNotSubscribed), "{err}");
    let it = beffroi_domain::i18n::Localizer::shared(Lang::It).unwrap();
    assert_eq!(
        it.render(&err.msg()),
        "Questo dispositivo non è iscritto alle notifiche push del comune."
    );
    r.client.sync().await.unwrap();

    let phone = format!("{service}/ok/phone");
    let status = r.client.subscribe_push(&phone).await.unwrap();
    assert_eq!(status.endpoint.as_deref(), Some(phone.as_str()));
    assert!(status.confirmed_at.is_none(), "not confirmed yet");
    assert_eq!(stored(&th).await, 1);
    wait_for_all(|| bodies("/ok/phone").len() == 1).await;
    assert_eq!(
        r.client
            .receive_push(&bodies("/ok/phone")[0])
            .await
            .unwrap(),
        PushReceived::Confirmed
    );
    let status = r.client.push_status().unwrap();
    assert!(status.confirmed_at.is_some() && status.last_push_at.is_some());

    // An alert for Nice: the push makes the device fetch, verify and notify it.
    crate::alerts::publish(
        &th,
        &token,
        &crate::alerts::draft("Confinement dès midi", Some(&["06088"])),
    )
    .await;
    wait_for_all(|| bodies("/ok/phone").len() == 2).await;
    let push = bodies("/ok/phone")[1].clone();
    assert_eq!(
        r.client.receive_push(&push).await.unwrap(),
        PushReceived::Alerts { new: 1 }
    );
    assert_eq!(recorder.summaries(), ["Confinement dès midi"]);
    let alerts = r.client.alerts().unwrap();
    assert_eq!(alerts.len(), 1);
    assert!(alerts[0].concerns_me);
    // The same push again (a push service may deliver twice): nothing new.
    assert_eq!(
        r.client.receive_push(&push).await.unwrap(),
        PushReceived::Alerts { new: 0 }
    );
    assert_eq!(recorder.summaries().len(), 1);

    // An alert for Èze only reaches this phone too (every commune is
    // followed): fetched, and not notified, since it does not concern them.
    crate::alerts::publish(
        &th,
        &token,
        &crate::alerts::draft("Pour Èze seulement", Some(&["06059"])),
    )
    .await;
    wait_for_all(|| bodies("/ok/phone").len() == 3).await;
    let eze = bodies("/ok/phone")[2].clone();
    assert_eq!(
        r.client.receive_push(&eze).await.unwrap(),
        PushReceived::Alerts { new: 1 }
    );
    assert_eq!(recorder.summaries().len(), 1);
    assert_eq!(r.client.alerts().unwrap().len(), 2);

    // A curfew for Nice: the push says only that the rules changed; the
    // device fetches them.
    let rules_in_nice = || -> usize {
        r.client
            .rules(time::OffsetDateTime::now_utc())
            .unwrap()
            .iter()
            .map(|p| p.rules.len())
            .sum()
    };
    assert_eq!(rules_in_nice(), 0);
    let resp = th
        .staff(Method::POST, "/admin/measures", &token)
        .json(&json!({
            "rule": {"kind": "curfew", "from": "21:00", "until": "06:00"},
            "communes": ["06088"], "since": "2026-11-20T00:00:00+01:00"
        }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    wait_for_all(|| bodies("/ok/phone").len() == 4).await;
    assert_eq!(
        r.client
            .receive_push(&bodies("/ok/phone")[3])
            .await
            .unwrap(),
        PushReceived::Rules
    );
    assert_eq!(rules_in_nice(), 1);
    // And tells the resident, as the live stream would.
    assert_eq!(recorder.summaries().len(), 2, "{:?}", recorder.summaries());

    // Bytes anyone could send to the endpoint: ignored, nothing changes.
    let mut altered = eze.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    // A push for another device's keys.
    let for_another = {
        use web_push_native::p256::PublicKey;
        let key = web_push_native::p256::SecretKey::random(
            &mut web_push_native::p256::elliptic_curve::rand_core::OsRng,
        );
        let auth = web_push_native::Auth::clone_from_slice(&rand_auth());
        web_push_native::WebPushBuilder::new(
            "https://push.example.net/x".parse().unwrap(),
            PublicKey::from(key.public_key()),
            auth,
        )
        .build(br#"{"alert":"x","cursor":1}"#.to_vec())
        .unwrap()
        .into_body()
    };
    let before = r.client.push_status().unwrap();
    for bad in [altered, vec![0; 10], vec![7; 5000], for_another, Vec::new()] {
        assert_eq!(
            r.client.receive_push(&bad).await.unwrap(),
            PushReceived::Ignored
        );
    }
    assert_eq!(r.client.alerts().unwrap().len(), 2);
    assert_eq!(recorder.summaries().len(), 2);
    assert_eq!(r.client.push_status().unwrap(), before, "not even its time");

    // Renewed when due only; a renewal keeps one subscription.
    let now = time::OffsetDateTime::now_utc();
    let renewed = r.client.renew_push(now).await.unwrap().unwrap();
    assert_eq!(renewed.subscribed_at, status.subscribed_at, "not due");
    let renewed = r
        .client
        .renew_push(now + time::Duration::days(2))
        .await
        .unwrap()
        .unwrap();
    assert!(renewed.subscribed_at > status.subscribed_at);
    assert!(renewed.confirmed_at.is_some(), "the same subscription");
    assert_eq!(stored(&th).await, 1);

    // The phone's push system gave a new endpoint: the old one is ended,
    // and the new one has new keys. Its confirmation is read even when it
    // comes before the town hall's answer (the server sends it at once).
    let moved = format!("{service}/ok/phone-moved");
    let (status, confirmation) = tokio::join!(r.client.subscribe_push(&moved), async {
        wait_for_all(|| bodies("/ok/phone-moved").len() == 1).await;
        r.client
            .receive_push(&bodies("/ok/phone-moved")[0])
            .await
            .unwrap()
    });
    status.unwrap();
    assert_eq!(confirmation, PushReceived::Confirmed);
    let status = r.client.push_status().unwrap();
    assert_eq!(status.endpoint.as_deref(), Some(moved.as_str()));
    assert!(status.confirmed_at.is_some(), "{status:?}");
    assert_eq!(stored(&th).await, 1, "the old endpoint was ended");
    // What was sent to the old keys no longer reads, even replayed here.
    assert_eq!(
        r.client
            .receive_push(&bodies("/ok/phone")[0])
            .await
            .unwrap(),
        PushReceived::Ignored
    );

    // The resident chose another town hall: the renewal subscribes there
    // and ends the subscription on the first.
    let th2 = town_hall_with(|s| s.push_allow_private = true).await;
    r.client.set_server(&th2.url).unwrap();
    let status = r.client.renew_push(now).await.unwrap().unwrap();
    assert_eq!(status.endpoint.as_deref(), Some(moved.as_str()));
    assert_eq!((stored(&th).await, stored(&th2).await), (0, 1));

    // Unsubscribed: ended on the server, and pushes are no longer read.
    assert!(r.client.unsubscribe_push().await.unwrap());
    assert_eq!(stored(&th2).await, 0);
    assert!(!r.client.unsubscribe_push().await.unwrap());
    assert_eq!(r.client.push_status().unwrap().endpoint, None);
    assert!(matches!(
        r.client.receive_push(&eze).await,
        Err(ClientError::PushNotSubscribed)
    ));
}
