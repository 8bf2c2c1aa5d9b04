//! The resident core syncing from a real town hall, then working offline.

use beffroi_domain::Commune;
use beffroi_tests::{resident, town_hall};

#[tokio::test]
async fn a_resident_syncs_the_territory_then_keeps_it_offline() {
    let mut th = town_hall().await;
    let r = resident(&th.url);

    let report = r.client.sync().await.unwrap();
    assert_eq!((report.communes_changed, report.communes_total), (51, 51));
    let status = r.client.sync_status().unwrap();
    assert_eq!(status.online, Some(true));
    assert!(status.last_success.is_some());

    // Nothing changed: a second sync transfers nothing.
    let again = r.client.sync().await.unwrap();
    assert_eq!((again.communes_changed, again.communes_total), (0, 51));

    // A change on the server arrives as a delta.
    let mut nice = r
        .client
        .communes()
        .unwrap()
        .into_iter()
        .find(|c| c.code.as_str() == "06088")
        .unwrap();
    nice.population += 1;
    th.state
        .store
        .upsert_communes(vec![nice.clone()])
        .await
        .unwrap();
    let delta = r.client.sync().await.unwrap();
    assert_eq!(delta.communes_changed, 1);
    let cached: Vec<Commune> = r.client.communes().unwrap();
    assert!(cached.contains(&nice));

    // The server goes away: the cache still answers and the status says offline.
    th.stop().await;
    let err = r.client.sync().await.unwrap_err();
    assert!(err.is_offline(), "{err}");
    let status = r.client.sync_status().unwrap();
    assert_eq!(status.online, Some(false));
    assert!(status.last_success.is_some());
    assert_eq!(r.client.communes().unwrap().len(), 51);
}

#[tokio::test]
async fn a_resident_store_survives_reopening() {
    let th = town_hall().await;
    let r = resident(&th.url);
    r.client.sync().await.unwrap();
    let reopened = beffroi_client::Client::open(r.dir.path()).unwrap();
    assert_eq!(reopened.communes().unwrap().len(), 51);
    assert_eq!(
        reopened.settings().unwrap().server_url.as_deref(),
        Some(th.url.as_str())
    );
}

#[tokio::test]
async fn a_server_address_that_is_not_a_url_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let client = beffroi_client::Client::open(dir.path()).unwrap();
    let err = client.set_server("nice.example").unwrap_err();
    assert!(
        matches!(err, beffroi_client::ClientError::InvalidServerUrl(_)),
        "{err}"
    );
    assert!(matches!(
        client.sync().await,
        Err(beffroi_client::ClientError::NoServer)
    ));
}
