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
    let first = beffroi_server::keys::KeyRing::open(dir.path()).unwrap();
    let again = beffroi_server::keys::KeyRing::open(dir.path()).unwrap();
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
