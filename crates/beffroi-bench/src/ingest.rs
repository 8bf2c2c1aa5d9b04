//! `ingest`: the sustained rate of acknowledged (durable) report submissions.
//!
//! The server runs in this process (real HTTP on loopback, the real SQLite
//! file with `synchronous=FULL`); the senders run in a child process (this
//! binary's hidden `ingest-load`), each with its own keep-alive connection,
//! sending new reports back to back for a fixed time. Only answers 201 count.
//! Afterwards the database is opened on its own and must hold exactly the
//! acknowledged reports: an acknowledgement that is not on disk fails the run.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use beffroi_server::{AppState, Settings};
use serde_json::json;
use tokio::io::AsyncBufReadExt;

/// One phase's figures, as the load process reports them.
#[derive(Debug, serde::Deserialize)]
struct Load {
    acknowledged: u64,
    errors: u64,
    seconds: f64,
    latency_ms: serde_json::Value,
}

pub async fn ingest(
    seconds: u64,
    senders: usize,
    photo_kb: usize,
    database: Option<String>,
) -> anyhow::Result<()> {
    let photo = noise_jpeg(photo_kb * 1000)?;
    println!(
        "{senders} senders, {seconds} s per phase; the photo is a {:.0} KB JPEG",
        photo.len() as f64 / 1000.0
    );
    let figures = |without: &Load, with: &Load| {
        json!({
            "without_photo": {
                "reports_per_s": (without.acknowledged as f64 / without.seconds).round(),
                "acknowledged": without.acknowledged,
                "latency_ms": without.latency_ms,
            },
            "with_photo": {
                "photo_bytes": photo.len(),
                "reports_per_s": (with.acknowledged as f64 / with.seconds).round(),
                "acknowledged": with.acknowledged,
                "latency_ms": with.latency_ms,
            },
        })
    };
    println!("SQLite:");
    let without = phase(seconds, senders, 0, None).await?;
    let with = phase(seconds, senders, photo_kb, None).await?;
    let mut result = json!({
        "bench": "ingest",
        "senders": senders,
        "seconds": seconds,
    });
    let sqlite = figures(&without, &with);
    for (k, v) in sqlite.as_object().into_iter().flatten() {
        result[k] = v.clone();
    }
    if let Some(url) = &database {
        println!("PostgreSQL:");
        let without = phase(seconds, senders, 0, Some(url)).await?;
        let with = phase(seconds, senders, photo_kb, Some(url)).await?;
        result["postgres"] = figures(&without, &with);
    }
    println!("{result}");
    Ok(())
}

/// Reports in the store `database` names (SQLite: the file in `dir`), read
/// on a connection of its own.
async fn stored_reports(dir: &std::path::Path, database: Option<&str>) -> anyhow::Result<u64> {
    Ok(match database {
        None => {
            let db = dir.join(beffroi_server::DB_FILE);
            tokio::task::spawn_blocking(move || {
                rusqlite::Connection::open(db)?
                    .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
            })
            .await??
        }
        Some(url) => {
            let url = url.parse().map_err(anyhow::Error::msg)?;
            let store = beffroi_server::open_database(&url).await?;
            store.export().await?.reports.len() as u64
        }
    })
}

