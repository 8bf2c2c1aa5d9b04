//! The advice pages end to end: publishers write them (versioned, per
//! language, for the territory or some communes), the demo seeds three,
//! devices sync them and read them offline, anyone opens a page's link with
//! no app, and hostile Markdown renders inert everywhere.

use std::time::Duration;

use beffroi_domain::Role;
use beffroi_tests::{TownHall, get_json, resident, town_hall};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// What an attacker with a publisher's account might paste.
const HOSTILE: &str = "## Piscines\n\nFermées jusqu'à nouvel ordre.\n\n\
<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n\
[Réserver](javascript:alert(1)) · [Mairie](https://www.nice.fr)\n\n\
![suivi](https://tracker.example/pixel.gif)\n\n\
<iframe src=\"https://evil.example\"></iframe>\n";

fn pools() -> Value {
    json!({
        "id": "piscines",
        "communes": ["06088"],
        "texts": [
            {"lang": "fr", "title": "Piscines fermées", "body": HOSTILE},
            {"lang": "en", "title": "Swimming pools closed", "body": "Closed until further notice."}
        ]
    })
}

/// Asserts a page's HTML carries no active content, whatever was written:
/// raw HTML reads as escaped text, so every `<` left opens real markup.
fn assert_inert(html: &str) {
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap().to_ascii_lowercase();
        let name = tag.split_whitespace().next().unwrap_or_default();
        for banned in ["script", "img", "iframe", "object", "embed", "svg", "style"] {
            assert_ne!(name.trim_start_matches('/'), banned, "<{tag}> in {html}");
        }
        for banned in ["onerror", "onclick", "onload", "javascript:", "style="] {
            assert!(!tag.contains(banned), "<{tag}> in {html}");
        }
    }
    assert!(
        !html.contains("tracker.example"),
        "an image's address in {html}"
    );
}

