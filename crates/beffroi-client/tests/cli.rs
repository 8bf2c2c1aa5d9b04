//! The `beffroi` CLI against a real town hall, then with the town hall gone.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_beffroi");

fn beffroi(args: &[&str], data: &std::path::Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("BEFFROI_SERVER")
        .env("LANG", "fr_FR.UTF-8")
        .output()
        .unwrap()
}

/// Runs the CLI on `data` off the async runtime (the test's server runs on it).
fn run_in(data: &std::path::Path, args: &[&str]) -> tokio::task::JoinHandle<Output> {
    let data = data.to_owned();
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        beffroi(&args, &data)
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A demo town hall over `dir/srv`, serving on 127.0.0.1:0 until the test ends.
struct Hall {
    url: String,
    state: beffroi_server::AppState,
    demo: beffroi_server::demo::DemoCredentials,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn town_hall(
    dir: &std::path::Path,
    adjust: impl FnOnce(&mut beffroi_server::Settings),
) -> Hall {
    let mut settings = beffroi_server::Settings::new(dir.join("srv"));
    adjust(&mut settings);
    let state = beffroi_server::AppState::open(settings).await.unwrap();
    let demo = beffroi_server::demo::seed(state.store.as_ref())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(beffroi_server::serve(
        state.clone(),
        listener,
        std::future::pending(),
    ));
    Hall {
        url,
        state,
        demo,
        server,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_then_serve_communes_offline() {
    let dir = tempfile::tempdir().unwrap();
    let state =
        beffroi_server::AppState::open(beffroi_server::Settings::new(dir.path().join("srv")))
            .await
            .unwrap();
    beffroi_server::demo::seed(state.store.as_ref())
        .await
        .unwrap();
    let monaco = include_str!("../../../data/osm-monaco-pois.geojson");
    let format = beffroi_server::import::Format::GeoJson;
    beffroi_server::import::import_places(
        state.store.as_ref(),
        format,
        monaco,
        beffroi_domain::Lang::Fr,
        std::sync::Arc::default(),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(beffroi_server::serve(state, listener, async {
        let _ = stopped.await;
    }));
    let cache = dir.path().join("cache");

    let out = tokio::task::spawn_blocking({
        let (url, cache) = (url.clone(), cache.clone());
        move || beffroi(&["--server", &url, "sync"], &cache)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("51 communes"),
        "{}",
        text(&out.stdout)
    );

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();

    let out = beffroi(&["communes", "--json"], &cache);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let communes: Vec<beffroi_domain::Commune> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(communes.len(), 51);
    assert!(
        communes
            .iter()
            .any(|c| c.code.as_str() == "06088" && c.name == "Nice")
    );
    let notice = text(&out.stderr);
    assert!(
        notice.contains("Hors ligne") && notice.contains(&url),
        "{notice}"
    );

    let out = beffroi(&["--lang", "en", "sync"], &cache);
    assert_eq!(out.status.code(), Some(2), "offline sync exits 2");
    let notice = text(&out.stderr);
    assert!(
        notice.contains("Offline") && notice.contains("51 communes"),
        "{notice}"
    );

    let out = beffroi(&["communes"], &cache);
    assert!(text(&out.stdout).contains("06088  Nice"));

    // The directory answers offline, with each result's hours and state at the asked time.
    let out = beffroi(
        &[
            "search",
            "pharmacie",
            "--open-at",
            "2026-11-23T10:00:00+01:00",
            "--json",
        ],
        &cache,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = results.as_array().unwrap();
    assert!(
        !results.is_empty(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    for r in results {
        assert_eq!(r["state"], "open");
        assert!(r["place"]["opening_hours"].is_string());
        assert!(r["status"].as_str().unwrap().starts_with("Ouvert"));
    }
    let id = results[0]["place"]["id"].as_str().unwrap();
    let out = beffroi(&["place", id], &cache);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Horaires"),
        "{}",
        text(&out.stdout)
    );

    let out = beffroi(&["search", "--near", "95,7"], &cache);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Coordonnées hors limites"),
        "{}",
        text(&out.stderr)
    );
    let out = beffroi(&["search", "--open-at", "demain"], &cache);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("« demain » n'est pas une date RFC 3339"),
        "{}",
        text(&out.stderr)
    );
    let out = beffroi(&["place", "osm:node:0"], &cache);
    assert!(!out.status.success());
}

#[test]
fn bad_server_address_and_empty_cache_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let out = beffroi(&["--server", "not a url", "sync"], dir.path());
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Adresse de serveur « not a url » non valide"),
        "{}",
        text(&out.stderr)
    );

    let out = beffroi(&["sync"], dir.path());
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--server"),
        "{}",
        text(&out.stderr)
    );

    let out = beffroi(&["communes"], dir.path());
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("cache local est vide"),
        "{}",
        text(&out.stderr)
    );
}

/// Drafts and publishes an alert for the whole territory through the API.
async fn publish(url: &str, token: &str, headline: &str) {
    publish_to(
        url,
        token,
        headline,
        serde_json::json!({"kind": "territory"}),
    )
    .await;
}

/// Drafts and publishes an alert for `area` through the API.
async fn publish_to(url: &str, token: &str, headline: &str, area: serde_json::Value) {
    let http = reqwest::Client::new();
    let draft: serde_json::Value = http
        .post(format!("{url}/api/v1/admin/alerts"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "status": "actual", "category": "health", "event": "Confinement",
            "urgency": "immediate", "severity": "severe", "certainty": "observed",
            "texts": [{"lang": "fr", "headline": headline, "description": "Restez chez vous."}],
            "area": area
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = draft["id"].as_str().unwrap();
    let resp = http
        .post(format!("{url}/api/v1/admin/alerts/{id}/publish"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
}

async fn staff_token(url: &str, demo: &beffroi_server::demo::DemoCredentials) -> String {
    let token: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": demo.username.as_str(), "password": demo.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn places_stay_on_the_device_and_alerts_filter_by_place() {
    let dir = tempfile::tempdir().unwrap();
    let Hall {
        url, demo, server, ..
    } = town_hall(dir.path(), |_| {}).await;
    let token = staff_token(&url, &demo).await;
    publish_to(
        &url,
        &token,
        "Feu de forêt",
        serde_json::json!({"kind": "communes", "communes": ["06059"]}),
    )
    .await;
    publish(&url, &token, "Confinement").await;
    let cache = dir.path().join("cache");
    let run = |args: Vec<String>| {
        let cache = cache.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            beffroi(&args, &cache)
        })
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    let out = run(args(&["--server", &url, "places"])).await.unwrap();
    assert!(
        text(&out.stdout).contains("aucun lieu"),
        "{}",
        text(&out.stdout)
    );
    // Saved before any sync: the point's commune is found when the
    // communes' outlines arrive.
    for a in [
        &[
            "places",
            "add",
            "Maman",
            "--commune",
            "06059",
            "--min-severity",
            "severe",
        ][..],
        &["places", "add", "Travail", "--at", "43.6971,7.2706"][..],
    ] {
        let out = run(args(a)).await.unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("enregistré"),
            "{}",
            text(&out.stdout)
        );
    }
    let out = run(args(&["sync"])).await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(args(&["places"])).await.unwrap();
    let listed = text(&out.stdout);
    assert!(
        listed.contains("Maman — Èze — notifications : Grave"),
        "{listed}"
    );
    assert!(
        listed.contains("Travail — 43.69710,7.27060 (Nice) — notifications : toutes les alertes"),
        "{listed}"
    );
    // Out at sea: refused, nothing saved.
    let out = run(args(&["places", "add", "Bateau", "--at", "43.5,7.3"]))
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("hors du territoire"),
        "{}",
        text(&out.stderr)
    );
    let out = run(args(&["places", "--json"])).await.unwrap();
    let places: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(places.as_array().unwrap().len(), 2, "{places}");

    // The fire in Èze reaches Maman, the lockdown both places.
    let headlines = |out: Output| -> Vec<String> {
        let alerts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        alerts
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                a["message"]["texts"][0]["headline"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let maman = run(args(&["alerts", "--place", "maman", "--json"]))
        .await
        .unwrap();
    assert_eq!(headlines(maman), ["Confinement", "Feu de forêt"]);
    let work = run(args(&["alerts", "--place", "Travail", "--json"]))
        .await
        .unwrap();
    assert_eq!(headlines(work), ["Confinement"]);
    let out = run(args(&["alerts"])).await.unwrap();
    assert!(
        text(&out.stdout).contains("Vos lieux : Maman"),
        "{}",
        text(&out.stdout)
    );
    let nope = run(args(&["alerts", "--place", "Plage"])).await.unwrap();
    assert!(!nope.status.success());
    assert!(
        text(&nope.stderr).contains("aucun lieu nommé « Plage »"),
        "{}",
        text(&nope.stderr)
    );

    let out = run(args(&["places", "remove", "Maman"])).await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = run(args(&["places", "remove", "Maman"])).await.unwrap();
    assert!(!again.status.success());
    server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_lists_what_was_received_and_listen_prints_each_new_one() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let Hall {
        url, demo, server, ..
    } = town_hall(dir.path(), |_| {}).await;
    let token: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": demo.username.as_str(), "password": demo.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    publish(&url, &token, "Confinement dès midi").await;
    let cache = dir.path().join("cache");

    let out = tokio::task::spawn_blocking({
        let (url, cache) = (url.clone(), cache.clone());
        move || beffroi(&["--server", &url, "alerts", "--json"], &cache)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let alerts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        alerts[0]["message"]["texts"][0]["headline"],
        "Confinement dès midi"
    );
    assert_eq!(alerts[0]["state"], "active");
    // Read as text, each alert ends with its public link, to share.
    let out = tokio::task::spawn_blocking({
        let (url, cache) = (url.clone(), cache.clone());
        move || beffroi(&["--server", &url, "alerts"], &cache)
    })
    .await
    .unwrap();
    let thread = alerts[0]["thread"].as_str().unwrap();
    assert!(
        text(&out.stdout).contains(&format!("  Lien : {url}/alerts/{thread}\n")),
        "{}",
        text(&out.stdout)
    );

    let mut child = Command::new(BIN)
        .args(["listen", "--json", "--no-notify", "--data"])
        .arg(&cache)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let first = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stdout)
            .lines()
            .next()
            .unwrap()
            .unwrap()
    });
    // Once listening, a new alert is printed (the one already seen is not).
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    publish(&url, &token, "Couvre-feu à 18 h").await;
    let line = tokio::time::timeout(std::time::Duration::from_secs(10), first)
        .await
        .expect("a line within 10 s")
        .unwrap();
    let alert: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        alert["message"]["texts"][0]["headline"],
        "Couvre-feu à 18 h"
    );
    child.kill().unwrap();
    let _ = child.wait();
    server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_filed_offline_is_sent_once_when_the_server_is_back_and_its_status_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // An address nobody listens on yet.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{addr}");
    let run = |args: Vec<String>| {
        let cache = cache.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            beffroi(&args, &cache)
        })
    };
    // Nothing says where (no position, address or home commune): refused
    // at once, in the resident's language (the core's message, through Fluent).
    let out = run([
        "--server",
        &url,
        "report",
        "--category",
        "roads",
        "--text",
        "Nid-de-poule",
    ]
    .map(String::from)
    .to_vec())
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Le signalement n'a pas de lieu"),
        "{}",
        text(&out.stderr)
    );
    let out = run([
        "--server",
        &url,
        "report",
        "--category",
        "roads",
        "--text",
        "Nid-de-poule devant l'école",
        "--address",
        "Rue de France, Nice",
        "--json",
    ]
    .map(String::from)
    .to_vec())
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "offline: {}", text(&out.stderr));
    let filed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(filed["state"], "queued");
    let id = filed["report"]["id"].as_str().unwrap().to_owned();

    // The town hall comes up where the device expects it.
    let state =
        beffroi_server::AppState::open(beffroi_server::Settings::new(dir.path().join("srv")))
            .await
            .unwrap();
    beffroi_server::demo::seed(state.store.as_ref())
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let server = tokio::spawn(beffroi_server::serve(
        state.clone(),
        listener,
        std::future::pending(),
    ));

    for _ in 0..2 {
        let out = run(["reports", "--json"].map(String::from).to_vec())
            .await
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let filed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(filed[0]["state"], "sent");
        assert_eq!(filed[0]["view"]["history"][0]["status"], "received");
    }
    let on_server = state
        .store
        .list_reports(beffroi_server::store::ReportFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(on_server.len(), 1, "exactly once");
    assert_eq!(on_server[0].report.id, id);

    // Staff plan the work; the resident sees it.
    state
        .store
        .change_report_status(
            id.clone(),
            beffroi_domain::report::StatusUpdate {
                status: beffroi_domain::report::ReportStatus::Planned,
                message: Some("Intervention jeudi.".into()),
            },
            "demo".into(),
        )
        .await
        .unwrap();
    let out = run(["reports"].map(String::from).to_vec()).await.unwrap();
    let shown = text(&out.stdout);
    assert!(
        shown.contains("intervention prévue — Intervention jeudi."),
        "{shown}"
    );

    // A report the server refuses is marked so, with its reason, and not resent.
    let out = run([
        "report",
        "--category",
        "potholes",
        "--text",
        "x",
        "--address",
        "ici",
    ]
    .map(String::from)
    .to_vec())
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Catégorie inconnue « potholes »"),
        "{}",
        text(&out.stderr)
    );

    // A photo: queued scaled and without its GPS EXIF, sent with the report;
    // what is not a photo is refused before anything is queued.
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let not_a_photo = dir.path().join("notes.jpg");
    std::fs::write(&not_a_photo, "not a photo at all").unwrap();
    let with = |photo: &std::path::Path| {
        [
            "report",
            "--category",
            "cleanliness",
            "--text",
            "Dépôt sauvage",
            "--at",
            "43.70,7.26",
            "--photo",
            &photo.display().to_string(),
            "--json",
        ]
        .map(String::from)
        .to_vec()
    };
    let out = run(with(&not_a_photo)).await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("n'est pas une photo que Beffroi peut envoyer"),
        "{}",
        text(&out.stderr)
    );
    let out = run(with(&fixtures.join("photo-with-gps.jpg")))
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let filed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (filed["state"].as_str(), filed["photos"].as_u64()),
        (Some("sent"), Some(1))
    );
    let photo_id = filed["report"]["id"].as_str().unwrap();
    use beffroi_server::store::PhotoBlobs;
    let kept = beffroi_server::photos::FileBlobs::new(dir.path().join("srv"));
    assert_eq!(kept.photo_names(photo_id).await.unwrap(), ["1.jpg"]);
    let stored = kept.photo(photo_id, "1.jpg").await.unwrap().unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "no EXIF left");
    let out = run(["reports", "--json"].map(String::from).to_vec())
        .await
        .unwrap();
    let filed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        filed.as_array().unwrap().len(),
        2,
        "only the two accepted reports"
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_killed_at_random_moments_during_100_sends_delivers_each_report_once() {
    use rand::{Rng, SeedableRng};
    let dir = tempfile::tempdir().unwrap();
    let Hall {
        url, state, server, ..
    } = town_hall(dir.path(), |s| s.report_burst = 10_000).await;

    // 100 reports filed on the device while it is offline.
    let cache = dir.path().join("cache");
    let mut ids = std::collections::BTreeSet::new();
    {
        let client = beffroi_client::Client::open(&cache).unwrap();
        client.set_server(&url).unwrap();
        for n in 0..100 {
            let report = beffroi_domain::report::NewReport {
                id: String::new(),
                category: "cleanliness".into(),
                description: format!("Dépôt sauvage n° {n}"),
                location: beffroi_domain::report::ReportLocation {
                    position: None,
                    address: Some(format!("{n} avenue Jean Médecin, Nice")),
                },
                commune: None,
                contact: None,
                lang: beffroi_domain::Lang::Fr,
                answers: Default::default(),
                filed_by: None,
            };
            ids.insert(client.file_report(report, &[]).unwrap());
        }
    }
    let on_server = || async {
        state
            .store
            .list_reports(beffroi_server::store::ReportFilter {
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap()
    };

    // Sync, killed (SIGKILL) after a random delay, again and again.
    let seed: u64 = rand::random();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut progress = Vec::new();
    // Kills come 3/4 of `longest` to `longest` after the start; a round that
    // sent nothing (a slow machine: the sync pulls before it sends) lets the
    // next one run 10 % longer. So the kills creep up on the moment sending
    // starts rather than jump past the whole send (a loaded machine's first
    // kill after the pulls once landed after the 100th report: no kill
    // midway, and the test failed).
    let mut longest = 150u64;
    while progress.last() != Some(&100) && progress.len() < 200 {
        let mut child = Command::new(BIN)
            .args(["sync", "--data"])
            .arg(&cache)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let delay = rng.random_range(longest * 3 / 4..=longest);
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        let _ = child.kill();
        let _ = child.wait();
        let sent = on_server().await.len();
        if progress.last().copied().unwrap_or(0) == sent {
            longest = (longest * 11 / 10).min(5000);
        }
        progress.push(sent);
    }
    println!("seed {seed}: reports on the server after each kill: {progress:?}");
    let midway = progress.iter().filter(|n| (1..100).contains(*n)).count();
    assert!(
        midway >= 1,
        "a kill should land while reports are being sent: {progress:?}"
    );

    // Then one sync that runs to its end.
    let out = tokio::task::spawn_blocking({
        let cache = cache.clone();
        move || beffroi(&["sync"], &cache)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stored = on_server().await;
    let stored_ids: std::collections::BTreeSet<String> =
        stored.iter().map(|r| r.report.id.clone()).collect();
    assert_eq!(stored.len(), 100, "each report once (seed {seed})");
    assert_eq!(stored_ids, ids, "seed {seed}");
    let out = tokio::task::spawn_blocking(move || beffroi(&["reports", "--json"], &cache))
        .await
        .unwrap();
    let filed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<&str> = filed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert!(states.iter().all(|s| *s == "sent"), "{states:?}");
    server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn search_orders_by_distance_from_the_home_commune() {
    let dir = tempfile::tempdir().unwrap();
    let Hall {
        url, state, server, ..
    } = town_hall(dir.path(), |_| {}).await;
    // Nice's town hall, a bakery next to it, one across town; one in Cagnes.
    let csv = "id,name,category,lat,lon,street,postcode,city\n\
        node/1,Mairie de Nice,townhall,43.6977,7.2790,Rue de l'Hôtel de Ville,06300,Nice\n\
        node/2,Boulangerie de l'Ariane,bakery,43.7390,7.3040,Boulevard de l'Ariane,06300,Nice\n\
        node/3,Boulangerie du Cours,bakery,43.6962,7.2760,Cours Saleya,06300,Nice\n\
        node/4,Boulangerie du Cros,bakery,43.6600,7.1700,Avenue des Oliviers,06800,Cagnes-sur-Mer\n";
    let format = beffroi_server::import::Format::Csv;
    beffroi_server::import::import_places(
        state.store.as_ref(),
        format,
        csv,
        beffroi_domain::Lang::Fr,
        std::sync::Arc::default(),
    )
    .await
    .unwrap();
    let cache = dir.path().join("cache");
    let run = |args: Vec<&'static str>| {
        let (url, cache) = (url.clone(), cache.clone());
        tokio::task::spawn_blocking(move || {
            let mut all = vec!["--server", &url];
            all.extend(args);
            beffroi(&all, &cache)
        })
    };

    let out = run(vec!["sync"]).await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Without a home commune yet: a clear error.
    let out = run(vec!["search", "boulangerie", "--near-home"])
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--home"),
        "{}",
        text(&out.stderr)
    );

    let out = run(vec![
        "--home",
        "06088",
        "search",
        "boulangerie",
        "--near-home",
        "--json",
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["place"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Boulangerie du Cours",
            "Boulangerie de l'Ariane",
            "Boulangerie du Cros"
        ],
        "nearest to Nice's town hall first"
    );
    let first = results[0]["distance_m"].as_f64().unwrap();
    assert!(first < 500.0, "{first}");
    server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_given_out_of_band_is_the_only_one_trusted_and_a_reset_is_explicit() {
    use beffroi_domain::alert::signing;
    let dir = tempfile::tempdir().unwrap();
    let hall = town_hall(dir.path(), |_| {}).await;
    let keys = hall.state.keys.public_keys();
    let fingerprint = signing::fingerprint(&signing::decode_key(&keys[0]).unwrap());
    let impostor = "0123456789abcdef0123456789abcdef";
    let run = |args: Vec<String>, data: std::path::PathBuf| {
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            beffroi(&args, &data)
        })
    };
    let data = dir.path().join("device");
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    // The poster's key is not the one this server holds: nothing is trusted.
    let out = run(
        args(&["--server", &hall.url, "--key", impostor, "sync"]),
        data.clone(),
    )
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("imposteur"),
        "{}",
        text(&out.stderr)
    );
    let out = run(args(&["keys", "--json"]), data.clone()).await.unwrap();
    assert_eq!(text(&out.stdout).trim(), "[]");

    // The town hall's link (as on its posters): its key is pinned.
    let link = format!(
        "beffroi://connect?{}",
        serde_urlencoded::to_string([("server", hall.url.as_str()), ("key", fingerprint.as_str())])
            .unwrap()
    );
    let out = run(args(&["--server", &link, "sync"]), data.clone())
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(args(&["keys"]), data.clone()).await.unwrap();
    let listed = text(&out.stdout);
    assert!(
        listed.contains(&signing::display_fingerprint(&fingerprint)),
        "{listed}"
    );
    assert!(listed.contains("Clé de confiance"), "{listed}");

    // Another key given later does not replace the pinned one by itself…
    let out = run(args(&["--key", impostor, "sync"]), data.clone())
        .await
        .unwrap();
    assert!(!out.status.success());
    // …a reset by the resident does, and then only the given key is trusted.
    let out = run(args(&["keys", "--reset"]), data.clone()).await.unwrap();
    assert!(
        text(&out.stderr).contains("Clés oubliées"),
        "{}",
        text(&out.stderr)
    );
    let out = run(args(&["sync"]), data.clone()).await.unwrap();
    assert!(!out.status.success(), "still the impostor's fingerprint");
    let out = run(args(&["--key", &fingerprint[..32], "sync"]), data.clone())
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(args(&["--key", "not hex", "sync"]), data.clone())
        .await
        .unwrap();
    assert!(
        text(&out.stderr).contains("Empreinte de clé"),
        "{}",
        text(&out.stderr)
    );
    hall.server.abort();
}

/// A `beffroi-server serve` process (the binary beside this crate's: `cargo
/// test --workspace` builds both); its address once it listens, and what it
/// printed until then.
fn serve_process(args: &[&str]) -> (std::process::Child, String, Vec<String>) {
    use std::io::BufRead;
    let server = std::path::Path::new(BIN).with_file_name("beffroi-server");
    assert!(
        server.exists(),
        "{} is not built: run cargo test --workspace",
        server.display()
    );
    let mut child = Command::new(server)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            return (child, url.to_owned(), lines);
        }
        lines.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server stopped before listening: {lines:?}");
}

/// nginx from Debian in front of two replicas: `a_first` (A, then B if A is
/// down) and `b_first`, each on its own port, as docs/deploy.md configures
/// the proxying (streams unbuffered, long reads, no retry once a request
/// was sent).
fn nginx_in_front(
    dir: &std::path::Path,
    a: &str,
    b: &str,
) -> (std::process::Child, String, String) {
    let port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (pa, pb) = (port(), port());
    let host = |url: &str| url.trim_start_matches("http://").to_owned();
    let (a, b) = (host(a), host(b));
    let prefix = dir.display();
    let conf = format!(
        "daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream a_first {{ server {a} max_fails=1 fail_timeout=60s; server {b} backup; }}
    upstream b_first {{ server {b} max_fails=1 fail_timeout=60s; server {a} backup; }}
    proxy_http_version 1.1;
    proxy_set_header Connection \"\";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_buffering off;
    proxy_read_timeout 1h;
    proxy_next_upstream error timeout;
    client_max_body_size 40m;
    server {{ listen 127.0.0.1:{pa}; location / {{ proxy_pass http://a_first; }} }}
    server {{ listen 127.0.0.1:{pb}; location / {{ proxy_pass http://b_first; }} }}
}}
"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new("nginx")
        .arg("-c")
        .arg(&path)
        .arg("-p")
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("nginx cannot start ({e}): run scripts/setup.sh as root, or sudo apt-get install nginx"));
    // Up once it answers.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", pb)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (
        child,
        format!("http://127.0.0.1:{pa}"),
        format!("http://127.0.0.1:{pb}"),
    )
}

/// The processes a test started, stopped (TERM, then waited for) when it
/// ends, passed or failed.
struct Stopped(Vec<std::process::Child>);

impl Drop for Stopped {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listener_on_replica_b_gets_every_alert_once_in_order_while_replica_a_is_killed() {
    let database = new_database("replicas");
    let dir = tempfile::tempdir().unwrap();
    let (data_a, data_b) = (dir.path().join("a"), dir.path().join("b"));
    // Two replicas sharing the database (and through it the signing keys:
    // the resident's CLI verifies every alert); A seeds the demo.
    let (a, a_url, printed) = serve_process(&[
        "--demo",
        "--data",
        data_a.to_str().unwrap(),
        "--database",
        &database,
    ]);
    let password = demo_password(&printed);
    let mut running = Stopped(vec![a]);
    let (b, b_url, _) =
        serve_process(&["--data", data_b.to_str().unwrap(), "--database", &database]);
    running.0.push(b);
    let proxy = dir.path().join("nginx");
    std::fs::create_dir(&proxy).unwrap();
    let (nginx, via_a, via_b) = nginx_in_front(&proxy, &a_url, &b_url);
    running.0.push(nginx);

    // A resident's CLI, through nginx, served by replica B.
    let cache = dir.path().join("cache");
    let synced = tokio::task::spawn_blocking({
        let (via_b, cache) = (via_b.clone(), cache.clone());
        move || beffroi(&["--server", &via_b, "--home", "06088", "sync"], &cache)
    })
    .await
    .unwrap();
    assert!(synced.status.success(), "{}", text(&synced.stderr));
    let (listener, mut lines) = listen(&cache).await;
    running.0.push(listener);
    let token = login(&via_a, &password).await;
    let mut got = Vec::new();
    let mut wait_for = async |lines: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
                              n: usize| {
        while got.len() < n {
            let line = tokio::time::timeout(std::time::Duration::from_secs(10), lines.recv())
                .await
                .unwrap_or_else(|_| panic!("alert {} within 10 s; got {got:?}", n))
                .unwrap();
            got.push(headline_of(&line));
        }
    };
    // 1 and 2 published through replica A, heard on B.
    publish(&via_a, &token, "Un : alerte canicule").await;
    wait_for(&mut lines, 1).await;
    publish(&via_a, &token, "Deux : fermeture des parcs").await;
    wait_for(&mut lines, 2).await;
    // Replica A dies; nginx sends the third publication to B.
    let mut a = running.0.remove(0);
    a.kill().unwrap();
    a.wait().unwrap();
    publish(&via_a, &token, "Trois : fin de l'alerte").await;
    wait_for(&mut lines, 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(lines.try_recv().ok(), None, "nothing twice");
    assert_eq!(
        got,
        [
            "Un : alerte canicule",
            "Deux : fermeture des parcs",
            "Trois : fin de l'alerte"
        ]
    );
}

/// A new database on the throwaway cluster of `scripts/with-postgres.sh`
/// (the tests fail, never skip, without it); its URL.
fn new_database(prefix: &str) -> String {
    let url = std::env::var("BEFFROI_TEST_DATABASE_URL").expect(
        "BEFFROI_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres.sh \
         (make test does), which starts a throwaway PostgreSQL",
    );
    let name = format!("{prefix}_{}", std::process::id());
    let created = Command::new("psql")
        .args([&url, "-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .unwrap();
    assert!(created.success());
    format!("{}/{name}", url.rsplit_once('/').unwrap().0)
}

/// `beffroi listen --json` over the device cache `cache`, once it is
/// connected; the alerts it prints (verified), a line each.
async fn listen(
    cache: &std::path::Path,
) -> (
    std::process::Child,
    tokio::sync::mpsc::UnboundedReceiver<String>,
) {
    let mut listener = Command::new(BIN)
        .args(["listen", "--json", "--no-notify", "--data"])
        .arg(cache)
        .env("LANG", "en_GB.UTF-8")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = tokio::sync::mpsc::unbounded_channel();
    let stdout = listener.stdout.take().unwrap();
    let stderr = listener.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            if lines_tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let connected = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .any(|l| l.starts_with("Waiting for alerts"))
    });
    assert!(
        tokio::time::timeout(std::time::Duration::from_secs(10), connected)
            .await
            .expect("listening within 10 s")
            .unwrap()
    );
    (listener, lines)
}

/// The French headline of an alert `beffroi listen --json` printed.
fn headline_of(line: &str) -> String {
    let alert: serde_json::Value = serde_json::from_str(line).unwrap();
    alert["message"]["texts"][0]["headline"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The demo staff password a `serve --demo` process printed.
fn demo_password(printed: &[String]) -> String {
    printed
        .iter()
        .find_map(|l| l.split("password=").nth(1))
        .and_then(|p| p.split(' ').next())
        .unwrap()
        .to_owned()
}

/// A `beffroi-server` command (not `serve`) and what it said, to an operator
/// who reads English (its French is checked in the server's own tests).
fn server_command(args: &[&str]) -> Output {
    server_command_with(args, &[])
}

/// The same with more of the environment.
fn server_command_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(std::path::Path::new(BIN).with_file_name("beffroi-server"))
        .args(args)
        .env("LC_ALL", "en_US.UTF-8")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// A data directory with the demo's places (`make demo` imports the same).
fn data_with_places(data: &std::path::Path) {
    let imported = server_command(&[
        "import",
        "places",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/osm-monaco-pois.geojson"
        ),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
}

/// `beffroi sync` of the device cache `cache` with `server`; what it said.
async fn sync_device(cache: &std::path::Path, server: &str) -> String {
    let (cache, server) = (cache.to_owned(), server.to_owned());
    let out = tokio::task::spawn_blocking(move || {
        beffroi(&["--server", &server, "--home", "06088", "sync"], &cache)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// How many places a sync said the device holds.
fn places_held(said: &str) -> usize {
    said.split(" lieu")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"))
}

/// The device cache `cache` listens; an alert published on `url` reaches
/// it, verified against the key it pinned, and nothing else does.
async fn device_hears_only_the_new_alert(
    cache: &std::path::Path,
    url: &str,
    token: &str,
    headline: &str,
    running: &mut Stopped,
) {
    let (listener, mut lines) = listen(cache).await;
    running.0.push(listener);
    publish(url, token, headline).await;
    let line = tokio::time::timeout(std::time::Duration::from_secs(10), lines.recv())
        .await
        .expect("the new alert within 10 s")
        .unwrap();
    assert_eq!(headline_of(&line), headline);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(lines.try_recv().ok(), None, "no old alert sent again");
}

/// The rows of `table` in a table `migrate` or `backup` printed.
fn rows_of(printed: &str, table: &str) -> Vec<usize> {
    let line = printed
        .lines()
        .find(|l| l.split_whitespace().next() == Some(table))
        .unwrap_or_else(|| panic!("no {table} line: {printed}"));
    line.split_whitespace()
        .skip(1)
        .map(|n| n.parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_demo_town_hall_migrated_from_sqlite_to_postgresql_keeps_its_devices() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("sqlite");
    data_with_places(&data);
    let (server, url, printed) = serve_process(&["--demo", "--data", data.to_str().unwrap()]);
    let running = Stopped(vec![server]);
    let token = login(&url, &demo_password(&printed)).await;
    publish(&url, &token, "Avant : alerte canicule").await;
    // A resident's device, synced with the SQLite town hall.
    let cache = dir.path().join("cache");
    let before = places_held(&sync_device(&cache, &url).await);
    assert!(before > 10);
    // A place is deleted after the device synced: its tombstone must
    // reach the device through the new database.
    let page: serde_json::Value = reqwest::get(format!("{url}/api/v1/places?since=0"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let gone = page["items"][0]["id"].as_str().unwrap();
    let deleted = reqwest::Client::new()
        .delete(format!("{url}/api/v1/admin/places/{gone}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success());

    // The town hall stops and moves to PostgreSQL.
    drop(running);
    let database = new_database("migrated");
    let from = format!("sqlite://{}/beffroi.sqlite3", data.display());
    let out = server_command(&["migrate", "--from", &from, "--to", &database]);
    let printed = text(&out.stdout);
    assert!(out.status.success(), "{printed}{}", text(&out.stderr));
    assert!(printed.contains("copied and checked"), "{printed}");
    for table in ["communes", "places", "alert_messages", "staff", "audit_log"] {
        let rows = rows_of(&printed, table);
        assert!(rows[0] > 0 && rows[0] == rows[1], "{table}: {printed}");
    }
    assert!(
        printed.contains("keys and secrets copied: 3"),
        "the signing key, the reporters' key, the Web Push key: {printed}"
    );
    // A second copy into the same database is refused, in words.
    let again = server_command(&["migrate", "--from", &from, "--to", &database]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("is not empty"),
        "{}",
        text(&again.stderr)
    );
    // Finishing its photos is allowed: the same rows, and the key files
    // found among the copy's secrets.
    let finish = server_command(&[
        "migrate",
        "--from",
        &from,
        "--to",
        &database,
        "--photos-only",
    ]);
    assert!(
        finish.status.success(),
        "{}{}",
        text(&finish.stdout),
        text(&finish.stderr)
    );
    assert!(
        text(&finish.stdout).contains("photos copied: 0"),
        "{}",
        text(&finish.stdout)
    );

    // A server on PostgreSQL, with a data directory of its own (no key
    // files in it: the keys came through the database).
    let fresh = dir.path().join("pg");
    let (server, pg_url, _) =
        serve_process(&["--data", fresh.to_str().unwrap(), "--database", &database]);
    let mut running = Stopped(vec![server]);
    assert!(!fresh.join("keys").exists());
    // The device goes on from its cursors: only the deletion is new.
    let said = sync_device(&cache, &pg_url).await;
    assert!(said.contains("(1 mise à jour)"), "{said}");
    assert_eq!(places_held(&said), before - 1);
    // The session opened before the move still works, and a new alert
    // reaches the device, verified against the key it pinned.
    let headline = "Après : fin de l'alerte canicule";
    device_hears_only_the_new_alert(&cache, &pg_url, &token, headline, &mut running).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backup_made_while_serving_restores_the_town_hall_its_photos_and_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("srv");
    data_with_places(&data);
    let (server, url, printed) = serve_process(&["--demo", "--data", data.to_str().unwrap()]);
    let mut running = Stopped(vec![server]);
    let token = login(&url, &demo_password(&printed)).await;
    publish(&url, &token, "Avant la sauvegarde").await;
    let cache = dir.path().join("cache");
    let places = places_held(&sync_device(&cache, &url).await);
    let report = file_report_with_photo(&cache).await;

    // Backed up while the server runs, then the machine is lost.
    let backup = dir.path().join("backup");
    let out = server_command(&[
        "backup",
        "--data",
        data.to_str().unwrap(),
        "--to",
        backup.to_str().unwrap(),
    ]);
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    assert_eq!(rows_of(&said, "reports"), [1]);
    assert_eq!(rows_of(&said, "places"), [places]);
    assert!(said.contains("photos: 1"), "{said}");
    let again = server_command(&[
        "backup",
        "--data",
        data.to_str().unwrap(),
        "--to",
        backup.to_str().unwrap(),
    ]);
    assert!(!again.status.success(), "a backup never overwrites one");
    let mut lost = running.0.remove(0);
    lost.kill().unwrap();
    lost.wait().unwrap();

    // Restored: a server on the backup directory.
    let (server, restored, _) = serve_process(&["--data", backup.to_str().unwrap()]);
    running.0.push(server);
    let said = sync_device(&cache, &restored).await;
    assert!(said.contains("(0 mise à jour)"), "{said}");
    let photos: serde_json::Value = reqwest::Client::new()
        .get(format!("{restored}/api/v1/admin/reports/{report}/photos"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(photos.as_array().map(Vec::len), Some(1), "{photos}");
    assert!(
        staff_photo(&restored, &token, &report)
            .await
            .starts_with(&[0xFF, 0xD8])
    );
    let mine = tokio::task::spawn_blocking({
        let cache = cache.clone();
        move || beffroi(&["reports", "--json"], &cache)
    })
    .await
    .unwrap();
    assert!(mine.status.success(), "{}", text(&mine.stderr));
    assert!(text(&mine.stdout).contains(&report));
    device_hears_only_the_new_alert(
        &cache,
        &restored,
        &token,
        "Après la restauration",
        &mut running,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_postgresql_town_hall_backed_up_while_serving_restores_into_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("srv");
    let database = new_database("backed_up");
    let (server, url, printed) = serve_process(&[
        "--demo",
        "--data",
        data.to_str().unwrap(),
        "--database",
        &database,
    ]);
    let mut running = Stopped(vec![server]);
    let token = login(&url, &demo_password(&printed)).await;
    publish(&url, &token, "Avant la sauvegarde").await;
    let cache = dir.path().join("cache");
    sync_device(&cache, &url).await;
    // Its photo is kept in the database, not in the data directory.
    let report = file_report_with_photo(&cache).await;
    let photo = staff_photo(&url, &token, &report).await;
    assert!(!data.join("photos").join(&report).exists());
    let backup = dir.path().join("backup");
    let out = server_command(&[
        "backup",
        "--data",
        data.to_str().unwrap(),
        "--database",
        &database,
        "--to",
        backup.to_str().unwrap(),
    ]);
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    assert_eq!(rows_of(&said, "alert_messages"), [1]);
    assert!(said.contains("keys and secrets: 3"), "{said}");
    assert!(said.contains("photos: 1"), "{said}");
    assert_eq!(
        std::fs::read(backup.join("photos").join(&report).join("1.jpg")).unwrap(),
        photo
    );
    let mut lost = running.0.remove(0);
    lost.kill().unwrap();
    lost.wait().unwrap();

    // Restored into a new database, served from a new data directory.
    let restored_db = new_database("restored");
    // The target (its password) from the environment, off the command line.
    let out = server_command_with(
        &[
            "migrate",
            "--from",
            &format!("sqlite://{}/beffroi.sqlite3", backup.display()),
        ],
        &[("BEFFROI_MIGRATE_TO", &restored_db)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("photos copied: 1"),
        "{}",
        text(&out.stdout)
    );
    // Finishing the photos of a copy is allowed into the same rows only.
    let from_backup = format!("sqlite://{}/beffroi.sqlite3", backup.display());
    let photos_only = |to: &str| {
        server_command(&[
            "migrate",
            "--from",
            &from_backup,
            "--to",
            to,
            "--photos-only",
        ])
    };
    let out = photos_only(&restored_db);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("photos copied: 1"));
    let out = photos_only(&new_database("empty"));
    assert!(!out.status.success(), "not the same rows");
    let (server, restored, _) = serve_process(&[
        "--data",
        dir.path().join("new").to_str().unwrap(),
        "--database",
        &restored_db,
    ]);
    running.0.push(server);
    let said = sync_device(&cache, &restored).await;
    assert!(said.contains("(0 mise à jour)"), "{said}");
    // The photo came through the backup into the new database.
    assert_eq!(staff_photo(&restored, &token, &report).await, photo);
    device_hears_only_the_new_alert(
        &cache,
        &restored,
        &token,
        "Après la restauration",
        &mut running,
    )
    .await;
}

/// Files a report with a photo from the device at `cache` (sent at once);
/// its id.
async fn file_report_with_photo(cache: &std::path::Path) -> String {
    let photo = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/photo-with-gps.jpg"
    );
    let filed = tokio::task::spawn_blocking({
        let cache = cache.to_owned();
        move || {
            beffroi(
                &[
                    "report",
                    "--category",
                    "roads",
                    "--text",
                    "Nid-de-poule",
                    "--at",
                    "43.70,7.26",
                    "--photo",
                    photo,
                    "--json",
                ],
                &cache,
            )
        }
    })
    .await
    .unwrap();
    assert!(filed.status.success(), "{}", text(&filed.stderr));
    let filed: serde_json::Value = serde_json::from_slice(&filed.stdout).unwrap();
    assert_eq!(filed["state"], "sent");
    filed["report"]["id"].as_str().unwrap().to_owned()
}

/// The first photo of `report`, as staff see it on the server at `url`.
async fn staff_photo(url: &str, token: &str, report: &str) -> Vec<u8> {
    let resp = reqwest::Client::new()
        .get(format!("{url}/api/v1/admin/reports/{report}/photos/1.jpg"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "photo 1 of {report} on {url}");
    resp.bytes().await.unwrap().to_vec()
}

async fn login(url: &str, password: &str) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "demo", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_shows_each_places_measures_then_answers_offline() {
    let dir = tempfile::tempdir().unwrap();
    let Hall {
        url, demo, server, ..
    } = town_hall(dir.path(), |_| {}).await;
    let token = staff_token(&url, &demo).await;
    let day = |d: i64| {
        (time::OffsetDateTime::now_utc() + time::Duration::days(d))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    for measure in [
        serde_json::json!({"rule": {"kind": "masks", "required": "indoors"}, "since": day(-3)}),
        serde_json::json!({
            "rule": {"kind": "curfew", "from": "21:00", "until": "06:00"}, "communes": ["06088"],
            "texts": [{"lang": "fr", "text": "Attestation pour sortir"}],
            "since": day(-1), "until": day(5)
        }),
        serde_json::json!({"rule": {"kind": "markets", "open": false}, "communes": ["06088"], "since": day(2)}),
    ] {
        let resp = reqwest::Client::new()
            .post(format!("{url}/api/v1/admin/measures"))
            .bearer_auth(&token)
            .json(&measure)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
    }
    let cache = dir.path().join("cache");
    let run = |args: &[&str]| run_in(&cache, args);
    let out = run(&["--server", &url, "--home", "06088", "rules"])
        .await
        .unwrap();
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines[0], "Nice (domicile)");
    assert!(
        lines[1].starts_with("  • Couvre-feu de 21:00 à 06:00 — Depuis le "),
        "{said}"
    );
    assert_eq!(lines[2], "    Attestation pour sortir");
    assert!(
        lines[3].starts_with("  • Masque obligatoire en intérieur — Depuis le ")
            && lines[3].ends_with("Sans date de fin"),
        "{said}"
    );
    assert!(
        lines[4].starts_with("  • Marchés fermés — À partir du "),
        "{said}"
    );

    server.abort();
    let out = run(&["rules", "--json"]).await.unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let places: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<(&str, bool)> = places[0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap(),
                r["upcoming"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("curfew", false), ("masks", false), ("markets", true)],
        "offline, from the cache"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn advice_lists_the_pages_and_shows_one_offline() {
    let dir = tempfile::tempdir().unwrap();
    let Hall { url, server, .. } = town_hall(dir.path(), |_| {}).await;
    let cache = dir.path().join("cache");
    let run = |args: &[&str]| run_in(&cache, args);
    let out = run(&["--server", &url, "--home", "06088", "advice"])
        .await
        .unwrap();
    let said = text(&out.stdout);
    assert!(out.status.success(), "{said}{}", text(&out.stderr));
    let mut ids: Vec<&str> = said
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["confinement", "gestes-barrieres", "plan-familial"]);

    server.abort();
    let out = run(&["advice", "plan-familial"]).await.unwrap();
    let said = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        said.starts_with("Plan familial de mise en sûreté"),
        "offline, in French, the title first: {said}"
    );
    assert!(said.contains("\n- "), "the Markdown as written: {said}");
    let out = run(&["advice", "nope"]).await.unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("Aucune page de conseils « nope » sur cet appareil"),
        "{}",
        text(&out.stderr)
    );
}
