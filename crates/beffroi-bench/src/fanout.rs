//! Fan-out of one alert to many live subscribers.
//!
//! The server runs in this process (real HTTP on loopback, real SQLite file);
//! the subscribers run in a second process (this binary again, `subscribe`),
//! each a plain TCP connection reading the SSE stream, so the server's memory
//! is measured alone. Times are wall-clock nanoseconds, comparable across the
//! two processes of one machine.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use beffroi_server::{AppState, Settings};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The process's resident memory, in bytes (Linux `/proc/self/status`).
fn rss_bytes() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmRSS in /proc/self/status")?;
    Ok(kb * 1024)
}

pub async fn fanout(subscribers: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let state = AppState::open(Settings::new(dir.path()))?;
    let demo = beffroi_server::demo::seed(state.store.as_ref()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(beffroi_server::serve(state.clone(), listener, async {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"username": demo.username.as_str(), "password": demo.password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["token"].as_str().context("no token")?.to_owned();
    let draft: serde_json::Value = http
        .post(format!("{url}/api/v1/admin/alerts"))
        .bearer_auth(&token)
        .json(&json!({
            "status": "exercise", "category": "health", "event": "Confinement",
            "urgency": "immediate", "severity": "severe", "certainty": "observed",
            "texts": [{"lang": "fr", "headline": "Exercice : confinement",
                       "description": "Ceci est un exercice."}],
            "area": {"kind": "territory"}
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = draft["id"].as_str().context("no alert id")?.to_owned();

    // Settle, then the baseline: the server with no subscriber.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before = rss_bytes()?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["subscribe", "--addr", &addr.to_string(), "--n"])
        .arg(subscribers.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the subscribers' process")?;
    let mut lines = BufReader::new(child.stdout.take().context("no stdout")?).lines();
    let connect_start = std::time::Instant::now();
    let ready = tokio::task::spawn_blocking(move || {
        let first = lines.next();
        (first, lines)
    })
    .await?;
    let (first, mut lines) = ready;
    let first = first.context("the subscribers' process ended")??;
    anyhow::ensure!(first.starts_with("ready"), "subscribers: {first}");
    let connected = state.hub.subscribers();
    println!(
        "{subscribers} subscribers connected in {:.2} s ({connected} streams open on the server)",
        connect_start.elapsed().as_secs_f64()
    );
    // Idle for a moment, then measure.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = rss_bytes()?;
    let per_subscriber = rss_idle.saturating_sub(rss_before) as f64 / subscribers.max(1) as f64;
    println!(
        "server memory: {:.1} MiB before, {:.1} MiB with {subscribers} idle subscribers: {:.0} B each",
        rss_before as f64 / 1048576.0,
        rss_idle as f64 / 1048576.0,
        per_subscriber
    );

    let t0 = now_ns();
    http.post(format!("{url}/api/v1/admin/alerts/{id}/publish"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?;
    let result = tokio::task::spawn_blocking(move || lines.next())
        .await?
        .context("the subscribers' process ended without a result")??;
    let _ = child.wait();
    let result: serde_json::Value = serde_json::from_str(&result)?;
    let mut latencies: Vec<f64> = result["times_ns"]
        .as_array()
        .context("no times")?
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .map(|t| t.saturating_sub(t0) as f64 / 1e6)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let received = latencies.len();
    // The first delivery tells how long publishing took before anything was
    // sent (the message is committed, with an fsync, before it is announced).
    println!(
        "delivered to {received}/{subscribers}: first {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.0),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    let _ = stop.send(());
    server.await??;
    println!(
        "{}",
        json!({
            "bench": "fanout",
            "subscribers": subscribers,
            "received": received,
            "latency_ms": {"first": pct(0.0), "p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
            "server_rss_before_mib": rss_before as f64 / 1048576.0,
            "server_rss_idle_mib": rss_idle as f64 / 1048576.0,
            "server_bytes_per_idle_subscriber": per_subscriber.round(),
        })
    );
    Ok(())
}

/// One subscriber: connects, waits for the stream's headers (then it is
/// counted ready), then reads until an alert event arrives and returns when.
async fn subscriber(
    addr: std::net::SocketAddr,
    ready: tokio::sync::mpsc::Sender<()>,
) -> anyhow::Result<(u64, tokio::net::TcpStream)> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(
        format!("GET /api/v1/alerts/stream HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
            .as_bytes(),
    )
    .await?;
    let mut seen = Vec::with_capacity(1024);
    let mut buf = vec![0u8; 4096];
    let mut headers_done = false;
    loop {
        let n = s.read(&mut buf).await?;
        anyhow::ensure!(n > 0, "the server closed the stream");
        if headers_done {
            // The event starts the frame: no need to keep what came before.
            if find(&buf[..n], b"event: alert").is_some() {
                return Ok((now_ns(), s));
            }
            continue;
        }
        seen.extend_from_slice(&buf[..n]);
        if let Some(end) = find(&seen, b"\r\n\r\n") {
            anyhow::ensure!(seen.starts_with(b"HTTP/1.1 200"), "not 200");
            headers_done = true;
            let rest = seen.split_off(end + 4);
            seen = Vec::new();
            let _ = ready.send(()).await;
            if find(&rest, b"event: alert").is_some() {
                return Ok((now_ns(), s));
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The subscribers' process: `n` connections; prints `ready` once all are
/// streaming, then one JSON line with each delivery time (within 30 s).
pub async fn subscribe(addr: std::net::SocketAddr, n: usize) -> anyhow::Result<()> {
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(n.max(1));
    let mut tasks = tokio::task::JoinSet::new();
    // Connect in waves so the listen backlog never overflows.
    for wave in (0..n).collect::<Vec<_>>().chunks(500) {
        for _ in wave {
            tasks.spawn(subscriber(addr, ready_tx.clone()));
        }
        for _ in wave {
            tokio::time::timeout(Duration::from_secs(20), ready_rx.recv())
                .await
                .ok()
                .flatten()
                .context("a subscriber failed to connect within 20 s")?;
        }
    }
    println!("ready {n}");
    let mut times = Vec::with_capacity(n);
    let mut open = Vec::with_capacity(n);
    let deadline = tokio::time::sleep(Duration::from_secs(30));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            next = tasks.join_next() => match next {
                // Connections stay open until the end, as devices' do:
                // closing thousands of them would load both processes
                // while the others are still being measured.
                Some(Ok(Ok((t, stream)))) => {
                    times.push(t);
                    open.push(stream);
                }
                Some(Ok(Err(e))) => eprintln!("subscriber: {e}"),
                Some(Err(e)) => eprintln!("subscriber task: {e}"),
                None => break,
            },
            _ = &mut deadline => break,
        }
    }
    println!("{}", json!({ "times_ns": times }));
    Ok(())
}
