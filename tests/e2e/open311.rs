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

    // It is in the staff's triage list, with the contact details.
    let token = th.staff_token().await;
    let triage: Value = th.staff_json("/admin/reports", &token).await;
    assert_eq!(triage[0]["report"]["id"], id.as_str());
    assert_eq!(triage[0]["report"]["contact"]["email"], "agent@example.org");

    // And Open311 lists it, without the contact details, in both formats.
    let list = json(format!(
        "{base}/requests.json?status=open&service_code=lighting"
    ))
    .await;
    assert_eq!(list[0]["service_request_id"], id.as_str());
    assert_eq!(list[0]["status"], "open");
    assert_eq!(list[0]["lat"], 43.6961);
    assert!(!list.to_string().contains("agent@example.org"));
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
