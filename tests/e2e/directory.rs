//! The directory end to end: staff keep it, residents sync it and search it
//! offline.

use beffroi_client::directory::SearchQuery;
use beffroi_domain::Lang;
use beffroi_domain::hours::OpenState;
use beffroi_domain::place::Category;
use beffroi_server::import::{Format, import_places};
use beffroi_tests::{get_json, resident, town_hall};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const MONACO: &str = include_str!("../../data/osm-monaco-pois.geojson");

fn monday_10h() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap()
}

fn bakery(name: &str, hours: &str) -> Value {
    json!({
        "name": name,
        "category": "bakery",
        "address": {"street": "Rue Droite", "postcode": "06300", "city": "Nice"},
        "position": {"lat": 43.6975, "lon": 7.2770},
        "opening_hours": hours,
        "takeaway": true
    })
}

/// The Monaco extract, imported as the CLI does (no outlines: its places
/// keep the communes their addresses give).
async fn import_monaco(store: &dyn beffroi_server::Store) -> beffroi_domain::place::ImportReport {
    import_places(store, Format::GeoJson, MONACO, Lang::Fr, Default::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn residents_search_the_synced_directory_offline() {
    let mut th = town_hall().await;
    import_monaco(th.state.store.as_ref()).await;
    let r = resident(&th.url);
    let report = r.client.sync().await.unwrap();
    assert!(report.places_total > 400, "{report:?}");
    th.stop().await;

    let open_pharmacies = r
        .client
        .search(
            &SearchQuery {
                text: Some("pharmacie".into()),
                open_only: true,
                ..Default::default()
            },
            &monday_10h(),
            Lang::Fr,
        )
        .unwrap();
    assert!(!open_pharmacies.is_empty());
    for p in &open_pharmacies {
        assert_eq!(p.place.category, Category::Pharmacy);
        assert_eq!(p.state, OpenState::Open);
        assert!(p.status.starts_with("Ouvert jusqu'à"), "{}", p.status);
        assert!(p.place.opening_hours.is_some() && p.next_change.is_some());
    }

    // Accents are optional and the category's name in any language finds it.
    let fr = r
        .client
        .search(
            &SearchQuery {
                text: Some("epicerie".into()),
                ..Default::default()
            },
            &monday_10h(),
            Lang::It,
        )
        .unwrap();
    let en = r
        .client
        .search(
            &SearchQuery {
                text: Some("grocery".into()),
                ..Default::default()
            },
            &monday_10h(),
            Lang::En,
        )
        .unwrap();
    assert!(!fr.is_empty() && fr.len() == en.len());
    assert!(fr.iter().all(|p| p.place.category == Category::Convenience));
    assert!(
        fr[0].status.contains("Apre")
            || fr[0].status.contains("Aperto")
            || fr[0].status.contains("Orari"),
        "{}",
        fr[0].status
    );

    // Ordered by distance from a position.
    let casino = beffroi_domain::place::Position {
        lat: 43.7396,
        lon: 7.4276,
    };
    let near = r
        .client
        .search(
            &SearchQuery {
                near: Some(casino),
                order: beffroi_client::directory::Order::Distance,
                limit: Some(10),
                ..Default::default()
            },
            &monday_10h(),
            Lang::Fr,
        )
        .unwrap();
    let d: Vec<f64> = near.iter().map(|p| p.distance_m.unwrap()).collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
}

#[tokio::test]
async fn staff_edits_reach_residents_and_bad_input_is_refused() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let http = reqwest::Client::new();
    let r = resident(&th.url);

    // Without a token: 401.
    let resp = http
        .post(th.api("/admin/places"))
        .json(&bakery("X", "24/7"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    // Unparsable hours and coordinates out of range: 422 with the reason, nothing stored.
    let resp = th
        .staff(Method::POST, "/admin/places", &token)
        .json(&bakery("X", "lundi 9h"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Horaires « lundi 9h » non valides"),
        "{body}"
    );
    let mut far = bakery("X", "24/7");
    far["position"]["lon"] = json!(200.0);
    let resp = th
        .staff(Method::POST, "/admin/places", &token)
        .json(&far)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        get_json(&th.api("/places")).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Create: the commune comes from the address; residents get it.
    let resp = th
        .staff(Method::POST, "/admin/places", &token)
        .json(&bakery("Le Fournil", "Mo-Sa 07:00-19:30"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created: Value = resp.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("bf:"));
    assert_eq!(created["commune"], "06088");
    r.client.sync().await.unwrap();
    let found = r
        .client
        .search(
            &SearchQuery {
                text: Some("fournil".into()),
                ..Default::default()
            },
            &monday_10h(),
            Lang::Fr,
        )
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].state, OpenState::Open);

    // Close it for the crisis: residents see it closed.
    let mut closed = bakery("Le Fournil", "Mo-Sa 07:00-19:30");
    closed["crisis"] = json!({"status": "closed", "note": "Fermé jusqu'à nouvel ordre"});
    let resp = th
        .staff(Method::PUT, &format!("/admin/places/{id}"), &token)
        .json(&closed)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    r.client.sync().await.unwrap();
    let p = r
        .client
        .place(
            &beffroi_domain::place::PlaceId(id.clone()),
            &monday_10h(),
            Lang::Fr,
        )
        .unwrap()
        .unwrap();
    assert_eq!(p.state, OpenState::Closed);
    assert_eq!(p.note.as_deref(), Some("Fermé jusqu'à nouvel ordre"));

    // Staff search by name.
    let list: Value = th.staff_json("/admin/places?q=fourn", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    // Delete: a tombstone removes it from residents' devices.
    let resp = th
        .staff(Method::DELETE, &format!("/admin/places/{id}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = th
        .staff(Method::DELETE, &format!("/admin/places/{id}"), &token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let report = r.client.sync().await.unwrap();
    assert_eq!((report.places_removed, report.places_total), (1, 0));
}

#[tokio::test]
async fn import_over_http_reports_per_row() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    let csv = "id,name,category,lat,lon,opening_hours\nnode/1,A,bakery,43.7,7.27,Mo-Fr 08:00-12:00\nnode/2,B,bakery,43.7,7.27,n'importe quand\n";
    let resp = th
        .staff(Method::POST, "/admin/places/import", &token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let report: Value = resp.json().await.unwrap();
    assert_eq!(report["inserted"], 1);
    assert_eq!(report["rejected"][0]["row"], 3);

    let resp = th
        .staff(Method::POST, "/admin/places/import", &token)
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let resp = th
        .staff(Method::POST, "/admin/places/import", &token)
        .header("content-type", "application/geo+json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // The Monaco extract (~290 KB) fits the import route's limit.
    let resp = th
        .staff(Method::POST, "/admin/places/import", &token)
        .header("content-type", "application/geo+json")
        .body(MONACO)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn no_change_is_skipped_when_edits_happen_during_a_sync() {
    let th = town_hall().await;
    import_monaco(th.state.store.as_ref()).await;
    let token = th.staff_token().await;
    let http = reqwest::Client::new();

    let first = get_json(&th.api("/places?limit=100")).await;
    assert_eq!(first["has_more"], true);
    let seen = first["items"][0].clone();
    let cursor = first["next_cursor"].as_u64().unwrap();

    // While the client is between pages, staff edit a place it already has.
    let mut edit = bakery(seen["name"].as_str().unwrap(), "Mo-Su 09:00-10:00");
    edit["category"] = seen["category"].clone();
    let resp = http
        .put(th.api(&format!("/admin/places/{}", seen["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .json(&edit)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let mut since = cursor;
    let mut later = Vec::new();
    loop {
        let page = get_json(&th.api(&format!("/places?since={since}&limit=1000"))).await;
        later.extend(page["items"].as_array().unwrap().iter().cloned());
        since = page["next_cursor"].as_u64().unwrap();
        if page["has_more"] == false {
            break;
        }
    }
    let again: Vec<_> = later.iter().filter(|p| p["id"] == seen["id"]).collect();
    assert_eq!(
        again.len(),
        1,
        "the edited place comes again after the cursor"
    );
    assert_eq!(again[0]["opening_hours"], "Mo-Su 09:00-10:00");
}

#[tokio::test]
async fn a_reimport_keeps_what_staff_edited_or_deleted() {
    let th = town_hall().await;
    let store = th.state.store.as_ref();
    let first = import_monaco(store).await;
    let token = th.staff_token().await;
    let http = reqwest::Client::new();
    let page = get_json(&th.api("/places?limit=2")).await;
    let (a, b) = (page["items"][0].clone(), page["items"][1].clone());

    // Staff close one place for the crisis and delete another.
    let mut closed = bakery(a["name"].as_str().unwrap(), "Mo-Fr 09:00-12:00");
    closed["category"] = a["category"].clone();
    closed["crisis"] = json!({"status": "closed", "note": "Fermé par arrêté"});
    let resp = http
        .put(th.api(&format!("/admin/places/{}", a["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .json(&closed)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = http
        .delete(th.api(&format!("/admin/places/{}", b["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);

    // The same OSM file again: both staff decisions stand, the rest is unchanged.
    let again = import_monaco(store).await;
    assert_eq!(again.counts.kept, 2);
    assert_eq!(again.counts.unchanged, first.counts.inserted - 2);
    assert_eq!((again.counts.inserted, again.counts.updated), (0, 0));
    let still = get_json(&th.api(&format!("/places/{}", a["id"].as_str().unwrap()))).await;
    assert_eq!(still["crisis"]["status"], "closed");
    let gone = reqwest::get(th.api(&format!("/places/{}", b["id"].as_str().unwrap())))
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_place_without_a_postcode_gets_its_commune_from_its_position() {
    let th = town_hall().await;
    let token = th.staff_token().await;
    // Added by staff with no address: Place Masséna is in Nice.
    let mut massena = bakery("Kiosque Masséna", "Mo-Su 08:00-20:00");
    massena["address"] = json!({});
    massena["position"] = json!({"lat": 43.6971, "lon": 7.2706});
    let resp = th
        .staff(Method::POST, "/admin/places", &token)
        .json(&massena)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created: Value = resp.json().await.unwrap();
    assert_eq!(created["commune"], "06088", "{created}");
    // Imported without postcode or city: the old town of Èze; at sea, none.
    let csv = "id,name,category,lat,lon\nnode/7,Épicerie du Village,convenience,43.7281,7.3617\nnode/8,Bateau,convenience,43.60,7.30\n";
    let resp = th
        .staff(Method::POST, "/admin/places/import", &token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let places: Value = get_json(&th.api("/places")).await;
    let commune = |id: &str| {
        places["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["commune"].clone())
            .unwrap_or_else(|| panic!("{id} imported: {places}"))
    };
    assert_eq!(commune("osm:node:7"), "06059");
    assert_eq!(commune("osm:node:8"), Value::Null);
}

/// The web app's directory, searched on the server: the same places as the
/// device's offline search finds, staff changes within seconds, the reader's
/// language, and bad input refused.
#[tokio::test]
async fn the_web_app_searches_the_directory_on_the_server_like_the_app_offline() {
    use beffroi_domain::directory::{DirectoryInfo, PlaceDetails, PlaceResult};
    let th = town_hall().await;
    import_monaco(th.state.store.as_ref()).await;
    let http = reqwest::Client::new();
    let search = |body: Value, lang: &'static str| {
        http.post(th.api("/directory/search"))
            .header("accept-language", lang)
            .json(&body)
            .send()
    };
    let info: DirectoryInfo =
        serde_json::from_value(get_json(&th.api("/directory")).await).unwrap();
    assert!(info.places > 400, "{info:?}");

    // The same bakeries as a device's offline search, by name.
    let r = resident(&th.url);
    r.client.sync().await.unwrap();
    let offline: Vec<String> = r
        .client
        .search(
            &SearchQuery {
                text: Some("boulangerie".into()),
                limit: Some(200),
                ..Default::default()
            },
            &monday_10h(),
            Lang::Fr,
        )
        .unwrap()
        .into_iter()
        .map(|p| p.place.id.0)
        .collect();
    let resp = search(
        json!({"text": "boulangerie", "limit": 200, "order": "relevance"}),
        "fr",
    )
    .await
    .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let online: Vec<PlaceResult> = resp.json().await.unwrap();
    let mut a: Vec<&str> = online.iter().map(|p| p.place.id.0.as_str()).collect();
    let mut b: Vec<&str> = offline.iter().map(String::as_str).collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    assert!(online.iter().all(|p| p.place.category == Category::Bakery));

    // Statuses in the reader's language; a place's page with its week.
    let resp = search(json!({"text": "pharmacie", "order": "relevance"}), "it")
        .await
        .unwrap();
    let italian: Vec<PlaceResult> = resp.json().await.unwrap();
    let italian_words = ["Aperto", "Apre", "Chiuso", "Orari sconosciuti"];
    assert!(
        !italian.is_empty()
            && italian
                .iter()
                .all(|p| italian_words.iter().any(|w| p.status.starts_with(w))),
        "{:?}",
        italian.iter().map(|p| &p.status).collect::<Vec<_>>()
    );
    let id = &italian[0].place.id.0;
    let details: PlaceDetails =
        serde_json::from_value(get_json(&th.api(&format!("/directory/places/{id}"))).await)
            .unwrap();
    assert_eq!(&details.result.place.id.0, id);
    let missing = http
        .get(th.api("/directory/places/osm:node:0"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Staff add a bakery: the web app finds it within seconds.
    let token = th.staff_token().await;
    let resp = th
        .staff(Method::POST, "/admin/places", &token)
        .json(&bakery("Fournil de la Web App", "24/7"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let mut found = false;
    for _ in 0..80 {
        let resp = search(json!({"text": "fournil web", "order": "relevance"}), "fr")
            .await
            .unwrap();
        let list: Vec<PlaceResult> = resp.json().await.unwrap();
        if list.iter().any(|p| p.place.name == "Fournil de la Web App") {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the new bakery is found");

    // Bad input: a clear 400 in the reader's language.
    let long = "x".repeat(201);
    for (body, fr) in [
        (
            json!({"text": long, "order": "relevance"}),
            "La recherche est trop longue : 200 caractères au plus.",
        ),
        (
            json!({"near": {"lat": 123.0, "lon": 7.0}, "order": "distance"}),
            "La position donnée n'existe pas (latitude de -90 à 90, longitude de -180 à 180).",
        ),
    ] {
        let resp = search(body, "fr").await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["message"], fr);
    }
    let resp = search(json!({"category": "not-a-category"}), "fr")
        .await
        .unwrap();
    assert!(resp.status().is_client_error());
}

#[tokio::test]
async fn local_producers_are_found_by_direct_sales_and_collection_point_on_devices_and_the_web() {
    use beffroi_domain::directory::PlaceResult;
    let th = town_hall().await;
    let token = th.staff_token().await;
    for (name, category, direct, collect) in [
        ("Ferme du Var", "farm", Some(true), None),
        (
            "Drive fermier de Saint-Isidore",
            "marketplace",
            Some(true),
            Some(true),
        ),
        ("Épicerie du Port", "convenience", None, Some(true)),
        ("Boulangerie Rossi", "bakery", None, None),
    ] {
        let mut place = bakery(name, "Mo-Sa 07:00-19:00");
        place["category"] = json!(category);
        place["direct_sales"] = json!(direct);
        place["collection_point"] = json!(collect);
        let resp = th
            .staff(Method::POST, "/admin/places", &token)
            .json(&place)
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::CREATED,
            "{}",
            resp.text().await.unwrap()
        );
    }
    // A device of the first release does not know the farm category: it
    // gets the farm as the greengrocer it knew; a device of this one, as is.
    let category_of = |directory: Option<&'static str>| {
        let mut req = reqwest::Client::new().get(th.api("/places?since=0"));
        if let Some(v) = directory {
            req = req.header("beffroi-directory", v);
        }
        async move {
            let page: Value = req.send().await.unwrap().json().await.unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "Ferme du Var")
                .unwrap()["category"]
                .clone()
        }
    };
    assert_eq!(category_of(None).await, "greengrocer");
    assert_eq!(category_of(Some("2")).await, "farm");

    let r = resident(&th.url);
    r.client.sync().await.unwrap();
    let names = |q: SearchQuery| -> Vec<String> {
        let mut n: Vec<String> = r
            .client
            .search(&q, &monday_10h(), Lang::Fr)
            .unwrap()
            .into_iter()
            .map(|p| p.place.name)
            .collect();
        n.sort();
        n
    };
    let direct = ["Drive fermier de Saint-Isidore", "Ferme du Var"];
    // This device knew the farm's category.
    let farm = r
        .client
        .search(
            &SearchQuery {
                text: Some("Ferme du Var".into()),
                ..Default::default()
            },
            &monday_10h(),
            Lang::Fr,
        )
        .unwrap();
    assert_eq!(
        farm[0].place.category,
        beffroi_domain::place::Category::Farm
    );
    let collect = ["Drive fermier de Saint-Isidore", "Épicerie du Port"];
    assert_eq!(
        names(SearchQuery {
            direct_sales: true,
            ..Default::default()
        }),
        direct
    );
    assert_eq!(
        names(SearchQuery {
            collection_point: true,
            ..Default::default()
        }),
        collect
    );
    // The web app's search, on the server, finds the same.
    let http = reqwest::Client::new();
    for (body, expected) in [
        (json!({"direct_sales": true}), &direct),
        (json!({"collection_point": true}), &collect),
    ] {
        let found: Vec<PlaceResult> = http
            .post(th.api("/directory/search"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut n: Vec<String> = found.into_iter().map(|p| p.place.name).collect();
        n.sort();
        assert_eq!(n, *expected, "{body}");
    }
}
