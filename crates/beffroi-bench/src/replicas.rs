//! Fan-out across server processes: `fanout --replicas R [--database URL]`.
//!
//! R `beffroi-server serve` processes (the release binary beside this one)
//! on one database; N subscribers spread evenly over them, one subscribers'
//! process per server (this binary, `subscribe`, as the in-process bench);
//! one publication through the first server, so the others hear of it
//! through the database's bus, as replicas do. Then, on request, the same
//! with one server on SQLite (`--also-sqlite`) and nginx + nchan
//! (`--nchan`, Debian's `libnginx-mod-nchan`, 2 workers) with the same
//! subscribers' process and the same message bytes, with the ratios.
//! Memory is the servers' total resident memory (`/proc/PID/status`), nginx's
//! being its master's and workers'.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::Context;
use serde_json::json;

use crate::fanout::{draft, login, now_ns, rss_of};

/// What one fan-out measured.
struct Measured {
    name: String,
    received: usize,
    latencies_ms: Vec<f64>,
    rss_before: u64,
    rss_idle: u64,
}

impl Measured {
    fn pct(&self, p: f64) -> f64 {
        let l = &self.latencies_ms;
        l.get(((l.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    }

    fn per_subscriber(&self, n: usize) -> f64 {
        self.rss_idle.saturating_sub(self.rss_before) as f64 / n.max(1) as f64
    }

    fn print(&self, n: usize) {
        println!(
            "{}: delivered to {}/{n}: first {:.1} ms, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
             memory {:.1} MiB idle with them ({:.1} MiB before, {:.0} B per subscriber)",
            self.name,
            self.received,
            self.pct(0.0),
            self.pct(0.5),
            self.pct(0.99),
            self.pct(1.0),
            mib(self.rss_idle),
            mib(self.rss_before),
            self.per_subscriber(n)
        );
    }

    fn json(&self, n: usize) -> serde_json::Value {
        json!({
            "received": self.received,
            "latency_ms": {"first": self.pct(0.0), "p50": self.pct(0.5),
                           "p99": self.pct(0.99), "max": self.pct(1.0)},
            "rss_before_mib": mib(self.rss_before),
            "rss_idle_mib": mib(self.rss_idle),
            "bytes_per_idle_subscriber": self.per_subscriber(n).round(),
        })
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// `pid` and its children (nginx's workers).
fn with_children(pid: u32) -> Vec<u32> {
    let mut pids = vec![pid];
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(child) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            // pid (comm) state ppid …: the fields after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(pid) {
                pids.push(child);
            }
        }
    }
    pids
}

fn total_rss(pids: &[u32]) -> anyhow::Result<u64> {
    pids.iter().map(|p| rss_of(&p.to_string())).sum()
}

/// Processes this bench started, stopped when it ends, whatever happens.
struct Started(Vec<Child>);

impl Drop for Started {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

/// A program of this workspace, built beside this one.
fn sibling(name: &str) -> anyhow::Result<std::path::PathBuf> {
    let path = std::env::current_exe()?.with_file_name(name);
    anyhow::ensure!(
        path.exists(),
        "{} is not built: run cargo build --release -p beffroi-server -p beffroi-bench",
        path.display()
    );
    Ok(path)
}

/// R servers on `database` (SQLite in the first one's data directory when
/// none); their addresses, the staff password, and the processes.
fn start_servers(
    replicas: usize,
    database: Option<&str>,
    dir: &std::path::Path,
) -> anyhow::Result<(Vec<std::net::SocketAddr>, String, Started)> {
    let server = sibling("beffroi-server")?;
    let mut started = Started(Vec::new());
    let mut addrs = Vec::new();
    let mut password = String::new();
    for i in 0..replicas {
        let data = dir.join(format!("replica-{i}"));
        let mut cmd = Command::new(&server);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(&data)
            // Every subscriber is on 127.0.0.1 here.
            .args(["--connections-per-address", "1000000000"]);
        if let Some(url) = database {
            cmd.args(["--database", url]);
        }
        if i == 0 {
            cmd.arg("--demo");
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start beffroi-server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        started.0.push(child);
        let mut printed = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            if let Some(url) = line.strip_prefix("listening on http://") {
                addrs.push(url.parse()?);
                break;
            }
            if let Some(p) = line.split("password=").nth(1) {
                password = p.split(' ').next().unwrap_or_default().to_owned();
            }
            printed.push(line);
        }
        anyhow::ensure!(
            addrs.len() == i + 1,
            "server {i} stopped before listening: {printed:?}"
        );
    }
    Ok((addrs, password, started))
}

/// nginx with nchan, 2 workers: subscribers on `/sub/alerts` (EventSource,
/// each message an `alert` event), publications on `/pub/alerts`.
fn start_nchan(dir: &std::path::Path, n: usize) -> anyhow::Result<(std::net::SocketAddr, Started)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let prefix = dir.display();
    let conf = format!(
        "daemon off;
worker_processes 2;
worker_rlimit_nofile 20000;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log error;
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
events {{ worker_connections {conns}; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    nchan_shared_memory_size 256m;
    server {{
        listen 127.0.0.1:{port} backlog=4096 reuseport;
        location = /sub/alerts {{
            nchan_subscriber eventsource;
            nchan_channel_id alerts;
            nchan_eventsource_event alert;
            nchan_subscriber_timeout 0;
        }}
        location = /pub/alerts {{
            nchan_publisher;
            nchan_channel_id alerts;
            nchan_message_buffer_length 1;
        }}
    }}
}}
",
        conns = n + 1024
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf)?;
    let child = Command::new("nginx")
        .arg("-c")
        .arg(&path)
        .arg("-p")
        .arg(dir)
        .stderr(Stdio::inherit())
        .spawn()
        .context("nginx cannot start: run scripts/setup.sh as root (nginx, libnginx-mod-nchan)")?;
    let started = Started(vec![child]);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(((std::net::Ipv4Addr::LOCALHOST, port).into(), started));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    anyhow::bail!("nginx did not listen on {port}; see {prefix}/error.log")
}

/// N subscribers spread over `addrs` (one process each), idle for a
/// second, then `publish` (started just after `t0`); every delivery time.
async fn measure(
    name: String,
    n: usize,
    addrs: &[std::net::SocketAddr],
    path: &str,
    pids: &[u32],
    publish: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<Measured> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before = total_rss(pids)?;
    let mut children = Started(Vec::new());
    let mut outputs = Vec::new();
    for (i, addr) in addrs.iter().enumerate() {
        let share = n / addrs.len() + usize::from(i < n % addrs.len());
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                "subscribe",
                "--addr",
                &addr.to_string(),
                "--path",
                path,
                "--n",
            ])
            .arg(share.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start a subscribers' process")?;
        outputs.push(BufReader::new(child.stdout.take().context("no stdout")?).lines());
        children.0.push(child);
    }
    let connecting = std::time::Instant::now();
    let outputs = tokio::task::spawn_blocking(move || {
        let mut ready = Vec::new();
        for mut lines in outputs {
            let first = lines.next().context("a subscribers' process ended")??;
            anyhow::ensure!(first.starts_with("ready"), "subscribers: {first}");
            ready.push(lines);
        }
        Ok(ready)
    })
    .await??;
    println!(
        "{name}: {n} subscribers connected in {:.1} s",
        connecting.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = total_rss(pids)?;
    let t0 = now_ns();
    publish.await?;
    let results = tokio::task::spawn_blocking(move || {
        outputs
            .into_iter()
            .map(|mut lines| -> anyhow::Result<String> {
                Ok(lines
                    .next()
                    .context("no result from a subscribers' process")??)
            })
            .collect::<anyhow::Result<Vec<String>>>()
    })
    .await??;
    drop(children);
    let mut latencies_ms = Vec::with_capacity(n);
    for line in results {
        let result: serde_json::Value = serde_json::from_str(&line)?;
        latencies_ms.extend(
            result["times_ns"]
                .as_array()
                .context("no times")?
                .iter()
                .filter_map(serde_json::Value::as_u64)
                .map(|t| t.saturating_sub(t0) as f64 / 1e6),
        );
    }
    latencies_ms.sort_by(f64::total_cmp);
    Ok(Measured {
        name,
        received: latencies_ms.len(),
        latencies_ms,
        rss_before,
        rss_idle,
    })
}

/// Beffroi on `replicas` server processes; the message as signed (what a
/// peer is sent, for the same bytes on the wire).
async fn beffroi(
    name: &str,
    replicas: usize,
    database: Option<&str>,
    n: usize,
) -> anyhow::Result<(Measured, String)> {
    let dir = tempfile::tempdir()?;
    let (addrs, password, servers) = start_servers(replicas, database, dir.path())?;
    let pids: Vec<u32> = servers.0.iter().map(Child::id).collect();
    let url = format!("http://{}", addrs[0]);
    let http = reqwest::Client::new();
    let token = login(&http, &url, "demo", &password).await?;
    let id = draft(&http, &url, &token, "Exercice : confinement").await?;
    let publish = async {
        http.post(format!("{url}/api/v1/admin/alerts/{id}/publish"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    };
    let measured = measure(
        name.to_owned(),
        n,
        &addrs,
        "/api/v1/alerts/stream",
        &pids,
        publish,
    )
    .await?;
    let page: serde_json::Value = http
        .get(format!("{url}/api/v1/alerts?since=0"))
        .send()
        .await?
        .json()
        .await?;
    let signed = page["items"]
        .as_array()
        .and_then(|items| items.last())
        .context("the alert is not listed")?
        .to_string();
    drop(servers);
    Ok((measured, signed))
}

async fn nchan(n: usize, message: String) -> anyhow::Result<Measured> {
    let dir = tempfile::tempdir()?;
    let (addr, nginx) = start_nchan(dir.path(), n)?;
    let master = nginx.0[0].id();
    // The workers are up once nginx answers.
    let pids = with_children(master);
    let http = reqwest::Client::new();
    let publish = async {
        http.post(format!("http://{addr}/pub/alerts"))
            .body(message)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    };
    let measured = measure(
        "nginx + nchan (2 workers)".to_owned(),
        n,
        &[addr],
        "/sub/alerts",
        &pids,
        publish,
    )
    .await?;
    drop(nginx);
    Ok(measured)
}

pub async fn fanout(
    replicas: usize,
    subscribers: usize,
    database: Option<String>,
    also_sqlite: bool,
    with_nchan: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        replicas == 1
            || database
                .as_deref()
                .is_some_and(|d| d.starts_with("postgres")),
        "several replicas share a PostgreSQL database: give --database postgres://…"
    );
    let per_process = subscribers.div_ceil(replicas);
    anyhow::ensure!(
        per_process <= 19_000,
        "{per_process} subscribers per server: this machine holds about 19,000 open files per \
         process; use more --replicas"
    );
    let backend = if database.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let name = format!("beffroi, {replicas} server(s) on {backend}");
    let (main, message) = beffroi(&name, replicas, database.as_deref(), subscribers).await?;
    main.print(subscribers);
    let mut runs = vec![(name, main.json(subscribers))];
    let mut beffroi_runs = vec![main];
    if also_sqlite && database.is_some() {
        let name = "beffroi, 1 server on SQLite".to_owned();
        let (m, _) = beffroi(&name, 1, None, subscribers).await?;
        m.print(subscribers);
        runs.push((name, m.json(subscribers)));
        beffroi_runs.push(m);
    }
    let mut ratios = serde_json::Map::new();
    if with_nchan {
        anyhow::ensure!(
            subscribers <= 19_000,
            "nchan's 2 workers hold about 19,000 subscribers here"
        );
        let peer = nchan(subscribers, message).await?;
        peer.print(subscribers);
        for m in &beffroi_runs {
            let r = |p: f64| m.pct(p) / peer.pct(p);
            let memory = m.per_subscriber(subscribers) / peer.per_subscriber(subscribers);
            println!(
                "{} / nchan: p50 {:.2}×, p99 {:.2}×, max {:.2}×, memory per subscriber {:.2}×",
                m.name,
                r(0.5),
                r(0.99),
                r(1.0),
                memory
            );
            ratios.insert(
                m.name.clone(),
                json!({"p50": r(0.5), "p99": r(0.99), "max": r(1.0), "memory_per_subscriber": memory}),
            );
        }
        runs.push((peer.name.clone(), peer.json(subscribers)));
    }
    println!(
        "{}",
        json!({
            "bench": "fanout-replicas",
            "replicas": replicas,
            "subscribers": subscribers,
            "runs": runs.into_iter().collect::<serde_json::Map<_, _>>(),
            "ratios_to_nchan": ratios,
        })
    );
    Ok(())
}
