//! The rules in force end to end: publishers write measures, anyone reads
//! them as open data (JSON, CSV), devices sync them with tombstones.

use beffroi_domain::Role;
use beffroi_tests::{TownHall, get_json, read_stream_until, town_hall};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn at(days: i64) -> String {
    (OffsetDateTime::now_utc() + time::Duration::days(days))
        .replace_nanosecond(0)
        .unwrap()
        .format(&Rfc3339)
        .unwrap()
}

fn nice_curfew() -> Value {
    json!({
        "rule": {"kind": "curfew", "from": "21:00", "until": "06:00"},
        "communes": ["06088"],
        "texts": [
            {"lang": "fr", "text": "Sorties avec attestation, sauf urgence"},
            {"lang": "en", "text": "Going out needs an attestation, except emergencies"}
        ],
        "since": at(-1),
        "until": at(10)
    })
}

fn masks_everywhere() -> Value {
    json!({
        "rule": {"kind": "masks", "required": "everywhere"},
        "since": at(-2),
        "until": null
    })
}

/// Publishes a measure as the demo admin would; the measure.
async fn create(th: &TownHall, token: &str, body: &Value) -> Value {
    let (status, m) = th
        .send(Method::POST, "/admin/measures", token, Some(body), "fr")
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m
}

#[tokio::test]
async fn publishers_write_the_rules_in_force_and_anyone_reuses_them() {
    let th = town_hall().await;
    let admin = th.staff_token().await;
    let editor = th.staff_with_role("e.martin", Role::Editor).await;

    // Only publishers speak for the town hall.
    let (status, _) = th
        .send(
            Method::POST,
            "/admin/measures",
            &editor,
            Some(&nice_curfew()),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let anonymous = reqwest::Client::new()
        .post(th.api("/admin/measures"))
        .json(&nice_curfew())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let curfew = create(&th, &admin, &nice_curfew()).await;
    assert_eq!(curfew["version"], 1);
    let id = curfew["id"].as_str().unwrap().to_owned();
    let masks = create(&th, &admin, &masks_everywhere()).await;

    // Bad input is said in the writer's language, and nothing is stored.
    let mut bad = nice_curfew();
    bad["rule"]["from"] = json!("24:00");
    let (status, body) = th
        .send(Method::POST, "/admin/measures", &admin, Some(&bad), "it")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["message"],
        "«24:00» non è un orario: scrivete HH:MM, per esempio 18:00."
    );
    let mut outside = nice_curfew();
    outside["communes"] = json!(["75056"]);
    let (status, body) = th
        .send(
            Method::POST,
            "/admin/measures",
            &admin,
            Some(&outside),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["message"],
        "La commune 75056 ne fait pas partie du territoire."
    );
    let mut backwards = masks_everywhere();
    backwards["until"] = json!(at(-3));
    let (status, body) = th
        .send(
            Method::POST,
            "/admin/measures",
            &admin,
            Some(&backwards),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["message"],
        "The measure ends before it takes effect."
    );

    // A change is a new version; one made from a stale read is refused.
    let mut later = nice_curfew();
    later["rule"]["from"] = json!("18:00");
    let path = format!("/admin/measures/{id}?version=1");
    let (status, v2) = th
        .send(Method::PUT, &path, &admin, Some(&later), "fr")
        .await;
    assert_eq!(status, StatusCode::OK, "{v2}");
    assert_eq!(
        (v2["version"].as_u64(), v2["rule"]["from"].as_str()),
        (Some(2), Some("18:00"))
    );
    let (status, body) = th
        .send(Method::PUT, &path, &admin, Some(&nice_curfew()), "fr")
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("version 2"),
        "{body}"
    );

    // Open data: every measure, one commune's, those in force now.
    let all = get_json(&th.api("/open-data/measures.json")).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let cagnes = get_json(&th.api("/open-data/measures.json?commune=06027&at=now")).await;
    assert_eq!(
        cagnes,
        json!([masks]),
        "the territory's measure applies to Cagnes"
    );
    let nice = get_json(&th.api("/open-data/measures.json?commune=06088&at=now")).await;
    assert_eq!(nice.as_array().unwrap().len(), 2);
    let next_month = get_json(&th.api(&format!(
        "/open-data/measures.json?commune=06088&at={}",
        at(30).replace('+', "%2B")
    )))
    .await;
    assert_eq!(next_month, json!([masks]), "the curfew will have ended");
    for (query, message) in [
        ("json?commune=Nice", "Code INSEE « Nice » non valide"),
        (
            "json?at=tomorrow",
            "at « tomorrow » n'est pas une date RFC 3339",
        ),
        ("csv?commune=Nice", "Code INSEE « Nice » non valide"),
    ] {
        let resp = reqwest::get(th.api(&format!("/open-data/measures.{query}")))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        // A reusing site's page may read why (it could not before).
        assert_eq!(resp.headers()["access-control-allow-origin"], "*");
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(message),
            "{body}"
        );
    }

    let resp = reqwest::get(th.api("/open-data/measures.csv?commune=06088"))
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    let text = resp.text().await.unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rows.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "version",
            "kind",
            "value",
            "communes",
            "since",
            "until",
            "text_fr",
            "text_en",
            "text_it",
            "changed_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let curfew_row = rows.iter().find(|r| &r[0] == id.as_str()).unwrap();
    assert_eq!(&curfew_row[1], "2");
    assert_eq!(&curfew_row[2], "curfew");
    assert_eq!(&curfew_row[3], "18:00-06:00");
    assert_eq!(&curfew_row[4], "06088");
    assert_eq!(
        &curfew_row[7], "Sorties avec attestation, sauf urgence",
        "a comma survives quoting"
    );
    assert_eq!(&curfew_row[9], "", "no Italian text");
    let masks_row = rows.iter().find(|r| &r[2] == "masks").unwrap();
    assert_eq!(
        (&masks_row[3], &masks_row[4], &masks_row[6]),
        ("everywhere", "", "")
    );

    // What the web app shows: each commune's rules in force, said in the
    // reader's language, the town hall's text in it or else in French.
    let resp = reqwest::Client::new()
        .get(th.api("/measures/in-force?communes=06088,06027,06088"))
        .header("accept-language", "it")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let answer: Value = resp.json().await.unwrap();
    assert!(answer["at"].as_str().is_some(), "when they were computed");
    let places = &answer["places"];
    let said: Vec<(&str, Vec<&str>)> = places
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["commune_name"].as_str().unwrap(),
                p["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["summary"].as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            (
                "Nice",
                vec![
                    "Coprifuoco dalle 18:00 alle 06:00",
                    "Mascherina obbligatoria ovunque"
                ]
            ),
            ("Cagnes-sur-Mer", vec!["Mascherina obbligatoria ovunque"]),
        ]
    );
    assert_eq!(
        places[0]["rules"][0]["text"],
        "Sorties avec attestation, sauf urgence"
    );
    for (query, status) in [
        ("communes=", StatusCode::BAD_REQUEST),
        ("communes=nice", StatusCode::BAD_REQUEST),
    ] {
        let resp = reqwest::get(th.api(&format!("/measures/in-force?{query}")))
            .await
            .unwrap();
        assert_eq!(resp.status(), status, "{query}");
    }
    // A commune no longer in the territory is left out, the others answered.
    let answer = get_json(&th.api("/measures/in-force?communes=75056,06027")).await;
    assert_eq!(answer["places"].as_array().unwrap().len(), 1);
    assert_eq!(answer["places"][0]["commune"], "06027");

    // Withdrawn: devices get a tombstone, the history keeps every version.
    let (status, withdrawn) = th
        .send(
            Method::DELETE,
            &format!("/admin/measures/{id}?version=2"),
            &admin,
            None,
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["version"], 3);
    let page = get_json(&th.api("/measures?since=0")).await;
    assert_eq!(page["items"], json!([masks]));
    assert_eq!(page["deleted"], json!([id]));
    let history = get_json(&th.api(&format!("/measures/{id}/history"))).await;
    let versions: Vec<(u64, bool)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_u64().unwrap(),
                v["withdrawn"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, [(1, false), (2, false), (3, true)]);
    let (status, body) = th
        .send(
            Method::PUT,
            &format!("/admin/measures/{id}?version=3"),
            &admin,
            Some(&later),
            "en",
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["error"]["message"],
        "This measure was withdrawn: create a new one."
    );
    let resp = reqwest::get(th.api("/measures/m:unknown/history"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get_json(&th.api("/open-data/measures.json")).await,
        json!([masks])
    );

    // Every change is in the audit log, with who made it.
    let audit = th.staff_json("/admin/audit", &admin).await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == id.as_str())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["measure-withdrawn", "measure-changed", "measure-created"]
    );

    // Open data cannot carry a formula into a reuser's spreadsheet.
    let mut formula = masks_everywhere();
    formula["texts"] = json!([{"lang": "fr", "text": "=HYPERLINK(\"http://evil\")"}]);
    create(&th, &admin, &formula).await;
    let text = reqwest::get(th.api("/open-data/measures.csv"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cells: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap()[7].to_owned())
        .collect();
    assert!(
        cells.contains(&"'=HYPERLINK(\"http://evil\")".to_owned()),
        "{cells:?}"
    );
    assert!(!cells.iter().any(|c| c.starts_with('=')));
}