async fn phase(
    seconds: u64,
    senders: usize,
    photo_kb: usize,
    database: Option<&str>,
) -> anyhow::Result<Load> {
    // What the phase before wrote (gigabytes of photos, then deleted) is on
    // the disk before this one starts, not written back during it.
    anyhow::ensure!(
        tokio::process::Command::new("sync")
            .status()
            .await?
            .success(),
        "sync failed"
    );
    let dir = tempfile::tempdir()?;
    let before = match database {
        Some(_) => stored_reports(dir.path(), database).await?,
        None => 0,
    };
    let mut settings = Settings::new(dir.path());
    settings.database = database
        .map(str::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    // One address sends everything here: the per-address limit would measure itself.
    settings.report_burst = u32::MAX;
    settings.report_interval = Duration::from_nanos(1);
    let state = AppState::open(settings).await?;
    beffroi_server::demo::seed(state.store.as_ref()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(beffroi_server::serve(state, listener, async {
        let _ = stopped.await;
    }));

    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["ingest-load", "--addr", &addr.to_string()])
        .args(["--seconds", &seconds.to_string()])
        .args(["--senders", &senders.to_string()])
        .args(["--photo-kb", &photo_kb.to_string()])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("no stdout")?;
    let line = tokio::io::BufReader::new(stdout)
        .lines()
        .next_line()
        .await?
        .context("the load process printed nothing")?;
    anyhow::ensure!(child.wait().await?.success(), "the load process failed");
    let load: Load = serde_json::from_str(&line)?;
    let _ = stop.send(());
    server.await??;

    // Every acknowledged report is in the database, read on its own connection.
    let stored = stored_reports(dir.path(), database).await? - before;
    let what = if photo_kb == 0 {
        "without photo".to_owned()
    } else {
        format!("with a {photo_kb} KB photo")
    };
    println!(
        "{what}: {} acknowledged in {:.1} s = {:.0} reports/s ({} errors); latency {}; {stored} stored",
        load.acknowledged,
        load.seconds,
        load.acknowledged as f64 / load.seconds,
        load.errors,
        load.latency_ms,
    );
    anyhow::ensure!(
        stored == load.acknowledged,
        "{} acknowledged but {stored} stored",
        load.acknowledged
    );
    anyhow::ensure!(load.errors == 0, "{} submissions failed", load.errors);
    Ok(load)
}

/// A JPEG of random pixels of about `bytes` bytes (noise does not compress,
/// so the size follows the pixel count).
fn noise_jpeg(bytes: usize) -> anyhow::Result<Vec<u8>> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut side = 256u32;
    loop {
        let img = image::RgbImage::from_fn(side, side, |_, _| image::Rgb(rng.random()));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img)?;
        if out.len() >= bytes || side > 4096 {
            return Ok(out);
        }
        side += 32;
    }
}

/// The load process: `senders` tasks, each on its own connection, sending new
/// reports until `seconds` have passed; prints one JSON line with the counts.
pub async fn load(
    addr: std::net::SocketAddr,
    seconds: u64,
    senders: usize,
    photo_kb: usize,
) -> anyhow::Result<()> {
    let photo = Arc::new(if photo_kb == 0 {
        None
    } else {
        Some(noise_jpeg(photo_kb * 1000)?)
    });
    let url = format!("http://{addr}/api/v1/reports");
    // One client (one connection) per sender, as many devices would have;
    // made before the clock starts (each loads the system's certificates).
    // Each from an address of its own, as devices are (the server limits
    // uploads per address): 127.0.0.0/8 is all loopback.
    let clients = (0..senders)
        .map(|n| {
            let local = std::net::Ipv4Addr::from(0x7F01_0000 + u32::try_from(n).unwrap_or(0) + 1);
            reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .local_address(std::net::IpAddr::V4(local))
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (n, http) in clients.into_iter().enumerate() {
        let (url, done, photo) = (url.clone(), done.clone(), photo.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while !done.load(Ordering::Relaxed) {
                let report = json!({
                    "id": uuid::Uuid::now_v7().to_string(),
                    "category": "roads",
                    "description": format!("Nid-de-poule devant le numéro {n}, rue de France"),
                    "location": {"position": {"lat": 43.6961, "lon": 7.2656}},
                    "commune": "06088",
                    "lang": "fr",
                });
                let body = serde_json::to_vec(&report)?;
                let request = match photo.as_ref() {
                    None => http
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body),
                    Some(photo) => {
                        let (content_type, form) = beffroi_client::api::multipart_body(&[
                            ("report", "application/json", &body),
                            ("photo", "image/jpeg", photo),
                        ]);
                        http.post(&url)
                            .header("content-type", content_type)
                            .body(form)
                    }
                };
                let sent = Instant::now();
                match request.send().await {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        let _ = r.bytes().await;
                        latencies.push(sent.elapsed());
                    }
                    Ok(r) => {
                        errors += 1;
                        eprintln!("{}: {}", r.status(), r.text().await.unwrap_or_default());
                    }
                    Err(e) => {
                        errors += 1;
                        eprintln!("{e}");
                    }
                }
            }
            anyhow::Ok((latencies, errors))
        });
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    done.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut errors = 0;
    while let Some(joined) = tasks.join_next().await {
        let (l, e) = joined??;
        latencies.extend(l);
        errors += e;
    }
    // The last answers arrive after the stop: the time counts until then.
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| {
        if latencies.is_empty() {
            f64::NAN
        } else {
            crate::percentile(&latencies, p)
        }
    };
    println!(
        "{}",
        json!({
            "acknowledged": latencies.len(),
            "errors": errors,
            "seconds": elapsed,
            "latency_ms": {"p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
        })
    );
    Ok(())
}
