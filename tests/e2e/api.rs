//! The HTTP API as a client sees it: shapes, status codes, error bodies.

use beffroi_domain::Role;
use beffroi_tests::{get_json, town_hall};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn error_of(resp: reqwest::Response) -> (StatusCode, String, String) {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    (
        status,
        body["error"]["code"].as_str().unwrap().to_owned(),
        body["error"]["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn health_and_the_51_communes_of_the_demo_territory() {
    let th = town_hall().await;
    let health: Value = get_json(&format!("{}/healthz", th.url)).await;
    assert_eq!(health["status"], "ok");

    let page: Value = get_json(&th.api("/communes")).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 51);
    assert_eq!(page["has_more"], false);
    let nice = items.iter().find(|c| c["code"] == "06088").unwrap();
    assert_eq!(nice["name"], "Nice");

    // Paging follows the cursor and ends with nothing left.
    let first: Value = get_json(&th.api("/communes?limit=20")).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["has_more"], true);
    let next = first["next_cursor"].as_u64().unwrap();
    let rest: Value = get_json(&th.api(&format!("/communes?since={next}&limit=1000"))).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 31);
    let end = rest["next_cursor"].as_u64().unwrap();
    let empty: Value = get_json(&th.api(&format!("/communes?since={end}"))).await;
    assert_eq!(empty["items"].as_array().unwrap().len(), 0);
    assert_eq!(empty["next_cursor"].as_u64().unwrap(), end);
}

#[tokio::test]
async fn openapi_lists_every_api_route() {
    let th = town_hall().await;
    let doc = get_json(&th.api("/openapi.json")).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/communes", "get"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/admin/staff", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/places", "get"),
        ("/api/v1/categories", "get"),
        ("/api/v1/places/{id}", "get"),
        ("/api/v1/admin/places", "get"),
        ("/api/v1/admin/places", "post"),
        ("/api/v1/admin/places/{id}", "put"),
        ("/api/v1/admin/places/{id}", "delete"),
        ("/api/v1/admin/places/import", "post"),
        ("/api/v1/admin/alerts", "get"),
        ("/api/v1/admin/alerts", "post"),
        ("/api/v1/admin/alerts/{id}", "get"),
        ("/api/v1/admin/alerts/{id}", "put"),
        ("/api/v1/admin/alerts/{id}/preview", "get"),
        ("/api/v1/admin/alerts/{id}/publish", "post"),
        ("/api/v1/admin/alerts/{id}/update", "post"),
        ("/api/v1/admin/alerts/{id}/cancel", "post"),
        ("/api/v1/admin/audit", "get"),
        ("/api/v1/keys", "get"),
        ("/api/v1/alerts", "get"),
        ("/api/v1/alerts/stream", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
    // And every documented route exists: the router never answers "no such
    // resource" (a templated path may still say that its resource is unknown).
    let http = reqwest::Client::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let url = format!("{}{}", th.url, path.replace("{id}", "unknown-id"));
            let resp = http
                .request(method.to_uppercase().parse().unwrap(), url)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            if resp
                .headers()
                .get("content-type")
                .is_some_and(|t| t == "text/event-stream")
            {
                // A live stream never ends: its answering is enough.
                assert_eq!(status, StatusCode::OK, "{path}");
                continue;
            }
            let text = resp.text().await.unwrap();
            assert!(
                status != StatusCode::NOT_FOUND
                    || (path.contains('{') && !text.contains("no such resource")),
                "{method} {path}: {status} {text}"
            );
        }
    }
}