#[tokio::test(flavor = "multi_thread")]
async fn residents_read_their_places_rules_offline_and_are_told_live_when_they_change() {
    use beffroi_client::places::SavedPlace;
    use beffroi_tests::{Recorder, resident};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    let mut th = town_hall().await;
    let admin = th.staff_token().await;
    let r = resident(&th.url);
    let mut settings = r.client.settings().unwrap();
    settings.lang = Some(beffroi_domain::Lang::Fr);
    settings.home_commune = Some("06088".parse().unwrap());
    r.client.set_settings(&settings).unwrap();
    let recorder = Arc::new(Recorder::default());
    r.client.set_notifier(recorder.clone());
    // Before the crisis: no measure at all.
    let report = r.client.sync().await.unwrap();
    assert_eq!(report.measures_changed, 0);
    r.client
        .save_place(
            SavedPlace::commune("Travail", "06027".parse().unwrap()),
            None,
        )
        .unwrap();
    assert!(
        recorder.summaries().is_empty(),
        "the rules as they are are no news"
    );
    let summaries =
        |client: &beffroi_client::Client| -> Vec<(Option<String>, String, Vec<String>)> {
            client
                .rules(OffsetDateTime::now_utc())
                .unwrap()
                .into_iter()
                .map(|p| {
                    (
                        p.place,
                        p.commune_name,
                        p.rules.into_iter().map(|r| r.summary).collect(),
                    )
                })
                .collect()
        };
    let everywhere = "Masque obligatoire partout".to_owned();
    assert_eq!(
        summaries(&r.client),
        [
            (None, "Nice".to_owned(), vec![]),
            (
                Some("Travail".to_owned()),
                "Cagnes-sur-Mer".to_owned(),
                vec![]
            ),
        ]
    );

    let client = Arc::new(r.client);
    let online = Arc::new(tokio::sync::Notify::new());
    let told = Arc::new(AtomicUsize::new(0));
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
                        if what == beffroi_client::Content::Rules {
                            told.fetch_add(1, Ordering::SeqCst);
                        }
                    },
                )
                .await
        }
    });
    tokio::time::timeout(Duration::from_secs(10), online.notified())
        .await
        .unwrap();
    let wait_told = |n: usize| {
        let told = told.clone();
        async move {
            tokio::time::timeout(Duration::from_secs(5), async {
                while told.load(Ordering::SeqCst) < n {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "told {} times of a change, not {n}",
                    told.load(Ordering::SeqCst)
                )
            });
        }
    };

    // The crisis begins: the town hall's first measure, for the whole
    // territory, is news at both places.
    let masks = create(&th, &admin, &masks_everywhere()).await;
    wait_told(1).await;
    assert_eq!(
        summaries(&client),
        [
            (None, "Nice".to_owned(), vec![everywhere.clone()]),
            (
                Some("Travail".to_owned()),
                "Cagnes-sur-Mer".to_owned(),
                vec![everywhere.clone()]
            ),
        ]
    );
    assert_eq!(
        recorder.summaries(),
        [
            "Règles modifiées : Nice",
            "Règles modifiées : Cagnes-sur-Mer"
        ]
    );

    // A curfew for Nice: only home's rules change, and the resident is told.
    create(&th, &admin, &nice_curfew()).await;
    wait_told(2).await;
    let now = summaries(&client);
    assert_eq!(
        now[0].2,
        ["Couvre-feu de 21:00 à 06:00".to_owned(), everywhere.clone()]
    );
    assert_eq!(now[1].2, std::slice::from_ref(&everywhere));
    assert_eq!(recorder.summaries()[2..], ["Règles modifiées : Nice"]);

    // The territory's masks withdrawn: both places change.
    let id = masks["id"].as_str().unwrap();
    let (status, _) = th
        .send(
            Method::DELETE,
            &format!("/admin/measures/{id}?version=1"),
            &admin,
            None,
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    wait_told(3).await;
    assert_eq!(
        recorder.summaries()[3..],
        [
            "Règles modifiées : Nice",
            "Règles modifiées : Cagnes-sur-Mer"
        ]
    );
    listener.abort();

    // Offline, the rules are still there.
    th.stop().await;
    let offline = summaries(&client);
    assert_eq!(offline[0].2, ["Couvre-feu de 21:00 à 06:00"]);
    assert!(offline[1].2.is_empty());
}

