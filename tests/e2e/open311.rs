//! Open311 GeoReport v2: what existing clients and back offices see.

use beffroi_tests::{get_text, town_hall_with};
use reqwest::StatusCode;
use serde_json::Value;

const KEY: &str = "test-open311-key";

#[tokio::test]
async fn open311_discovery_services_post_and_get_requests_in_json_and_xml() {
    let th = town_hall_with(|s| s.open311_keys = vec![KEY.into()]).await;
    let base = format!("{}/open311/v2", th.url);
    let json = |path: String| async move {
        reqwest::get(path)
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };

    let discovery = json(format!("{base}/discovery.json")).await;
    assert_eq!(
        discovery["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    let services = json(format!("{base}/services.json")).await;
    assert_eq!(services.as_array().unwrap().len(), 9);
    let roads = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service_code"] == "roads")
        .unwrap();
    assert_eq!(roads["metadata"], true);
    let definition = json(format!("{base}/services/roads.json")).await;
    assert_eq!(definition["attributes"][0]["code"], "danger");
    let xml = reqwest::get(format!("{base}/services.xml")).await.unwrap();
    assert!(
        xml.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml")
    );
    let xml = xml.text().await.unwrap();
    assert!(
        xml.contains("<services>") && xml.contains("<service_code>roads</service_code>"),
        "{xml}"
    );

    // A back office creates a request, form-encoded, with its api_key.
    let form = [
        ("api_key", KEY),
        ("service_code", "lighting"),
        ("lat", "43.6961"),
        ("long", "7.2719"),
        ("description", "Lampadaire éteint rue de France"),
        ("email", "agent@example.org"),
        ("first_name", "Jean"),
    ];
    let http = reqwest::Client::new();
    let post = |fields: &[(&str, &str)]| {
        http.post(format!("{base}/requests.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap())
            .send()
    };
    let created = post(&form).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let wrong = post(&[
        ("api_key", "nope"),
        ("service_code", "lighting"),
        ("description", "x"),
        ("address_string", "ici"),
    ])
    .await
    .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let err: Value = wrong.json().await.unwrap();
    assert_eq!(err[0]["code"], 403);

    // A request out at sea, outside the territory, is refused in Open311's
    // error format, saying so; nothing is stored.
    let at_sea = post(&[
        ("api_key", KEY),
        ("service_code", "lighting"),
        ("lat", "43.60"),
        ("long", "7.30"),
        ("description", "Bouée éteinte"),
    ])
    .await
    .unwrap();
    assert_eq!(at_sea.status(), StatusCode::BAD_REQUEST);
    let err: Value = at_sea.json().await.unwrap();
    assert_eq!(err[0]["code"], 400);
    let description = err[0]["description"].as_str().unwrap();
    assert!(description.contains("hors du territoire"), "{description}");

    // It is in the staff's triage list, with the contact details.
    let token = th.staff_token().await;
    let triage: Value = th.staff_json("/admin/reports", &token).await;
    assert_eq!(
        triage.as_array().unwrap().len(),
        1,
        "only the request in the territory: {triage}"
    );
    assert_eq!(triage[0]["report"]["id"], id.as_str());
    assert_eq!(triage[0]["report"]["contact"]["email"], "agent@example.org");

    // And Open311 lists it, without the contact details, in both formats:
    // to anyone with its position blurred, to the town hall's tools exactly.
    let list = json(format!(
        "{base}/requests.json?status=open&service_code=lighting"
    ))
    .await;
    assert_eq!(list[0]["service_request_id"], id.as_str());
    assert_eq!(list[0]["status"], "open");
    assert_eq!(list[0]["lat"], 43.696);
    assert_eq!(list[0]["long"], 7.272);
    assert!(!list.to_string().contains("agent@example.org"));
    let exact = json(format!("{base}/requests.json?api_key={KEY}")).await;
    assert_eq!(exact[0]["lat"], 43.6961);
    let one = json(format!("{base}/requests/{id}.json")).await;
    assert_eq!(one[0]["description"], "Lampadaire éteint rue de France");
    let closed = json(format!("{base}/requests.json?status=closed")).await;
    assert_eq!(closed.as_array().unwrap().len(), 0);
    let xml = get_text(&format!("{base}/requests.xml")).await;
    assert!(xml.contains("<service_requests>"), "{xml}");
    assert!(
        xml.contains(&format!("<service_request_id>{id}</service_request_id>")),
        "{xml}"
    );
    let bad = reqwest::get(format!("{base}/requests.json?start_date=yesterday"))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn public_reads_show_only_published_categories_blurred_and_staff_see_all() {
    let th = town_hall_with(|s| s.open311_keys = vec![KEY.into()]).await;
    let base = format!("{}/open311/v2", th.url);
    let http = reqwest::Client::new();
    let file = |category: &str, description: &str| {
        let fields = [
            ("api_key", KEY),
            ("service_code", category),
            ("lat", "43.701234"),
            ("long", "7.268765"),
            (
                "address_string",
                "12 rue Pairolière, 3e étage, porte gauche",
            ),
            ("description", description),
            ("attribute[urgent]", "oui"),
            ("attribute[danger]", "non"),
        ];
        let http = http.clone();
        let url = format!("{base}/requests.json");
        let body = serde_urlencoded::to_string(fields).unwrap();
        async move {
            let created: Value = http
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            created[0]["service_request_id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let aid = file(
        "mutual-aid",
        "Mme R., 82 ans, vit seule au 3e étage, porte gauche : plus de courses depuis 5 jours",
    )
    .await;
    let pothole = file("roads", "Nid-de-poule devant l'école").await;

    // Anyone: the pothole, blurred, without its address; never the person.
    let public = get_text(&format!("{base}/requests.json")).await;
    assert!(public.contains(&pothole), "{public}");
    assert!(!public.contains(&aid), "{public}");
    assert!(!public.contains("82 ans"), "{public}");
    assert!(!public.contains("Pairolière"), "{public}");
    assert!(!public.contains("43.701234"), "{public}");
    let one = reqwest::get(format!("{base}/requests/{aid}.json"))
        .await
        .unwrap();
    assert_eq!(one.status(), StatusCode::NOT_FOUND);
    let by_id = get_text(&format!("{base}/requests.json?service_request_id={aid}")).await;
    assert!(!by_id.contains("82 ans"), "{by_id}");
    let xml = get_text(&format!("{base}/requests.xml?service_code=mutual-aid")).await;
    assert!(!xml.contains("82 ans"), "{xml}");

    // The town hall's tools, with the api_key: everything, exactly.
    let staff = get_text(&format!("{base}/requests.json?api_key={KEY}")).await;
    assert!(
        staff.contains("82 ans") && staff.contains("43.701234"),
        "{staff}"
    );
    let one: Value = reqwest::get(format!("{base}/requests/{aid}.json?api_key={KEY}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        one[0]["address"],
        "12 rue Pairolière, 3e étage, porte gauche"
    );
}

#[tokio::test]
async fn listings_page_in_sql_and_anonymous_reads_are_limited_per_address() {
    let th = town_hall_with(|s| s.open311_keys = vec![KEY.into()]).await;
    let base = format!("{}/open311/v2", th.url);
    // 1,205 reports straight into the store (the intake's own tests are
    // elsewhere): more than a listing's most.
    let categories = th.state.settings.report_categories.clone();
    for i in 0..1205u32 {
        let report = beffroi_domain::report::NewReport {
            id: format!("01900000-0000-7000-8000-{i:012}"),
            category: "roads".into(),
            description: format!("nid-de-poule {i}"),
            location: beffroi_domain::report::ReportLocation {
                position: None,
                address: Some("rue de France".into()),
            },
            commune: None,
            contact: None,
            lang: beffroi_domain::Lang::Fr,
            answers: [("danger".to_owned(), "non".to_owned())].into(),
            filed_by: None,
        };
        report.validate(&categories).unwrap();
        th.state
            .store
            .submit_report(report, format!("d{i}"))
            .await
            .unwrap();
    }
    let count = |v: &Value| v.as_array().unwrap().len();
    let staff = |query: &str| {
        let url = format!("{base}/requests.json?api_key={KEY}&{query}");
        async move {
            reqwest::get(url)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(count(&staff("").await), 200, "the default page");
    let most = staff("max_requests=1000").await;
    assert_eq!(count(&most), 1000);
    // Older ones: end_date at the oldest received.
    let oldest = most[999]["requested_datetime"].as_str().unwrap().to_owned();
    let rest = staff(&format!(
        "max_requests=1000&end_date={}",
        oldest.replace('+', "%2B")
    ))
    .await;
    assert_eq!(count(&rest), 205, "{}", rest[0]);
    let too_many = reqwest::get(format!("{base}/requests.json?max_requests=5000"))
        .await
        .unwrap();
    assert_eq!(too_many.status(), StatusCode::BAD_REQUEST);

    // The staff triage list pages with a cursor, every report once.
    let token = th.staff_token().await;
    let mut seen = std::collections::HashSet::new();
    let mut after: Option<String> = None;
    loop {
        let mut url = th.api("/admin/reports?limit=500");
        if let Some(a) = &after {
            url.push_str(&format!("&after={}", urlencode(a)));
        }
        let resp = reqwest::Client::new()
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        after = resp
            .headers()
            .get("beffroi-next-page")
            .map(|v| v.to_str().unwrap().to_owned());
        let page: Value = resp.json().await.unwrap();
        for r in page.as_array().unwrap() {
            assert!(seen.insert(r["report"]["id"].as_str().unwrap().to_owned()));
        }
        if after.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 1205);

    // Anonymous reads from one address: 60 at once, then refused (429).
    let mut refused = 0;
    let http = reqwest::Client::new();
    for _ in 0..70 {
        let status = http
            .get(format!("{base}/requests.json?max_requests=1"))
            .send()
            .await
            .unwrap()
            .status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        } else {
            assert_eq!(status, StatusCode::OK);
        }
    }
    assert!(refused >= 5, "{refused} refused");
    // The town hall's tools are not limited.
    assert_eq!(count(&staff("max_requests=1").await), 1);
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_owned()
}

#[tokio::test]
async fn a_request_located_by_its_commune_names_it_as_jurisdiction_id() {
    let th = town_hall_with(|s| s.open311_keys = vec![KEY.into()]).await;
    let base = format!("{}/open311/v2", th.url);
    let http = reqwest::Client::new();
    let post = |jurisdiction: &str| {
        let fields = [
            ("api_key", KEY),
            ("jurisdiction_id", jurisdiction),
            ("service_code", "cleanliness"),
            ("description", "Dépôt sauvage derrière la gare du Sud"),
        ];
        http.post(format!("{base}/requests.json"))
            .header("content-type", "application/x-www-form-urlencoded")
            // Open311 clients read errors in the language they ask for.
            .header("accept-language", "en-GB,en;q=0.9")
            .body(serde_urlencoded::to_string(fields).expect("a form"))
            .send()
    };

    // A commune of another territory, or no location at all: Open311's 400.
    for (jurisdiction, needle) in [
        ("75056", "75056 is not part of the territory"),
        ("nice.fr", "no location"),
    ] {
        let refused = post(jurisdiction).await.expect("an answer");
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{jurisdiction}");
        let err: Value = refused.json().await.expect("an error list");
        let description = err[0]["description"].as_str().expect("a description");
        assert!(description.contains(needle), "{description}");
    }

    let created = post("06088").await.expect("an answer");
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.expect("json");
    let id = created[0]["service_request_id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // Anyone and the town hall's tools read the commune's name as its
    // address, and no coordinates.
    for query in ["", &format!("?api_key={KEY}")] {
        let one: Value = reqwest::get(format!("{base}/requests/{id}.json{query}"))
            .await
            .expect("an answer")
            .json()
            .await
            .expect("json");
        assert_eq!(one[0]["address"], "Nice", "{query}: {one}");
        assert_eq!(one[0]["lat"], Value::Null);
        assert_eq!(one[0]["long"], Value::Null);
    }
    let token = th.staff_token().await;
    let staff: Value = th.staff_json(&format!("/admin/reports/{id}"), &token).await;
    assert_eq!(staff["report"]["commune"], "06088");
}
