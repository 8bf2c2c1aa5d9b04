//! Several servers on one PostgreSQL database (the throwaway cluster
//! `scripts/with-postgres.sh` starts for `make test`): what one stores, every
//! one serves, and a publication through any reaches live streams on all.

use beffroi_server::store::DatabaseUrl;
use beffroi_tests::{TownHall, get_json, postgres_database, read_stream_until, town_hall_with};
use reqwest::Method;
use serde_json::{Value, json};

use crate::alerts::{draft, publish};
use crate::reports::{files_under, post, report, send_with_photos};

/// `n` servers on one new database, each with its own data directory (the
/// signing keys are in the database) and port. Each seeded the demo account
/// again: the last one's password is the one that holds.
async fn replicas(n: usize) -> Vec<TownHall> {
    let database = postgres_database().await;
    let mut servers = Vec::new();
    for _ in 0..n {
        let database = database.clone();
        servers.push(
            town_hall_with(move |s| {
                s.database = Some(database);
                // Only the bus wakes a replica up in these tests, not its
                // periodic read of the store.
                s.follow_every = std::time::Duration::from_secs(3600);
            })
            .await,
        );
    }
    // One key ring for all.
    let keys = servers[0].state.keys.public_keys();
    assert!(servers.iter().all(|s| s.state.keys.public_keys() == keys));
    servers
}

async fn stream(th: &TownHall) -> reqwest::Response {
    let resp = reqwest::get(th.api("/alerts/stream")).await.unwrap();
    assert_eq!(resp.status(), 200);
    resp
}