async fn ids(th: &TownHall, path: &str, lang: &str) -> Vec<String> {
    let pages: Value = reqwest::Client::new()
        .get(th.api(path))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    pages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn publishers_write_advice_pages_and_bad_input_stores_nothing() {
    let th = town_hall().await;
    let admin = th.staff_token().await;
    let editor = th.staff_with_role("e.martin", Role::Editor).await;

    // The demo's pages, in three languages.
    let seeded = get_json(&th.api("/advice?since=0")).await;
    let mut seeded_ids: Vec<&str> = seeded["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    seeded_ids.sort_unstable();
    assert_eq!(
        seeded_ids,
        ["confinement", "gestes-barrieres", "plan-familial"]
    );
    assert_eq!(seeded["items"][0]["texts"].as_array().unwrap().len(), 3);

    // Only publishers speak for the town hall.
    let (status, _) = th
        .send(Method::POST, "/admin/advice", &editor, Some(&pools()), "fr")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = reqwest::Client::new()
        .post(th.api("/admin/advice"))
        .json(&pools())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // Bad input is said in the writer's language, and nothing is stored.
    let mut bad_id = pools();
    bad_id["id"] = json!("Piscines Nice");
    let mut oversize = pools();
    oversize["texts"][1]["body"] = json!("a".repeat(20_001));
    let mut outside = pools();
    outside["communes"] = json!(["75056"]);
    let mut untitled = pools();
    untitled["texts"][0]["title"] = json!(" ");
    let mut empty = pools();
    empty["texts"] = json!([]);
    for (body, lang, status, message) in [
        (
            &bad_id,
            "fr",
            StatusCode::UNPROCESSABLE_ENTITY,
            "« Piscines Nice » ne peut pas être l'identifiant d'une page",
        ),
        (
            &oversize,
            "en",
            StatusCode::UNPROCESSABLE_ENTITY,
            "The text (en) has 20001 characters: 20000 at most.",
        ),
        (
            &outside,
            "fr",
            StatusCode::UNPROCESSABLE_ENTITY,
            "La commune 75056 ne fait pas partie du territoire.",
        ),
        (
            &untitled,
            "it",
            StatusCode::UNPROCESSABLE_ENTITY,
            "Il testo (fr) non ha titolo.",
        ),
        (
            &empty,
            "en",
            StatusCode::UNPROCESSABLE_ENTITY,
            "A page needs a title and a text in at least one language.",
        ),
    ] {
        let (got, answer) = th
            .send(Method::POST, "/admin/advice", &admin, Some(body), lang)
            .await;
        assert_eq!(got, status, "{answer}");
        let said = answer["error"]["message"].as_str().unwrap();
        assert!(said.starts_with(message), "{said}");
    }
    assert_eq!(
        get_json(&th.api("/advice?since=0")).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "nothing stored"
    );

    let (status, v1) = th
        .send(Method::POST, "/admin/advice", &admin, Some(&pools()), "fr")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v1}");
    assert_eq!(v1["version"], 1);
    // An identifier is one page's.
    let (status, body) = th
        .send(Method::POST, "/admin/advice", &admin, Some(&pools()), "fr")
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("existe déjà")
    );

    // The web app's read: the territory's pages and the communes', in the
    // reader's language (else French), rendered inert.
    assert!(
        !ids(&th, "/advice/pages?communes=06027", "en")
            .await
            .contains(&"piscines".to_owned()),
        "a page for Nice is not Cagnes'"
    );
    let nice = ids(&th, "/advice/pages?communes=06088", "en").await;
    assert_eq!(nice[0], "piscines", "the latest changed first");
    assert_eq!(nice.len(), 4);
    let pages: Value = reqwest::Client::new()
        .get(th.api("/advice/pages?communes=06088"))
        .header("accept-language", "it")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page = &pages[0];
    assert_eq!(
        (page["lang"].as_str(), page["title"].as_str()),
        (Some("fr"), Some("Piscines fermées")),
        "no Italian text: the French one"
    );
    let html = page["html"].as_str().unwrap();
    assert_inert(html);
    assert!(
        html.contains("<h3>Piscines</h3>"),
        "headings one level down: {html}"
    );
    assert!(html.contains("&lt;script&gt;"), "raw HTML reads as text");
    assert!(html.contains(
        r#"<a href="https://www.nice.fr" rel="noopener noreferrer nofollow">Mairie</a>"#
    ));
    let plan = &pages
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "plan-familial")
        .unwrap();
    assert_eq!(plan["lang"], "it", "the demo speaks Italian");
    let resp = reqwest::get(th.api("/advice/pages?communes=nice"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    // The public page, with no app and no script.
    let resp = reqwest::get(format!("{}/advice/piscines?lang=it", th.url))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let text = resp.text().await.unwrap();
    assert!(text.contains("<h1 id=\"title\" dir=\"auto\">Piscines fermées</h1>"));
    assert!(text.contains("non è ancora tradotta"), "said in Italian");
    assert!(text.contains("Nice"), "for whom");
    let body = text
        .split_once(r#"<div id="advice-body" dir="auto">"#)
        .and_then(|(_, rest)| rest.split_once("</div>\n</article>"))
        .unwrap()
        .0;
    assert_inert(body);
    assert!(body.contains("&lt;script&gt;"));
    assert!(!text.contains("<script"), "the page has no script at all");
    let resp = reqwest::get(format!("{}/advice/nope", th.url))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    // Versions: a stale change is refused, a withdrawal is a tombstone.
    let mut v2 = pools();
    v2["texts"][1]["body"] = json!("Open again from Monday.");
    let (status, changed) = th
        .send(
            Method::PUT,
            "/admin/advice/piscines?version=1",
            &admin,
            Some(&v2),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["version"], 2);
    let (status, body) = th
        .send(
            Method::PUT,
            "/admin/advice/piscines?version=1",
            &admin,
            Some(&v2),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("version 2")
    );
    let cursor = get_json(&th.api("/advice?since=0")).await["next_cursor"].clone();
    let (status, _) = th
        .send(
            Method::DELETE,
            "/admin/advice/piscines?version=2",
            &admin,
            None,
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let after = get_json(&th.api(&format!("/advice?since={cursor}"))).await;
    assert_eq!(after["deleted"], json!(["piscines"]));
    let history = th
        .staff_json("/admin/advice/piscines/history", &admin)
        .await;
    assert_eq!(history.as_array().unwrap().len(), 3);
    let public = reqwest::get(th.api("/admin/advice/piscines/history"))
        .await
        .unwrap();
    assert_eq!(
        public.status(),
        StatusCode::UNAUTHORIZED,
        "a withdrawn page's words are staff's only"
    );
    let resp = reqwest::get(format!("{}/advice/piscines", th.url))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND, "withdrawn");
    let audit = th.staff_json("/admin/audit", &admin).await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == "piscines")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["advice-withdrawn", "advice-changed", "advice-created"]
    );

    // Three texts at their longest, in two-byte characters, go through.
    let texts: Vec<Value> = ["fr", "en", "it"]
        .iter()
        .map(|lang| json!({"lang": lang, "title": "é".repeat(120), "body": "é".repeat(20_000)}))
        .collect();
    let longest = json!({"id": "longue", "texts": texts});
    let (status, body) = th
        .send(Method::POST, "/admin/advice", &admin, Some(&longest), "fr")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut escape = pools();
    escape["id"] = json!("echappement");
    escape["texts"][1]["body"] = json!("Fine \u{1b}]52;c;ZXZpbA==\u{7}");
    let (status, body) = th
        .send(Method::POST, "/admin/advice", &admin, Some(&escape), "en")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The text (en) has a control character"),
        "{body}"
    );

    // The console's preview renders as devices will.
    let (status, preview) = th
        .send(
            Method::POST,
            "/admin/advice-preview",
            &admin,
            Some(&json!({"body": HOSTILE})),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_inert(preview["html"].as_str().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn devices_read_their_pages_offline_get_new_ones_live_and_drop_withdrawn_ones() {
    use std::sync::Arc;

    let mut th = town_hall().await;
    let admin = th.staff_token().await;
    let r = resident(&th.url);
    let mut settings = r.client.settings().unwrap();
    settings.lang = Some(beffroi_domain::Lang::En);
    settings.home_commune = Some("06027".parse().unwrap());
    r.client.set_settings(&settings).unwrap();
    r.client.sync().await.unwrap();
    let titles = |client: &beffroi_client::Client| -> Vec<String> {
        client
            .advice_pages()
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    let mut seen = titles(&r.client);
    seen.sort_unstable();
    assert_eq!(seen, ["confinement", "gestes-barrieres", "plan-familial"]);

    let client = Arc::new(r.client);
    let online = Arc::new(tokio::sync::Notify::new());
    let told = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let listener = tokio::spawn({
        let (client, online, told) = (client.clone(), online.clone(), told.clone());
        async move {
            client
                .listen(
                    |_| {},
                    move |up| {
                        if up {
                            online.notify_one();
                        }
                    },
                    |_| {},
                    move |what| {
                        if what == beffroi_client::Content::Advice {
                            told.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        }
                    },
                )
                .await
        }
    });
    tokio::time::timeout(Duration::from_secs(10), online.notified())
        .await
        .unwrap();

    // A page for Cagnes arrives while the app is open (a page for Nice is
    // kept too, for an alert may link to it, but not listed).
    let mut cagnes = pools();
    cagnes["id"] = json!("marches");
    cagnes["communes"] = json!(["06027"]);
    let (status, _) = th
        .send(Method::POST, "/admin/advice", &admin, Some(&cagnes), "fr")
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = th
        .send(Method::POST, "/admin/advice", &admin, Some(&pools()), "fr")
        .await;
    assert_eq!(status, StatusCode::CREATED);
    tokio::time::timeout(Duration::from_secs(5), async {
        while client.advice_page("piscines").unwrap().is_none() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the pages arrive live");
    assert!(
        told.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the app is told, to show them"
    );
    assert_eq!(
        titles(&client)[0],
        "marches",
        "the latest first, and not Nice's"
    );
    assert_eq!(titles(&client).len(), 4);
    listener.abort();

    // Offline: the pages read as they were synced, in English, inert.
    th.stop().await;
    let page = client.advice_page("marches").unwrap().unwrap();
    assert_eq!(page.title, "Swimming pools closed");
    let fr = client.advice_source("plan-familial").unwrap().unwrap();
    assert_eq!(fr.lang, beffroi_domain::Lang::En);
    let nice = client.advice_page("piscines").unwrap().unwrap();
    assert_inert(&nice.html);

    // Withdrawn while the device was away: gone at the next sync.
    th.restart().await;
    let (status, _) = th
        .send(
            Method::DELETE,
            "/admin/advice/marches?version=1",
            &admin,
            None,
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    client.sync().await.unwrap();
    assert!(client.advice_page("marches").unwrap().is_none());
    assert_eq!(titles(&client).len(), 3);
}