#[tokio::test]
async fn only_streams_that_ask_are_told_of_a_change_and_the_same_content_tells_none() {
    let th = town_hall().await;
    let admin = th.staff_token().await;
    let open = |asks: bool| {
        let mut req = reqwest::Client::new().get(th.api("/alerts/stream"));
        if asks {
            req = req.header("beffroi-measures", "1");
        }
        req.send()
    };
    let mut asking = open(true).await.unwrap();
    let mut plain = open(false).await.unwrap();
    let mut by_query = reqwest::get(th.api("/alerts/stream?measures=1"))
        .await
        .unwrap();

    let body = masks_everywhere();
    let masks = create(&th, &admin, &body).await;
    assert!(
        read_stream_until(&mut asking, "event: measures")
            .await
            .contains("data: {}")
    );
    read_stream_until(&mut by_query, "event: measures").await;
    // The same content again: no version, nothing said.
    let id = masks["id"].as_str().unwrap();
    let (status, same) = th
        .send(
            Method::PUT,
            &format!("/admin/measures/{id}?version=1"),
            &admin,
            Some(&body),
            "fr",
        )
        .await;
    assert_eq!(
        (status, same["version"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    // An alert after it: what each stream got before it is all it got.
    crate::alerts::publish(&th, &admin, &crate::alerts::draft("Canicule", None)).await;
    assert!(
        !read_stream_until(&mut asking, "event: alert")
            .await
            .contains("event: measures")
    );
    assert!(
        !read_stream_until(&mut plain, "event: alert")
            .await
            .contains("event: measures")
    );
}

#[tokio::test]
async fn a_device_syncs_with_a_town_hall_from_before_the_rules_in_force() {
    use axum::response::IntoResponse;
    let th = town_hall().await;
    // The same town hall, as a server without the measures' routes answers.
    let old = beffroi_server::router(th.state.clone()).layer(axum::middleware::from_fn(
        |req: axum::extract::Request, next: axum::middleware::Next| async move {
            if req.uri().path().starts_with("/api/v1/measures") {
                // What its router answers a route it does not have.
                return beffroi_server::ApiError::not_found().into_response();
            }
            next.run(req).await
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, old).await });
    let r = beffroi_tests::resident(&url);
    let report = r.client.sync().await.unwrap();
    assert!(report.communes_total > 0, "the rest of the sync went on");
    assert_eq!((report.measures_changed, report.measures_removed), (0, 0));
    server.abort();
}
