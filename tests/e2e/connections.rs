//! Connections under a slow or greedy client: every one has deadlines, one
//! address cannot hold them all, and a stop is bounded. (What waiting
//! heads cost, and logins' memory, are measured on the binary: `serve.rs`.)

use std::time::{Duration, Instant};

use beffroi_server::conn::Timeouts;
use beffroi_tests::{TownHall, town_hall_with};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Deadlines in seconds: head, idle (and stall), shutdown.
fn short(head: u64, idle: u64, shutdown: u64) -> Timeouts {
    Timeouts {
        head: Duration::from_secs(head),
        idle: Duration::from_secs(idle),
        stall: Duration::from_secs(idle),
        shutdown: Duration::from_secs(shutdown),
    }
}

/// A raw connection to the town hall from `local` (a loopback address).
async fn connect_from(th: &TownHall, local: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::from((local, 0))).unwrap();
    socket.connect(th.addr()).await.unwrap()
}

/// Reads until the server closes; what it sent, or `None` if it has not
/// closed within `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&got).into_owned())
}

#[tokio::test]
async fn half_sent_heads_stalled_bodies_and_idle_connections_are_closed() {
    let th = town_hall_with(|s| s.timeouts = short(1, 1, 10)).await;
    // An ordinary route, its head never finished.
    let mut slow = connect_from(&th, [127, 0, 0, 1]).await;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The alert stream's, never finished either.
    let mut slow_stream = connect_from(&th, [127, 0, 0, 1]).await;
    slow_stream
        .write_all(b"GET /api/v1/alerts/stream?communes=06088 HTTP/1.1\r\nX-Pad: ")
        .await
        .unwrap();
    // A keep-alive connection that asked once, then says nothing.
    let mut idle = connect_from(&th, [127, 0, 0, 1]).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");

    // A body that stops halfway.
    let mut stalled = connect_from(&th, [127, 0, 0, 1]).await;
    stalled
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"user",
        )
        .await
        .unwrap();

    for (name, conn) in [
        ("half-sent head", &mut slow),
        ("half-sent stream head", &mut slow_stream),
        ("idle keep-alive", &mut idle),
        ("stalled body", &mut stalled),
    ] {
        assert!(
            closed_within(conn, Duration::from_secs(10)).await.is_some(),
            "{name}: still open after 10 s"
        );
    }
}

#[tokio::test]
async fn one_address_cannot_hold_every_connection() {
    let th = town_hall_with(|s| {
        s.connections_per_address = 20;
        s.timeouts = short(60, 60, 10);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..20 {
        let mut c = connect_from(&th, [127, 0, 0, 7]).await;
        c.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
        held.push(c);
    }
    // The 21st from that address is told so, and closed.
    let mut over = connect_from(&th, [127, 0, 0, 7]).await;
    let answer = closed_within(&mut over, Duration::from_secs(5))
        .await
        .expect("closed at once");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("too many connections"), "{answer}");
    // Everyone else is served.
    let other = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 8]))
        .build()
        .unwrap();
    let ok = other
        .get(format!("{}/healthz", th.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    // Its connections gone, the address is served again.
    drop(held);
    let again = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 7]))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match again.get(format!("{}/healthz", th.url)).send().await {
            Ok(r) if r.status() == StatusCode::OK => break,
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
            other => panic!("not served again: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_stop_ends_within_its_grace_whatever_the_clients_do() {
    let mut th = town_hall_with(|s| s.timeouts = short(60, 60, 1)).await;
    let mut slow = Vec::new();
    for _ in 0..30 {
        let mut c = connect_from(&th, [127, 0, 0, 1]).await;
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(c);
    }
    // A body that stops halfway.
    let mut upload = connect_from(&th, [127, 0, 0, 1]).await;
    upload
        .write_all(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"user",
        )
        .await
        .unwrap();
    // And a live stream.
    let _stream = reqwest::get(th.api("/alerts/stream")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let t = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), th.stop())
        .await
        .expect("the server stopped within 10 s");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}
