//! Alert areas drawn on the map (CAP polygons and circles): validated,
//! signed, exported as schema-valid CAP, imported back, and matched on the
//! resident's device against their home and saved places.

use std::sync::Arc;

use beffroi_client::places::SavedPlace;
use beffroi_domain::Lang;
use beffroi_domain::alert::Severity;
use beffroi_domain::place::Position;
use beffroi_tests::{Recorder, get_text, resident, town_hall, town_hall_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::alerts::{call, draft, post_cap, publish, xmllint_validates};

/// A square around Place Masséna, Nice (about 1 km a side).
const MASSENA: &str = "43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277 43.692,7.264";

fn ring(cap: &str) -> Value {
    let points: Vec<Value> = cap
        .split(' ')
        .map(|p| {
            let (lat, lon) = p.split_once(',').unwrap();
            json!({"lat": lat.parse::<f64>().unwrap(), "lon": lon.parse::<f64>().unwrap()})
        })
        .collect();
    json!({ "points": points })
}

fn shaped(headline: &str, area: Value) -> Value {
    let mut d = draft(headline, None);
    d["category"] = json!("fire");
    d["event"] = json!("Feu");
    d["event_code"] = json!("feu");
    d["area"] = area;
    d
}

#[tokio::test]
async fn a_polygon_alert_goes_round_cap_and_reaches_work_but_not_home() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let area = json!({"kind": "communes", "communes": [], "polygons": [ring(MASSENA)]});
    let id = publish(&th, &token, &shaped("Feu d'entrepôt place Masséna", area)).await;

    // The CAP document carries the polygon and names the commune it
    // reaches, and is valid against the CAP 1.2 schema.
    let list = th.staff_json("/admin/alerts", &token).await;
    let alert = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .unwrap();
    let thread = alert["thread"].as_str().unwrap().to_owned();
    let xml = get_text(&format!("{}/cap/alerts/{thread}.xml", th.url)).await;
    xmllint_validates(&xml).unwrap();
    assert!(
        xml.contains(&format!("<polygon>{MASSENA}</polygon>")),
        "{xml}"
    );
    assert!(xml.contains("<areaDesc>Nice</areaDesc>"), "{xml}");
    let atom = get_text(&format!("{}/cap/alerts.atom", th.url)).await;
    assert!(atom.contains("<cap:areaDesc>Nice</cap:areaDesc>"), "{atom}");

    // Another town hall's tool imports it as it is: the polygon is kept.
    let other = town_hall().await;
    let other_token = other.staff_token().await;
    let (status, created) = post_cap(&other, &other_token, xml.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["draft"]["area"],
        json!({"kind": "communes", "communes": [], "polygons": [ring(MASSENA)]})
    );

    // On devices: home in Èze, work at Place Masséna. The signed alert
    // (the polygon is in what was signed) reaches work, and the
    // notification names it; a neighbour with home in Èze only is not
    // concerned, nor notified.
    let me = resident(&th.url);
    let neighbour = resident(&th.url);
    for r in [&me, &neighbour] {
        let mut s = r.client.settings().unwrap();
        s.lang = Some(Lang::Fr);
        s.home_commune = Some("06059".parse().unwrap());
        r.client.set_settings(&s).unwrap();
    }
    // The communes (with their outlines) come first: a point place gets
    // its commune from them.
    let (recorder, other_recorder) = (Arc::new(Recorder::default()), Arc::new(Recorder::default()));
    me.client.set_notifier(recorder.clone());
    neighbour.client.set_notifier(other_recorder.clone());
    // Before the first sync there are no outlines: the place is saved
    // without a commune, which the sync that brings them finds.
    let work = me
        .client
        .save_place(
            SavedPlace::point(
                "Travail",
                Position {
                    lat: 43.6971,
                    lon: 7.2706,
                },
            ),
            None,
        )
        .unwrap();
    assert_eq!(work.commune, None);
    me.client.sync().await.unwrap();
    neighbour.client.sync().await.unwrap();
    let work = &me.client.places().unwrap()[0];
    assert_eq!(work.commune.as_ref().map(|c| c.as_str()), Some("06088"));

    let mine = me.client.alerts().unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].concerns_me && mine[0].notify);
    assert_eq!(mine[0].places, ["Travail"]);
    let theirs = neighbour.client.alerts().unwrap();
    assert!(!theirs[0].concerns_me && !theirs[0].notify);
    assert_eq!(
        recorder.summaries(),
        ["[Travail] Feu d'entrepôt place Masséna"]
    );
    assert!(other_recorder.summaries().is_empty());

    // A circle of 1 km around Èze's old town reaches home: notified
    // without a place name. One place asks only for severe alerts: a
    // moderate alert there is listed for it but not notified.
    let mut mum = SavedPlace::commune("Maman", "06127".parse().unwrap());
    mum.min_severity = Severity::Severe;
    me.client.save_place(mum, None).unwrap();
    let circle = json!({"kind": "communes", "communes": [],
        "circles": [{"centre": {"lat": 43.7281, "lon": 7.3617}, "radius_km": 1.0}]});
    publish(&th, &token, &shaped("Feu de forêt à Èze", circle)).await;
    let mut at_mum = shaped(
        "Coupure d'eau",
        json!({"kind": "communes", "communes": ["06127"]}),
    );
    at_mum["severity"] = json!("moderate");
    publish(&th, &token, &at_mum).await;
    me.client.sync().await.unwrap();
    assert_eq!(
        recorder.summaries(),
        [
            "[Travail] Feu d'entrepôt place Masséna",
            "Feu de forêt à Èze"
        ]
    );
    let water = me
        .client
        .alerts()
        .unwrap()
        .into_iter()
        .find(|a| a.message.body.texts[0].headline == "Coupure d'eau")
        .unwrap();
    assert!(water.concerns_me && !water.notify);
    assert_eq!(water.places, ["Maman"]);
}

