//! Web Push to many phones: the time from an alert's publication until a
//! push service on loopback has received every encrypted push, and the
//! server's CPU per push.
//!
//! The server runs in this process (real HTTP, real SQLite file); the push
//! service runs in a second process (this binary again, `push-service`), so
//! the CPU measured is the server's. Subscriptions are written straight into
//! the database in one transaction (subscribing is not what is measured);
//! each has its own endpoint, and they share one device key (each push is
//! encrypted with a fresh key of the server's anyway).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use beffroi_server::{AppState, Settings};
use serde_json::json;

use crate::fanout::now_ns;

/// This process's CPU time (user and system), from `/proc/self/stat`.
fn cpu_time() -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The fields after the command name (which may hold spaces), from 3.
    let rest = stat.rsplit_once(')').context("/proc/self/stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
    // USER_HZ is 100 on Linux.
    Ok(Duration::from_millis(ticks * 10))
}

pub async fn push(subscriptions: usize) -> anyhow::Result<()> {
    // The push service first: its address goes into the subscriptions.
    let mut child = Command::new(std::env::current_exe()?)
        .args(["push-service", "--n"])
        .arg(subscriptions.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the push service's process")?;
    let mut lines = BufReader::new(child.stdout.take().context("no stdout")?).lines();
    let first = lines.next().context("the push service ended")??;
    let service = first
        .strip_prefix("listening ")
        .with_context(|| format!("push service: {first}"))?
        .to_owned();

    let dir = tempfile::tempdir()?;
    let mut settings = Settings::new(dir.path());
    settings.push_allow_private = true;
    let state = AppState::open(settings).await?;
    let t = Instant::now();
    {
        use base64::Engine;
        use web_push_native::p256::elliptic_curve::rand_core::OsRng;
        use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let key = web_push_native::p256::SecretKey::random(&mut OsRng);
        let p256dh = b64.encode(key.public_key().to_encoded_point(false).as_bytes());
        let auth = b64.encode(rand::random::<[u8; 16]>());
        let mut db = rusqlite::Connection::open(dir.path().join("beffroi.sqlite3"))?;
        let tx = db.transaction()?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO push_subscriptions \
                 (endpoint, p256dh, auth, communes, lang, min_severity, created_at, renewed_at) \
                 VALUES (?1, ?2, ?3, '[\"06088\"]', 'fr', 'Unknown', ?4, ?4)",
            )?;
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            for i in 0..subscriptions {
                insert.execute(rusqlite::params![
                    format!("{service}/push/{i:07}"),
                    p256dh,
                    auth,
                    now
                ])?;
            }
        }
        tx.commit()?;
    }
    println!(
        "{subscriptions} subscriptions stored in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let served = crate::fanout::Served::start(&state).await?;
    let (url, token, http) = (&served.url, &served.token, &served.http);
    let id = crate::fanout::draft(http, url, token, "Exercice : confinement").await?;

    let cpu_before = cpu_time()?;
    let t0 = now_ns();
    http.post(format!("{url}/api/v1/admin/alerts/{id}/publish"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?;
    let done = tokio::task::spawn_blocking(move || lines.next())
        .await?
        .context("the push service ended without a result")??;
    let cpu = cpu_time()? - cpu_before;
    let t_last: u64 = done
        .strip_prefix("done ")
        .and_then(|t| t.parse().ok())
        .with_context(|| format!("push service: {done}"))?;
    let _ = child.wait();
    let seconds = t_last.saturating_sub(t0) as f64 / 1e9;
    let per_push_us = cpu.as_secs_f64() * 1e6 / subscriptions.max(1) as f64;
    println!(
        "{subscriptions} encrypted pushes received {seconds:.1} s after the publication \
         ({:.0} pushes/s); server CPU {:.1} s: {per_push_us:.0} µs per push",
        subscriptions as f64 / seconds.max(1e-9),
        cpu.as_secs_f64()
    );
    served.stop().await?;
    println!(
        "{}",
        json!({
            "bench": "push",
            "subscriptions": subscriptions,
            "seconds": (seconds * 100.0).round() / 100.0,
            "server_cpu_seconds": (cpu.as_secs_f64() * 100.0).round() / 100.0,
            "cpu_us_per_push": per_push_us.round(),
        })
    );
    Ok(())
}

/// The push service's process: takes every push (201), counts those that
/// are encrypted, and prints the wall-clock time of the `n`th.
pub async fn service(n: usize) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening http://{}", listener.local_addr()?);
    let count = Arc::new(AtomicUsize::new(0));
    let (done, finished) = tokio::sync::oneshot::channel::<u64>();
    let done = Arc::new(std::sync::Mutex::new(Some(done)));
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (count, done) = (count.clone(), done.clone());
        async move {
            let encrypted = req
                .headers()
                .get("content-encoding")
                .is_some_and(|v| v == "aes128gcm");
            let body = axum::body::to_bytes(req.into_body(), 8192)
                .await
                .unwrap_or_default();
            if encrypted && !body.is_empty() && count.fetch_add(1, Ordering::SeqCst) + 1 == n {
                let at = now_ns();
                if let Some(done) = done.lock().unwrap_or_else(|p| p.into_inner()).take() {
                    let _ = done.send(at);
                }
            }
            axum::http::StatusCode::CREATED
        }
    });
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let at = tokio::time::timeout(Duration::from_secs(600), finished)
        .await
        .context("not every push came within 10 minutes")??;
    println!("done {at}");
    server.abort();
    Ok(())
}