#[tokio::test(flavor = "multi_thread")]
async fn a_publication_through_any_replica_reaches_the_live_streams_of_every_one() {
    let servers = replicas(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    let mut on_a = stream(a).await;
    let mut on_b = stream(b).await;
    let token = b.staff_token().await;
    // A login on one replica is valid on the other (sessions are in the database).
    let id = publish(a, &token, &draft("Fuite de gaz rue de France", None)).await;
    for s in [&mut on_a, &mut on_b] {
        read_stream_until(s, "Fuite de gaz rue de France").await;
    }
    publish(b, &token, &draft("Coupure d'eau", None)).await;
    for s in [&mut on_a, &mut on_b] {
        read_stream_until(s, "Coupure d'eau").await;
    }
    // What one stored, the other serves.
    let listed: Value = b.staff_json("/admin/alerts", &token).await;
    assert!(
        listed.as_array().unwrap().iter().any(|x| x["id"] == id),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rules_and_a_reports_status_changed_through_one_replica_are_said_on_every_ones_streams()
{
    let servers = replicas(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    // News is not replayed: B listens before anything happens.
    tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while !b.state.bus.listening() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("replica B listening");
    // A resident's report, sent to B: its receipt's secret follows it.
    let (status, receipt) = post(
        &b.api("/reports"),
        &report("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c77"),
    )
    .await;
    assert_eq!(status, 201, "{receipt}");
    let (id, secret) = (
        receipt["id"].as_str().unwrap(),
        receipt["secret"].as_str().unwrap(),
    );
    // A phone on B follows the rules in force and that report.
    let mut on_b = reqwest::Client::new()
        .get(b.api("/alerts/stream?measures=1"))
        .header("beffroi-reports", format!("{id}:{secret}"))
        .send()
        .await
        .unwrap();
    assert_eq!(on_b.status(), 200);
    // B has just read the rules (none), and keeps them a few seconds.
    let in_nice = b.api("/measures/in-force?communes=06088");
    assert_eq!(get_json(&in_nice).await["places"][0]["rules"], json!([]));

    // The town hall's staff (the demo account as B seeded it last) changes the rules on A...
    let token = b.staff_token().await;
    let masks = json!({"rule": {"kind": "masks", "required": "everywhere"}, "since": "2026-01-01T00:00:00+01:00"});
    let (status, _) = a
        .send(Method::POST, "/admin/measures", &token, Some(&masks), "fr")
        .await;
    assert_eq!(status, 201);
    // ...and B's stream says so; B then answers with the change, not its copy.
    read_stream_until(&mut on_b, "event: measures").await;
    let now = get_json(&in_nice).await;
    assert_eq!(now["places"][0]["rules"][0]["kind"], "masks", "{now}");

    // The report's new status, set through A, is said on B's stream too.
    let update = json!({"status": "in_progress", "message": "Équipe en route."});
    let path = format!("/admin/reports/{id}/status");
    let (status, _) = a
        .send(Method::POST, &path, &token, Some(&update), "fr")
        .await;
    assert_eq!(status, 200);
    let said = read_stream_until(&mut on_b, "event: report").await;
    assert!(said.contains(id), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_sent_to_two_replicas_at_once_is_stored_once() {
    let servers = replicas(2).await;
    let report = serde_json::json!({
        "id": "0f0e2a1c-5d7b-4c55-9a2e-6b1c1f0a7d42",
        "category": "roads",
        "description": "Nid-de-poule devant l'école",
        "location": {"position": {"lat": 43.7009, "lon": 7.2683}},
        "commune": "06088"
    });
    let send = |th: &TownHall| {
        let url = th.api("/reports");
        let report = report.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&report)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let (first, second) = tokio::join!(send(&servers[0]), send(&servers[1]));
    let mut statuses = [first.as_u16(), second.as_u16()];
    statuses.sort_unstable();
    // One stored it (201); the other found the same report (200).
    assert_eq!(statuses, [200, 201]);
    let token = servers[1].staff_token().await;
    let listed = servers[0].staff_json("/admin/reports", &token).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_sent_to_one_replica_is_shown_by_another_with_no_shared_disk() {
    let servers = replicas(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    let id = "0f0e2a1c-5d7b-4c55-9a2e-6b1c1f0a7d43";
    // Two real phone photos (2.8 MB): past what a submission holds in
    // memory, so the second is staged on A's disk before the database.
    let photos = [
        include_bytes!("../fixtures/photos/iphone-6-gps.jpg").to_vec(),
        include_bytes!("../fixtures/photos/jolla-xmp.jpg").to_vec(),
    ];
    let (status, receipt) =
        send_with_photos(a, &reqwest::Client::new(), &report(id), &photos).await;
    assert_eq!(status, 201, "{receipt}");
    let token = b.staff_token().await;
    let names = b
        .staff_json(&format!("/admin/reports/{id}/photos"), &token)
        .await;
    assert_eq!(names, serde_json::json!(["1.jpg", "2.jpg"]));
    for name in ["1.jpg", "2.jpg"] {
        let path = format!("/admin/reports/{id}/photos/{name}");
        let get = |th: &TownHall| th.staff(reqwest::Method::GET, &path, &token).send();
        let on_b = get(b).await.unwrap().bytes().await.unwrap();
        let on_a = get(a).await.unwrap().bytes().await.unwrap();
        assert!(on_b.starts_with(&[0xFF, 0xD8]) && on_b.ends_with(&[0xFF, 0xD9]));
        assert_eq!(on_a, on_b, "{name}");
    }
    // Neither server's data directory holds a photo file.
    for th in [a, b] {
        let files = files_under(&th.data_dir().join("server/photos"));
        assert!(files.is_empty(), "{files:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_kept_as_files_before_an_upgrade_are_brought_into_the_database() {
    use beffroi_server::{AppState, Settings};
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::new(dir.path().join("server"));
    settings.database = Some(postgres_database().await);
    let state = AppState::open(settings.clone()).await.unwrap();
    beffroi_server::demo::seed(state.store.as_ref())
        .await
        .unwrap();
    let id = "0f0e2a1c-5d7b-4c55-9a2e-6b1c1f0a7d45";
    let new_report = serde_json::from_value(report(id)).unwrap();
    beffroi_server::service::reports::submit(&state, new_report, None)
        .await
        .unwrap();
    drop(state);
    // What a server of the version before left: its photos as files, one
    // of a report the database does not hold.
    let photos = dir.path().join("server/photos");
    let orphan = "0f0e2a1c-5d7b-4c55-9a2e-6b1c1f0a7d46";
    for report in [id, orphan] {
        std::fs::create_dir_all(photos.join(report)).unwrap();
        std::fs::write(photos.join(report).join("1.jpg"), b"\xFF\xD8 old photo").unwrap();
    }

    let state = AppState::open(settings).await.unwrap();
    let blobs = state.photos.blobs();
    assert_eq!(
        blobs.photo(id, "1.jpg").await.unwrap().as_deref(),
        Some(&b"\xFF\xD8 old photo"[..])
    );
    assert_eq!(blobs.photo(orphan, "1.jpg").await.unwrap(), None);
    assert_eq!(
        files_under(&photos),
        [
            format!(".in-database/{id}/1.jpg"),
            format!("{orphan}/1.jpg"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replica_whose_listening_connection_was_cut_catches_up_from_the_store() {
    let servers = replicas(2).await;
    let (a, b) = (&servers[0], &servers[1]);
    // A phone on B that follows the rules in force too.
    let mut on_b = reqwest::get(b.api("/alerts/stream?measures=1"))
        .await
        .unwrap();
    assert_eq!(on_b.status(), 200);
    // Stored through A with no wake-up for B: as one lost with a connection.
    crate::alerts::publish_many(&a.state, "unheard", 1, 0).await;
    // B's listening connection is cut; reconnected, B reads what it missed.
    let url = std::env::var("BEFFROI_TEST_DATABASE_URL").unwrap();
    let (admin, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let Some(DatabaseUrl::Postgres(db)) = &a.state.settings.database else {
        unreachable!()
    };
    let name = db.rsplit_once('/').unwrap().1;
    let cut: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = $1 AND query LIKE 'LISTEN beffroi_alerts%'",
            &[&name],
        )
        .await
        .unwrap()
        .get(0);
    assert!(cut >= 2, "both replicas' listeners cut: {cut}");
    let seen = read_stream_until(&mut on_b, "unheard-0").await;
    // News sent meanwhile is lost too: B asks its streams to read the rules again.
    if !seen.contains("event: measures") {
        read_stream_until(&mut on_b, "event: measures").await;
    }
}

/// Polls `/healthz` until its status is `want` (at most 15 s); its body.
async fn health_becomes(th: &TownHall, want: u16) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let resp = reqwest::get(format!("{}/healthz", th.url)).await.unwrap();
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap();
        if status == want {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/healthz still {status} {body}, not {want}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn while_its_database_is_away_a_server_answers_503_and_loses_nothing_accepted() {
    let servers = replicas(1).await;
    let th = &servers[0];
    let healthy = health_becomes(th, 200).await;
    assert_eq!(healthy["database"], true, "{healthy}");
    let Some(DatabaseUrl::Postgres(db)) = &th.state.settings.database else {
        unreachable!()
    };
    let name = db.rsplit_once('/').unwrap().1.to_owned();
    let url = std::env::var("BEFFROI_TEST_DATABASE_URL").unwrap();
    let (admin, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let report = serde_json::json!({
        "id": "7d1e5c2a-0b3f-4e8d-9c6a-2f4b8e1d3a57",
        "category": "roads",
        "description": "Chaussée effondrée",
        "location": {"address": "Promenade des Anglais"},
        "commune": "06088"
    });
    let stored = reqwest::Client::new()
        .post(th.api("/reports"))
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 201);

    // The database refuses connections, and the server's are cut.
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} ALLOW_CONNECTIONS false;
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .await
        .unwrap();
    let away = health_becomes(th, 503).await;
    assert_eq!(
        (&away["database"], &away["bus"]),
        (&false.into(), &false.into()),
        "{away}"
    );
    // A resident's new report: refused for now, in their language, to be sent again.
    let mut second = report.clone();
    second["id"] = "1c9b7e3d-4a2f-4f6e-8b5d-0e7a9c3f2b18".into();
    let refused = reqwest::Client::new()
        .post(th.api("/reports"))
        .header("Accept-Language", "fr")
        .json(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("rien n'est perdu"),
        "{body}"
    );

    // Back: healthy again, the bus listening again, the resend stored, the
    // first report still there.
    admin
        .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();
    let back = health_becomes(th, 200).await;
    assert_eq!(back["database"], true);
    let resent = reqwest::Client::new()
        .post(th.api("/reports"))
        .json(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(resent.status(), 201);
    let token = th.staff_token().await;
    let listed = th.staff_json("/admin/reports", &token).await;
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while !th.state.bus.listening() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bus listens again"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replica_behind_the_others_shows_its_lag_in_its_metrics() {
    let servers = replicas(1).await;
    let a = &servers[0];
    // B shares A's database but does not serve, so nothing makes it catch
    // up: whatever A stores, B's streams are behind by, and its metrics say so.
    let dir = tempfile::tempdir().unwrap();
    let mut settings = beffroi_server::Settings::new(dir.path());
    settings.database = a.state.settings.database.clone();
    let b = beffroi_server::AppState::open(settings).await.unwrap();
    crate::alerts::publish_many(&a.state, "behind", 2, 0).await;
    let lagging = crate::metrics::scrape(&b).await;
    assert_eq!(
        crate::metrics::sample(&lagging, "beffroi_bus_lag_messages"),
        2.0
    );
    b.hub.catch_up(b.store.as_ref()).await.unwrap();
    let caught_up = crate::metrics::scrape(&b).await;
    assert_eq!(
        crate::metrics::sample(&caught_up, "beffroi_bus_lag_messages"),
        0.0
    );
    assert_eq!(
        crate::metrics::sample(&caught_up, "beffroi_alert_messages_announced_total"),
        2.0
    );
}