#[tokio::test]
async fn bad_input_gets_json_errors() {
    let th = town_hall().await;
    let http = reqwest::Client::new();

    let (status, code, _) = error_of(http.get(th.api("/nope")).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    let (status, code, _) = error_of(http.delete(th.api("/communes")).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );

    let resp = http
        .post(th.api("/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(resp).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_json")
    );

    let resp = http
        .post(th.api("/auth/login"))
        .json(&json!({"username": "demo"}))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_of(resp).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    assert!(message.contains("password"), "{message}");

    let resp = http
        .post(th.api("/auth/login"))
        .body("username=demo")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let (status, code, _) =
        error_of(http.get(th.api("/communes?since=-4")).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );

    let huge = json!({"username": "demo", "password": "x".repeat(200_000)});
    let resp = http
        .post(th.api("/auth/login"))
        .json(&huge)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(resp).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
}

#[tokio::test]
async fn staff_routes_need_a_valid_token_and_role() {
    let th = town_hall().await;
    let http = reqwest::Client::new();

    let (status, _, _) = error_of(http.get(th.api("/auth/me")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let resp = th
        .staff(Method::GET, "/auth/me", "forged")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(resp).await.0, StatusCode::UNAUTHORIZED);

    // A wrong password and an unknown user are refused the same way.
    let wrong_password = http
        .post(th.api("/auth/login"))
        .json(&json!({"username": "demo", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    let unknown_user = http
        .post(th.api("/auth/login"))
        .json(&json!({"username": "nobody", "password": th.demo.password}))
        .send()
        .await
        .unwrap();
    let a = error_of(wrong_password).await;
    let b = error_of(unknown_user).await;
    assert_eq!(a.0, StatusCode::UNAUTHORIZED);
    assert_eq!(a, b);
    assert!(!a.2.contains("demo") && !a.2.contains("nobody"));

    let token = th.staff_token().await;
    let me: Value = th.staff_json("/auth/me", &token).await;
    assert_eq!(me, json!({"username": "demo", "role": "admin"}));
    let staff = th
        .staff(Method::GET, "/admin/staff", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(staff.status(), StatusCode::OK);

    // An editor is authenticated but may not reach admin routes.
    let hash = beffroi_server::auth::hash_password("editor password 1").unwrap();
    th.state
        .store
        .add_staff(&"ed".parse().unwrap(), Role::Editor, hash)
        .await
        .unwrap();
    let editor = th.login("ed", "editor password 1").await.unwrap();
    let (status, code, _) = error_of(
        th.staff(Method::GET, "/admin/staff", &editor)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );

    // After logout the token is dead.
    let out = th
        .staff(Method::POST, "/auth/logout", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let resp = th
        .staff(Method::GET, "/auth/me", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn errors_never_leak_internals() {
    let th = town_hall().await;
    let http = reqwest::Client::new();
    let data_dir = th.data_dir().to_string_lossy().into_owned();
    for resp in [
        http.get(th.api("/nope")).send().await.unwrap(),
        http.post(th.api("/auth/login"))
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap(),
        th.staff(Method::GET, "/admin/staff", "x")
            .send()
            .await
            .unwrap(),
    ] {
        let text = resp.text().await.unwrap();
        for leak in [data_dir.as_str(), "sqlite", "SELECT", "panicked", "src/"] {
            assert!(!text.contains(leak), "{leak} in {text}");
        }
    }
}

#[tokio::test]
async fn password_guessing_is_slowed_per_address() {
    let th = town_hall().await;
    let from = |ip: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(ip))
            .build()
            .unwrap()
    };
    let (guesser, staff) = (from([127, 0, 0, 1]), from([127, 0, 0, 3]));
    let try_login = |client: &reqwest::Client, username: &str, password: &str| {
        client
            .post(th.api("/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
    };
    // Twenty accounts guessed once each (the account limit is another test).
    for i in 0..20 {
        let resp = try_login(&guesser, &format!("agent{i}"), "wrong-password")
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let try_login = |client: &reqwest::Client, password: &str| {
        try_login(client, th.demo.username.as_str(), password)
    };
    let resp = try_login(&guesser, &th.demo.password).await.unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even with the right one"
    );
    let resp = try_login(&staff, &th.demo.password).await.unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "another address is not slowed"
    );
}

#[tokio::test]
async fn one_account_is_limited_however_many_addresses_guess() {
    let th = town_hall().await;
    // Each guess from an address of its own (127.0.0.0/8 is all loopback).
    let from = |n: u8| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 1, n]))
            .build()
            .unwrap()
    };
    let login = |client: reqwest::Client, username: String, password: String| {
        let url = th.api("/auth/login");
        async move {
            client
                .post(url)
                .json(&json!({"username": username, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    let user = th.demo.username.as_str().to_owned();
    for n in 0..10 {
        let resp = login(from(n), user.clone(), "wrong".into()).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = login(from(50), user.clone(), th.demo.password.clone()).await;
    assert_eq!(
        resp.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even from a new address"
    );
    let err: serde_json::Value = resp.json().await.unwrap();
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ce compte"),
        "{err}"
    );
    // Another account is not slowed.
    let other = th
        .staff_with_role("eve", beffroi_domain::Role::Editor)
        .await;
    assert!(!other.is_empty());
}

#[tokio::test]
async fn password_checks_are_bounded_the_rest_get_503_with_retry_after() {
    // Behind the operator's proxy every login seems to come from elsewhere.
    let th = beffroi_tests::town_hall_with(|s| {
        s.trusted_proxies = vec![std::net::IpAddr::from([127, 0, 0, 1])];
    })
    .await;
    let http = reqwest::Client::new();
    let logins = (0..80u32).map(|i| {
        let req = http
            .post(th.api("/auth/login"))
            .header("x-forwarded-for", format!("198.51.100.{}", i % 250))
            .json(&json!({"username": format!("agent{i}"), "password": "wrong"}));
        async move { req.send().await.unwrap() }
    });
    let answers = futures::future::join_all(logins).await;
    let mut busy = 0;
    for resp in answers {
        match resp.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(resp.headers()["retry-after"], "2");
                let err: serde_json::Value = resp.json().await.unwrap();
                assert_eq!(err["error"]["code"], "busy");
            }
            other => panic!("unexpected {other}"),
        }
    }
    // At most a few run and a few wait; the others are told to come back.
    assert!(busy >= 10, "{busy} of 80 told to come back");
}

#[tokio::test]
async fn errors_are_said_in_the_language_the_request_asks_for() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let long = json!({
        "status": "actual", "category": "health", "event": "Confinement",
        "urgency": "immediate", "severity": "severe", "certainty": "observed",
        "texts": [{"lang": "fr", "headline": "x".repeat(161), "description": ""}],
        "area": {"kind": "territory"}
    });
    let refused = |accept: Option<&'static str>| {
        let mut req = th.staff(Method::POST, "/admin/alerts", &token).json(&long);
        if let Some(a) = accept {
            req = req.header("accept-language", a);
        }
        async move { error_of(req.send().await.unwrap()).await }
    };
    // The domain's validation detail, in each language; French by default.
    for (accept, expected) in [
        (None, "Le titre (fr) a 161 caractères : 160 au plus."),
        (
            Some("en-GB,en;q=0.9"),
            "The headline (fr) has 161 characters: at most 160.",
        ),
        (
            Some("de-DE,it;q=0.8,en;q=0.5"),
            "Il titolo (fr) ha 161 caratteri: al massimo 160.",
        ),
        (
            Some("de-DE"),
            "Le titre (fr) a 161 caractères : 160 au plus.",
        ),
    ] {
        let (status, code, message) = refused(accept).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(code, "invalid_alert", "the code stays the same");
        assert_eq!(message, expected, "{accept:?}");
    }
    // The server's own refusals too (no route, no session), and Open311's.
    let resp = reqwest::Client::new()
        .get(th.api("/nowhere"))
        .header("accept-language", "it")
        .send()
        .await
        .unwrap();
    let (_, _, message) = error_of(resp).await;
    assert!(
        message.starts_with("Questa risorsa non esiste"),
        "{message}"
    );
    let resp = reqwest::Client::new()
        .get(th.api("/admin/alerts"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let (status, _, message) = error_of(resp).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(message.starts_with("Log in first"), "{message}");
    let open311 = |accept: &'static str| {
        reqwest::Client::new()
            .get(format!("{}/open311/v2/services/nothing.xml", th.url))
            .header("accept-language", accept)
            .send()
    };
    let xml = open311("it").await.unwrap().text().await.unwrap();
    assert!(xml.contains("service_code sconosciuto."), "{xml}");
    let resp = open311("fr").await.unwrap();
    assert_eq!(resp.headers()["vary"], "accept-language");
    let xml = resp.text().await.unwrap();
    assert!(xml.contains("service_code inconnu."), "{xml}");
}

#[tokio::test]
async fn the_console_cannot_be_framed_or_load_from_elsewhere_and_no_answer_is_sniffed() {
    let th = town_hall().await;
    for path in ["/console/", "/console/assets/none.js"] {
        let resp = reqwest::get(format!("{}{path}", th.url)).await.unwrap();
        let h = resp.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        for directive in [
            "frame-ancestors 'none'",
            "default-src 'self'",
            "script-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
    }
    // Every other answer too (the API's, an error's).
    let resp = reqwest::get(th.api("/nowhere")).await.unwrap();
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.headers()["x-frame-options"], "DENY");
}