#[tokio::test]
async fn bad_shapes_get_clear_errors_and_store_nothing() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let square = "43.69,7.26 43.70,7.26 43.70,7.27 43.69,7.27";
    let huge: Vec<Value> = (0..10_000)
        .map(|i| json!({"lat": 43.70, "lon": 7.26 + f64::from(i) * 1e-6}))
        .collect();
    for (area, expected, needle) in [
        (
            json!({"kind": "communes", "communes": [], "polygons": [ring(square)]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "n'est pas fermé",
        ),
        (
            json!({"kind": "communes", "communes": [], "polygons": [{"points": huge}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "10000 points : 1000 au plus",
        ),
        (
            json!({"kind": "communes", "communes": [],
                "polygons": [{"points": huge[..1500]}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "1500 points : 1000 au plus",
        ),
        (
            json!({"kind": "communes", "communes": [],
                "circles": [{"centre": {"lat": 43.7, "lon": 7.27}, "radius_km": -2.0}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "rayon du cercle, -2 km",
        ),
        (
            json!({"kind": "communes", "communes": [],
                "polygons": [ring("43.69,7.26 93.70,7.26 43.70,7.27 43.69,7.26")]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "hors limites",
        ),
        (
            json!({"kind": "communes", "communes": [],
                "circles": [{"centre": {"lat": 43.5, "lon": 7.3}, "radius_km": 2.0}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ne touche aucune commune",
        ),
    ] {
        let (status, err) = call(
            &th,
            Method::POST,
            "/admin/alerts",
            &token,
            Some(&shaped("Feu", area)),
        )
        .await;
        assert_eq!(status, expected, "{needle}: {err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains(needle), "{needle}: {message}");
    }
    // A CAP document with an open ring is refused by name too.
    let nice = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/cap/confinement-nice.xml"
    ))
    .unwrap()
    .replacen(
        "<areaDesc>Nice, Cagnes-sur-Mer</areaDesc>",
        &format!("<areaDesc>Nice, Cagnes-sur-Mer</areaDesc><polygon>{square}</polygon>"),
        1,
    );
    let (status, err) = post_cap(&th, &token, nice).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("n'est pas fermé"),
        "{err}"
    );
    let list = th.staff_json("/admin/alerts", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing stored: {list}");
}

#[tokio::test]
async fn every_alert_names_its_issuer_and_how_to_reach_them() {
    let th = town_hall_with(|s| {
        s.sender_name = "Ville de Nice".into();
        s.issuer_contact = Some("Allô Mairie : 39 06".into());
    })
    .await;
    let token = th.staff_token().await;
    let mut with_contact = draft("Canicule", None);
    with_contact["texts"][1]["contact"] = json!("Hotline 0800 000 000");
    publish(&th, &token, &with_contact).await;
    let r = resident(&th.url);
    r.client.sync().await.unwrap();
    let alerts = r.client.alerts().unwrap();
    let m = &alerts[0].message;
    assert_eq!(m.sender_name.as_deref(), Some("Ville de Nice"));
    // The town hall's contact where staff named none; theirs kept.
    let contacts: Vec<_> = m.body.texts.iter().map(|t| t.contact.as_deref()).collect();
    assert_eq!(
        contacts,
        [Some("Allô Mairie : 39 06"), Some("Hotline 0800 000 000")]
    );
    // Severe and immediate: an emergency; the notification is normal
    // (only an extreme alert asks for critical treatment).
    assert_eq!(
        alerts[0].level,
        beffroi_domain::alert::AlertLevel::Emergency
    );
    let thread = &alerts[0].thread;
    let xml = get_text(&format!("{}/cap/alerts/{thread}.xml", th.url)).await;
    assert!(
        xml.contains("<senderName>Ville de Nice</senderName>"),
        "{xml}"
    );
    assert!(
        xml.contains("<contact>Allô Mairie : 39 06</contact>"),
        "{xml}"
    );
}

#[tokio::test]
async fn the_area_editor_reads_pasted_shapes_and_names_the_communes_and_places_they_reach() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    // Directory places: two pharmacies and a town hall office in the square, a bakery
    // outside it, and a pharmacy inside that was deleted.
    let mut deleted = String::new();
    for (name, category, lat, lon) in [
        ("Pharmacie Masséna", "pharmacy", 43.6972, 7.2705),
        ("Pharmacie du Jardin", "pharmacy", 43.6985, 7.2712),
        ("Mairie annexe Masséna", "town_hall", 43.6995, 7.2690),
        ("Boulangerie de Cimiez", "bakery", 43.7190, 7.2760),
        ("Pharmacie fermée", "pharmacy", 43.6990, 7.2700),
    ] {
        let place = json!({
            "name": name, "category": category,
            "address": {"street": "Place Masséna", "postcode": "06000", "city": "Nice"},
            "position": {"lat": lat, "lon": lon}
        });
        let (status, created) =
            call(&th, Method::POST, "/admin/places", &token, Some(&place)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        deleted = created["id"].as_str().unwrap().to_owned();
    }
    let (status, _) = call(
        &th,
        Method::DELETE,
        &format!("/admin/places/{deleted}"),
        &token,
        None,
    )
    .await;
    assert!(status.is_success(), "{status}");
    let body = json!({"polygons": [MASSENA, ""], "circles": ["43.7281,7.3617 1"]});
    let (status, reach) = call(&th, Method::POST, "/admin/areas/reach", &token, Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{reach}");
    assert_eq!(
        reach["places"],
        json!([{"category": "pharmacy", "count": 2}, {"category": "town_hall", "count": 1}])
    );
    assert_eq!(reach["polygons"], json!([ring(MASSENA)]));
    assert_eq!(reach["circles"][0]["radius_km"], 1.0);
    let mut communes: Vec<&str> = reach["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    communes.sort_unstable();
    assert_eq!(communes, ["06059", "06088"]);
    // Refusals name what is wrong, in the agent's language.
    let resp = th
        .staff(Method::POST, "/admin/areas/reach", &token)
        .header("accept-language", "en")
        .json(&json!({"circles": ["43.7281,7.3617 -3"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = resp.json().await.unwrap();
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("radius, -3 km"),
        "{err}"
    );
    // Staff only.
    let anonymous = reqwest::Client::new()
        .post(th.api("/admin/areas/reach"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_report_outside_the_territory_is_refused_on_the_device_before_it_is_queued() {
    use beffroi_domain::l10n::Localize;
    use beffroi_domain::report::{NewReport, ReportLocation};
    let th = town_hall().await;
    let r = resident(&th.url);
    r.client.sync().await.unwrap();
    let report = |lat: f64, lon: f64| NewReport {
        id: String::new(),
        category: "cleanliness".into(),
        description: "Dépôt sauvage".into(),
        location: ReportLocation {
            position: Some(Position { lat, lon }),
            address: None,
        },
        commune: None,
        contact: None,
        lang: Lang::Fr,
        answers: Default::default(),
        filed_by: None,
    };
    // Monte-Carlo (Monaco): a clear refusal now, not a queued report the server
    // refuses after the resident left.
    let err = r
        .client
        .file_report(report(43.7384, 7.4246), &[])
        .unwrap_err();
    assert_eq!(err.msg().id, "err-report-outside", "{err}");
    assert!(r.client.filed_reports().unwrap().is_empty());
    // The beach below the Opéra, just outside Nice's simplified outline: queued.
    r.client.file_report(report(43.6935, 7.272), &[]).unwrap();
    assert_eq!(r.client.filed_reports().unwrap().len(), 1);
}

#[tokio::test]
async fn a_resident_follows_a_report_filed_nearby_instead_of_filing_it_again() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    // A neighbour reported the pothole.
    let id = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b1a01";
    let (status, _) = call(
        &th,
        Method::POST,
        "/reports",
        "",
        Some(&json!({
            "id": id, "category": "roads", "description": "Nid-de-poule devant le 12",
            "location": {"position": {"lat": 43.7009, "lon": 7.2683}, "address": "12 avenue Jean Médecin"},
            "commune": "06088", "contact": {"name": "Marie", "phone": "0600000000"},
            "lang": "fr", "answers": {"danger": "oui"}
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let r = resident(&th.url);
    r.client.sync().await.unwrap();
    // Twenty metres away, about to file the same.
    let near = r
        .client
        .nearby_reports(
            "roads",
            Position {
                lat: 43.70108,
                lon: 7.2683,
            },
        )
        .await
        .unwrap();
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].id, id);
    let view = r.client.follow_report(id).await.unwrap();
    // What a follower sees: no address, no position, no contact.
    assert_eq!(view.location.position, None);
    assert_eq!(view.location.address, None);
    assert_eq!(view.description, "Nid-de-poule devant le 12");
    // The town hall plans the work: the follower's next sync says so.
    let (status, _) = call(
        &th,
        Method::POST,
        &format!("/admin/reports/{id}/status"),
        &token,
        Some(&json!({"status": "planned", "message": "Intervention lundi"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    r.client.sync().await.unwrap();
    let followed = r.client.followed_public_reports().unwrap();
    assert_eq!(followed.len(), 1);
    let last = followed[0].history.last().unwrap();
    assert_eq!(last.message.as_deref(), Some("Intervention lundi"));
    // Nothing was filed from this device.
    assert!(r.client.filed_reports().unwrap().is_empty());
    // A private category's report cannot be followed (nor found).
    let private = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b1a02";
    let (status, _) = call(
        &th,
        Method::POST,
        "/reports",
        "",
        Some(&json!({
            "id": private, "category": "mutual-aid", "description": "Ma voisine a besoin d'aide",
            "location": {"position": {"lat": 43.7009, "lon": 7.2683}},
            "commune": "06088", "lang": "fr", "answers": {"urgent": "oui"}
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(r.client.follow_report(private).await.is_err());
    let near = r
        .client
        .nearby_reports(
            "mutual-aid",
            Position {
                lat: 43.7009,
                lon: 7.2683,
            },
        )
        .await
        .unwrap();
    assert!(near.is_empty());
}

/// Files a neighbour's report (no device): its id.
async fn neighbours_report(th: &beffroi_tests::TownHall, id: &str, category: &str) {
    let (status, body) = call(
        th,
        Method::POST,
        "/reports",
        "",
        Some(&json!({
            "id": id, "category": category, "description": "Signalé par un voisin",
            "location": {"position": {"lat": 43.7009, "lon": 7.2683}},
            "commune": "06088", "lang": "fr", "answers": {"danger": "oui", "urgent": "oui"}
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follower_hears_of_a_followed_reports_new_status_live_and_a_private_one_is_never_announced()
 {
    use std::time::Duration;
    let th = town_hall().await;
    let token = th.staff_token().await;
    let public = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b1b01";
    let private = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b1b02";
    neighbours_report(&th, public, "roads").await;
    neighbours_report(&th, private, "mutual-aid").await;

    let r = resident(&th.url);
    let recorder = Arc::new(Recorder::default());
    r.client.set_notifier(recorder.clone());
    r.client.sync().await.unwrap();
    r.client.follow_report(public).await.unwrap();
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
                    move |_| {
                        told.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    },
                    |_| {},
                )
                .await
        }
    });
    tokio::time::timeout(Duration::from_secs(10), online.notified())
        .await
        .unwrap();
    let told_at_start = told.load(std::sync::atomic::Ordering::SeqCst);
    // Someone naming the private report as one they follow publicly.
    let mut spy = reqwest::Client::new()
        .get(th.api("/alerts/stream"))
        .header("beffroi-public-reports", private)
        .send()
        .await
        .unwrap();

    for id in [public, private] {
        let (status, _) = call(
            &th,
            Method::POST,
            &format!("/admin/reports/{id}/status"),
            &token,
            Some(&json!({"status": "in_progress", "message": "Équipe en route."})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    // Live: the follower's copy has the new status, and a notification says it.
    tokio::time::timeout(Duration::from_secs(5), async {
        while client.followed_public_reports().unwrap()[0].history.len() < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the followed report's new status within 5 s, with no sync");
    assert_eq!(
        recorder.summaries(),
        ["Signalement suivi : en cours de traitement"]
    );
    assert!(told.load(std::sync::atomic::Ordering::SeqCst) > told_at_start);
    listener.abort();

    // The private report's change never reached the spy: an alert sent
    // afterwards is the first event it sees.
    publish(&th, &token, &draft("Essai", None)).await;
    let got = beffroi_tests::read_stream_until(&mut spy, "event: alert").await;
    assert!(!got.contains("event: report"), "{got}");
}
