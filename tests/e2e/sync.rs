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

#[tokio::test]
async fn choosing_a_town_hall_checks_it_and_choosing_another_forgets_the_first_ones_keys() {
    let (first, second) = (town_hall().await, town_hall().await);
    let dir = tempfile::tempdir().unwrap();
    let client = beffroi_client::Client::open(dir.path()).unwrap();
    let first_keys = first_fingerprint(&first).await;

    // A link whose key the server does not hold: refused, nothing saved.
    let impostor = format!(
        "beffroi://connect?server={}&key={}",
        first.url,
        "ab".repeat(32)
    );
    let err = client.check_server(&impostor).await.unwrap_err();
    assert!(
        matches!(err, beffroi_client::ClientError::KeyMismatch { .. }),
        "{err}"
    );
    assert!(client.settings().unwrap().server_url.is_none());

    // The poster's link: the territory and the key; chosen, synced, pinned.
    let link = format!("beffroi://connect?server={}&key={first_keys}", first.url);
    let check = client.check_server(&link).await.unwrap();
    assert_eq!(check.territory, "Métropole Nice Côte d'Azur");
    assert_eq!(check.keys[0].fingerprint, first_keys);
    client.choose_server(&check).unwrap();
    client.sync().await.unwrap();
    assert_eq!(client.trusted_keys().unwrap()[0].fingerprint, first_keys);

    // Another town hall, chosen by the resident: its keys replace the first's.
    let check = client.check_server(&second.url).await.unwrap();
    assert_eq!(check.key, None);
    client.choose_server(&check).unwrap();
    assert!(client.trusted_keys().unwrap().is_empty());
    assert_eq!(client.settings().unwrap().server_key, None);
    client.sync().await.unwrap();
    let second_keys = first_fingerprint(&second).await;
    assert_ne!(second_keys, first_keys);
    assert_eq!(client.trusted_keys().unwrap()[0].fingerprint, second_keys);
}

/// The SHA-256 of a town hall's first published key, in hexadecimal.
async fn first_fingerprint(th: &beffroi_tests::TownHall) -> String {
    let keys: Vec<beffroi_domain::alert::PublicKey> = reqwest::get(th.api("/keys"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = beffroi_domain::alert::signing::decode_key(&keys[0]).unwrap();
    beffroi_domain::alert::signing::fingerprint(&key)
}

/// A server that answers every page with "more to come" and a cursor one
/// further: what a malicious or broken server could do to keep a device
/// paging forever.
async fn endless_pages() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = std::sync::Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                        continue;
                    };
                    let request = String::from_utf8_lossy(&head[..end]).into_owned();
                    head.drain(..end + 4);
                    count.fetch_add(1, Ordering::SeqCst);
                    let since: u64 = request
                        .split(['?', '&', ' '])
                        .find_map(|p| p.strip_prefix("since="))
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    let body = format!(
                        r#"{{"items":[],"deleted":[],"next_cursor":{},"has_more":true}}"#,
                        since + 1
                    );
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, served)
}

#[tokio::test]
async fn a_server_that_pages_forever_cannot_keep_a_device_paging() {
    let (url, served) = endless_pages().await;
    let r = resident(&url);
    let result = tokio::time::timeout(std::time::Duration::from_secs(120), r.client.sync())
        .await
        .expect("the sync ends by itself");
    let err = result.expect_err("endless paging is an error, not a success");
    assert!(
        matches!(err, beffroi_client::ClientError::Protocol { .. }),
        "{err:?}"
    );
    // The device stopped after its bound (1,000 pages, one fetched ahead).
    let pages = served.load(std::sync::atomic::Ordering::SeqCst);
    assert!((1_000..=1_001).contains(&pages), "{pages} pages requested");
}

/// A relay in front of `upstream` on loopback: its address, how many
/// connections it took, and how many requests it dropped. With
/// `drop_second`, the first connection is closed when its second request
/// arrives, unanswered, as a server closing a kept connection (a restart,
/// its idle timeout) just as a call goes out on it.
async fn relay(
    upstream: std::net::SocketAddr,
    drop_second: bool,
) -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    let (counted, dropping) = (accepted.clone(), dropped.clone());
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let first = counted.fetch_add(1, Ordering::SeqCst) == 0;
            let dropping = dropping.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                if !(first && drop_second) {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    return;
                }
                // Calls are one after the other: a read from the device
                // after the server has answered starts the next request.
                let (mut requests, mut answered) = (0, false);
                let (mut up, mut down) = ([0u8; 16384], [0u8; 16384]);
                loop {
                    tokio::select! {
                        n = inbound.read(&mut up) => {
                            let Ok(n @ 1..) = n else { return };
                            if requests == 0 || answered {
                                requests += 1;
                                answered = false;
                            }
                            if requests == 2 {
                                dropping.fetch_add(1, Ordering::SeqCst);
                                return; // Both sockets closed, unanswered.
                            }
                            if outbound.write_all(&up[..n]).await.is_err() { return; }
                        }
                        n = outbound.read(&mut down) => {
                            let Ok(n @ 1..) = n else { return };
                            answered = true;
                            if inbound.write_all(&down[..n]).await.is_err() { return; }
                        }
                    }
                }
            });
        }
    });
    (url, accepted, dropped)
}

/// A device's calls share their connections: building an HTTP client reads
/// the system's root certificates (about 50 ms of a core), and a new client
/// means a new connection (a TLS handshake on the Internet) for each call.
#[tokio::test]
async fn a_devices_calls_share_one_connection_to_the_town_hall() {
    let th = town_hall().await;
    let (relay_url, accepted, _) = relay(th.addr(), false).await;
    let r = resident(&relay_url);
    r.client.check_server(&relay_url).await.unwrap();
    for _ in 0..5 {
        r.client.sync().await.unwrap();
    }
    // Six calls, some fifty requests: one connection, or two when a request
    // goes out while the previous one's connection is being handed back
    // (the client then opens another, and keeps both).
    let made = accepted.load(std::sync::atomic::Ordering::SeqCst);
    assert!((1..=2).contains(&made), "{made} connections for six calls");
}

/// A kept connection closed by the server as the next call goes out on it:
/// the call is sent again on a new one, and the resident sees no error.
#[tokio::test]
async fn a_kept_connection_the_server_closed_is_not_an_error() {
    let th = town_hall().await;
    let (relay_url, accepted, dropped) = relay(th.addr(), true).await;
    let r = resident(&relay_url);
    // The first connection's first request answered, its second dropped.
    let checked = r.client.check_server(&relay_url).await.unwrap();
    assert_eq!(checked.server, relay_url);
    r.client.sync().await.unwrap();
    assert_eq!(r.client.communes().unwrap().len(), 51);
    use std::sync::atomic::Ordering::SeqCst;
    assert_eq!(
        dropped.load(SeqCst),
        1,
        "a request was dropped, and sent again"
    );
    let made = accepted.load(SeqCst);
    assert!((2..=3).contains(&made), "{made} connections");
}
