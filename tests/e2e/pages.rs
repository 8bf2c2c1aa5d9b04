//! The public page of an alert, which a resident shares by link: it reads
//! with no app and no script, in the reader's language, with the headline and
//! level in the link preview, and follows the alert to its all-clear.

use beffroi_domain::alert::{AlertLevel, Severity, Urgency};
use beffroi_tests::{resident, town_hall};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

use crate::alerts::{call, cancel, draft, publish, thread_of};

/// `GET url` with `Accept-Language: accept`: status, headers and body.
async fn page(url: &str, accept: Option<&str>) -> (StatusCode, header::HeaderMap, String) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(accept) = accept {
        req = req.header(header::ACCEPT_LANGUAGE, accept);
    }
    let resp = req.send().await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.text().await.unwrap())
}

#[tokio::test]
async fn a_shared_alert_opens_as_a_public_page_with_no_script_in_the_readers_language() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    // Staff text is text: markup in it is shown, never run.
    let mut body = draft(
        "Confinement <script>alert(1)</script> à Nice",
        Some(&["06088"]),
    );
    body["texts"][0]["contact"] = json!("04 93 00 00 00 \"mairie\"");
    body["texts"][0]["web"] = json!("https://www.nice.fr/confinement?a=1&b=2");
    let id = publish(&th, &token, &body).await;
    let thread = thread_of(&th, &token, &id).await;

    // The link the resident's app shares is this page.
    let device = resident(&th.url);
    let link = device.client.alert_link(&thread).unwrap();
    assert_eq!(link, format!("{}/alerts/{thread}", th.url));

    // French by default.
    let (status, headers, html) = page(&link, None).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(headers[header::CONTENT_LANGUAGE], "fr");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains(r#"<html lang="fr">"#), "{html}");
    let escaped = "Confinement &#60;script&#62;alert(1)&#60;/script&#62; à Nice";
    assert!(
        html.contains(&format!(
            r#"<meta property="og:title" content="{escaped}">"#
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<h1 id="headline" lang="fr" dir="auto">{escaped}</h1>"#
        )),
        "{html}"
    );
    // The level, its standard call to action, the area and the issuer are
    // all in the preview and on the page.
    let level = AlertLevel::of(Severity::Severe, Urgency::Immediate);
    assert_eq!(level, AlertLevel::Emergency);
    assert!(
        html.contains(
            r#"<meta property="og:description" content="Urgence : agissez · Grave · Nice">"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"class="level level-emergency""#), "{html}");
    assert!(html.contains("Agissez maintenant pour vous mettre en sécurité."));
    assert!(
        html.contains("Sortez seulement pour l&#39;essentiel."),
        "{html}"
    );
    assert!(
        html.contains("Émis par Métropole Nice Côte d&#39;Azur"),
        "{html}"
    );
    assert!(html.contains("04 93 00 00 00 &#34;mairie&#34;"), "{html}");
    assert!(
        html.contains(r#"href="https://www.nice.fr/confinement?a=1&#38;b=2""#),
        "{html}"
    );
    assert!(html.contains(&format!(r#"href="{}/cap/alerts/{thread}.xml""#, th.url)));

    // In English when the browser asks for it (the alert's English text),
    // or when the reader picks it.
    for (url, accept) in [
        (link.clone(), Some("en-GB,en;q=0.9")),
        (format!("{link}?lang=en"), Some("it")),
    ] {
        let (status, headers, html) = page(&url, accept).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_LANGUAGE], "en", "{url}");
        assert!(
            html.contains(r#"<h1 id="headline" lang="en" dir="auto">Lockdown</h1>"#),
            "{html}"
        );
        assert!(html.contains("Emergency: act now"), "{html}");
    }
    // Italian labels; the alert has no Italian text, so French it is.
    let (_, _, html) = page(&format!("{link}?lang=it"), None).await;
    assert!(html.contains(r#"<html lang="it">"#));
    assert!(html.contains(r#"<h1 id="headline" lang="fr""#), "{html}");

    // Updated, then cancelled: the page follows, from any message's link,
    // and ends on the all-clear.
    let (status, _) = call(
        &th,
        Method::POST,
        &format!("/admin/alerts/{id}/update"),
        &token,
        Some(&draft("Confinement prolongé", Some(&["06088"]))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, html) = page(&link, None).await;
    assert!(html.contains(">Confinement prolongé</h1>"), "{html}");
    assert!(html.contains("<li>Mise à jour — <time"), "{html}");
    let cancelled = cancel(&th, &token, &id).await;
    let last = cancelled["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    for url in [link.clone(), format!("{}/alerts/{last}", th.url)] {
        let (status, _, html) = page(&url, None).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(html.contains(r#"class="level level-all_clear""#), "{html}");
        assert!(html.contains("Fin d&#39;alerte"), "{html}");
        assert!(
            html.contains(r#"<span class="badge" id="state">Annulée</span>"#),
            "{html}"
        );
        // The canonical link is the first message's.
        assert!(
            html.contains(&format!(r#"<link rel="canonical" href="{link}">"#)),
            "{html}"
        );
    }
}

#[tokio::test]
async fn no_page_for_an_unknown_alert_or_a_draft() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let (status, created) = call(
        &th,
        Method::POST,
        "/admin/alerts",
        &token,
        Some(&draft("Brouillon secret", None)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let draft_id = created["id"].as_str().unwrap();
    let long = "x".repeat(5000);
    for id in [draft_id, "nope", "%3Cscript%3E", long.as_str()] {
        let (status, headers, html) = page(&format!("{}/alerts/{id}", th.url), Some("en")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert!(html.contains("<h1>Alert not found</h1>"), "{html}");
        assert!(!html.contains("Brouillon secret"));
        assert!(!html.contains("<script"));
    }
}

#[test]
fn an_identifier_from_elsewhere_is_one_path_segment() {
    assert_eq!(
        beffroi_client::alert_link("https://alertes.nice.fr/", "urn:oid:2.49/x?y#z"),
        "https://alertes.nice.fr/alerts/urn%3Aoid%3A2.49%2Fx%3Fy%23z"
    );
}
