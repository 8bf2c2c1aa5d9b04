//! The `beffroi-server` binary as an operator runs it.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_beffroi-server");

/// Reads stdout lines until the listening line; returns (url, all lines).
fn wait_listening(child: &mut Child) -> (String, Vec<String>) {
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            let url = url.to_owned();
            lines.push(line);
            return (url, lines);
        }
        lines.push(line);
    }
    panic!("server exited before listening: {lines:?}");
}

#[cfg(unix)]
fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
#[cfg(unix)]
fn serve_demo_prints_credentials_and_listening_line_then_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new/data");
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .args(["--metrics-listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (url, lines) = wait_listening(&mut child);
    let metrics = lines
        .iter()
        .find_map(|l| l.strip_prefix("metrics on "))
        .expect("the metrics line")
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let creds = lines
        .iter()
        .find(|l| l.contains("username=demo"))
        .expect("credentials line");
    let password = creds
        .split("password=")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        data.join("beffroi.sqlite3").exists(),
        "data dir created with the database"
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let page: serde_json::Value = reqwest::get(format!("{url}/api/v1/communes"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 51);
        let login = reqwest::Client::new()
            .post(format!("{url}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "demo", "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200);
        // Prometheus reads the metrics on their own address.
        let scraped = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
        assert!(scraped.contains("beffroi_database_up 1"), "{scraped}");
    });

    terminate(&child);
    let status = child.wait().unwrap();
    assert!(status.success(), "clean exit on SIGTERM: {status}");
}

#[test]
#[cfg(unix)]
fn the_database_is_named_by_a_url_and_a_wrong_one_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = dir.path().join("elsewhere/town.sqlite3");
    // A staff account added to a database named by its URL…
    let mut child = Command::new(BIN)
        .args([
            "staff", "add", "--name", "m.durand", "--role", "admin", "--data",
        ])
        .arg(&data)
        .env("BEFFROI_DATABASE_URL", format!("sqlite://{}", db.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery staple\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.exists(), "the database is where the URL says");
    assert!(!data.join("beffroi.sqlite3").exists(), "not in --data");
    // …is the one a server on that URL signs in.
    let mut server = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .arg("--database")
        .arg(format!("sqlite://{}", db.display()))
        .env("LC_ALL", "fr_FR.UTF-8")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (url, lines) = wait_listening(&mut server);
    assert!(
        lines
            .iter()
            .any(|l| l == &format!("base de données : sqlite://{}", db.display())),
        "{lines:?}"
    );
    let status = tokio::runtime::Runtime::new().unwrap().block_on(async {
        reqwest::Client::new()
            .post(format!("{url}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "m.durand", "password": "correct horse battery staple"}))
            .send()
            .await
            .unwrap()
            .status()
    });
    terminate(&server);
    server.wait().unwrap();
    assert_eq!(status, 200);

    // A scheme it does not know, a relative path, or a database that cannot
    // be reached: a clear error and a failure status, a password never shown;
    // in the operator's language, French when the session names none.
    let unreachable = "postgres://beffroi:secret@127.0.0.1:1/beffroi";
    for (url, locale, says, code) in [
        (
            "mysql://db/beffroi",
            "C.UTF-8",
            "unknown database \"mysql\"",
            2,
        ),
        ("sqlite://town.sqlite3", "C.UTF-8", "absolute path", 2),
        (
            unreachable,
            "en_GB.UTF-8",
            "error: cannot open the database postgres://beffroi:***@127.0.0.1:1/beffroi: ",
            1,
        ),
        (
            unreachable,
            "C.UTF-8",
            "erreur : impossible d'ouvrir la base de données postgres://beffroi:***@127.0.0.1:1/beffroi : ",
            1,
        ),
        (
            unreachable,
            "it_IT.UTF-8",
            "errore: impossibile aprire il database postgres://beffroi:***@127.0.0.1:1/beffroi: ",
            1,
        ),
    ] {
        let out = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path().join("other"))
            .args(["--database", url])
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .env("LC_ALL", locale)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{url}: {stderr}");
        assert!(stderr.contains(says), "{url}: {stderr}");
        assert!(
            !stderr.contains("secret"),
            "the password is never shown: {stderr}"
        );
    }
    // Nor by the help, which names the variables it reads.
    for command in [&["serve", "--help"][..], &["migrate", "--help"]] {
        let out = Command::new(BIN)
            .args(command)
            .env(
                "BEFFROI_DATABASE_URL",
                "postgres://beffroi:secret@db/beffroi",
            )
            .env("BEFFROI_MIGRATE_TO", "postgres://beffroi:secret@db/beffroi")
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("BEFFROI_"), "{help}");
        assert!(!help.contains("secret"), "{command:?}: {help}");
    }
}

/// The throwaway PostgreSQL `make test` starts (scripts/with-postgres.sh);
/// a new database on it.
fn postgres_database(name: &str) -> String {
    let url = std::env::var("BEFFROI_TEST_DATABASE_URL").expect(
        "BEFFROI_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres.sh \
         (make test does)",
    );
    let status = Command::new("psql")
        .args([&url, "-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()
        .unwrap();
    assert!(status.success());
    format!("{}/{name}", url.rsplit_once('/').unwrap().0)
}

#[test]
#[cfg(unix)]
fn a_server_on_postgresql_keeps_what_a_restart_must_find() {
    let dir = tempfile::tempdir().unwrap();
    let url = postgres_database(&format!("serve_{}", std::process::id()));
    let serve = || {
        let mut child = Command::new(BIN)
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path())
            .env("BEFFROI_DATABASE_URL", &url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (addr, lines) = wait_listening(&mut child);
        (child, addr, lines)
    };
    let (child, addr, lines) = serve();
    assert!(
        !data_has_sqlite(dir.path()),
        "no SQLite file beside PostgreSQL: {lines:?}"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let communes = |addr: String| {
        rt.block_on(async move {
            let page: serde_json::Value = reqwest::get(format!("{addr}/api/v1/communes"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["items"].as_array().unwrap().len()
        })
    };
    assert_eq!(communes(addr), 51);
    terminate(&child);
    let mut child = child;
    child.wait().unwrap();
    // Started again on the same database: everything is there.
    let (mut child, addr, _) = serve();
    assert_eq!(communes(addr), 51);
    terminate(&child);
    assert!(child.wait().unwrap().success());
}

fn data_has_sqlite(dir: &std::path::Path) -> bool {
    dir.join("beffroi.sqlite3").exists()
}

fn staff_add(
    data: &std::path::Path,
    name: &str,
    role: &str,
    password: &str,
) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(["staff", "add", "--name", name, "--role", role, "--data"])
        .arg(data)
        // The operator's language: a refusal is said in it.
        .env("LC_ALL", "fr_FR.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn staff_add_reads_the_password_from_stdin_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let ok = staff_add(
        dir.path(),
        "m.durand",
        "publisher",
        "a long enough passphrase",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout),
        "membre du personnel m.durand ajouté, rôle publisher\n"
    );

    let again = staff_add(dir.path(), "m.durand", "editor", "another long passphrase");
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("« m.durand » existe déjà"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let short = staff_add(dir.path(), "j.martin", "editor", "short");
    assert!(!short.status.success());
    assert_eq!(
        String::from_utf8_lossy(&short.stderr),
        "erreur : Le mot de passe est trop court : 10 caractères au moins.\n"
    );

    let role = staff_add(dir.path(), "j.martin", "mayor", "a long enough passphrase");
    assert!(!role.status.success());
    assert_eq!(
        String::from_utf8_lossy(&role.stderr),
        "erreur : Rôle inconnu « mayor » : editor, publisher ou admin.\n"
    );
}

#[test]
fn a_base_map_needs_a_tile_template_and_its_credit() {
    let dir = tempfile::tempdir().unwrap();
    let serve = |extra: &[&str]| {
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path())
            .args(extra)
            .env("LC_ALL", "fr_FR.UTF-8")
            .output()
            .unwrap()
    };
    let url = "https://tiles.example.fr/{z}/{x}/{y}.png";
    for (args, says) in [
        (vec!["--tiles-url", url], "--tiles-attribution"),
        (vec!["--tiles-attribution", "© OSM"], "--tiles-url"),
        (
            vec![
                "--tiles-url",
                "https://tiles.example.fr/{z}/{x}.png",
                "--tiles-attribution",
                "© OSM",
            ],
            "--tiles-url : L'adresse des tuiles doit être en http:// ou https:// avec {z}, {x} et {y}",
        ),
        (
            vec![
                "--tiles-url",
                url,
                "--tiles-attribution",
                "© OSM",
                "--tiles-max-zoom",
                "30",
            ],
            "0 à 22",
        ),
    ] {
        let out = serve(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn keys_are_made_at_first_use_and_rotation_endorses_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let run = |cmd: &str| {
        let out = Command::new(BIN)
            .args(["keys", cmd, "--data"])
            .arg(dir.path())
            .env("LC_ALL", "it_IT.UTF-8")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let first = run("list");
    assert_eq!(first.lines().count(), 1, "{first}");
    let first_id = first.split_whitespace().next().unwrap().to_owned();
    assert_eq!(run("list"), first, "kept, not remade");
    let rotated = run("rotate");
    let lines: Vec<&str> = rotated.lines().collect();
    assert_eq!(lines.len(), 2, "{rotated}");
    assert!(
        lines[1].ends_with(&format!("avallata da {first_id}")),
        "{rotated}"
    );
}

#[tokio::test]
#[cfg(unix)]
async fn an_acknowledged_report_survives_a_kill_9_right_after() {
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        let mut child = Command::new(BIN)
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (url, _) = wait_listening(&mut child);
        (child, url)
    };
    let (mut child, url) = start();
    let http = reqwest::Client::new();
    let mut receipts = Vec::new();
    for i in 0..20 {
        let id = format!("01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c{i:02}");
        let resp = http
            .post(format!("{url}/api/v1/reports"))
            .json(&serde_json::json!({
                "id": id, "category": "cleanliness", "description": format!("Dépôt sauvage n°{i}"),
                "location": {"address": "Place Garibaldi, Nice"}
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 201);
        let receipt: serde_json::Value = resp.json().await.unwrap();
        receipts.push((id, receipt["secret"].as_str().unwrap().to_owned()));
    }
    // No time to flush anything: the process dies at once after the last answer.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, url) = start();
    for (id, secret) in &receipts {
        let resp = http
            .get(format!("{url}/api/v1/reports/{id}?secret={secret}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{id} was acknowledged, so it is there");
    }
    terminate(&child);
    child.wait().unwrap();
}

/// Starts `serve` on a free port with the report limit lifted (the test's
/// senders all share 127.0.0.1).
fn start(data: &std::path::Path, demo: bool) -> (Child, String) {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--reports-per-minute",
        "10000000",
        "--data",
    ])
    .arg(data)
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd.spawn().unwrap();
    let (url, _) = wait_listening(&mut child);
    (child, url)
}

#[test]
#[cfg(unix)]
fn every_report_acknowledged_before_a_kill_9_is_there_after_the_restart() {
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut child, url) = start(&data, true);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let killed_after = rt.block_on(async {
        let mut senders = tokio::task::JoinSet::new();
        // One client for all (its pool opens a connection per sender), made
        // before the clock starts: making one loads the system's certificates,
        // which on a busy machine took longer than the whole run.
        let http = reqwest::Client::new();
        for n in 0..16 {
            let (url, acked, http) = (url.clone(), acked.clone(), http.clone());
            senders.spawn(async move {
                // Until the server is gone (a refused or cut connection).
                loop {
                    let id = uuid::Uuid::now_v7().to_string();
                    let report = serde_json::json!({
                        "id": id, "category": "lighting",
                        "description": format!("Lampadaire éteint n° {n}"),
                        "location": {"address": "Promenade des Anglais, Nice"},
                    });
                    let Ok(resp) = http
                        .post(format!("{url}/api/v1/reports"))
                        .json(&report)
                        .send()
                        .await
                    else {
                        return;
                    };
                    if resp.status() != reqwest::StatusCode::CREATED {
                        eprintln!("sender {n}: {}", resp.status());
                        return;
                    }
                    let Ok(receipt) = resp.json::<serde_json::Value>().await else {
                        return;
                    };
                    let secret = receipt["secret"].as_str().unwrap().to_owned();
                    acked.lock().unwrap().push((id, secret));
                }
            });
        }
        // Kill -9 at a moment that varies from run to run, under full load:
        // once reports are being acknowledged, then 300 to 800 ms later.
        let first = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            while acked.lock().unwrap().is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        });
        assert!(first.await.is_ok(), "no report acknowledged within 30 s");
        let wait = 300 + u64::from(std::process::id() % 500);
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        child.kill().unwrap();
        let killed_after = acked.lock().unwrap().len();
        while senders.join_next().await.is_some() {}
        killed_after
    });
    let _ = child.wait();
    let acked = acked.lock().unwrap().clone();
    assert!(
        killed_after > 20,
        "the server was under load: {killed_after} acknowledged before the kill"
    );

    // After the restart, every acknowledged report is there and its reporter
    // can open it with the secret from the answer.
    let (mut child, url) = start(&data, false);
    let db = rusqlite::Connection::open(data.join("beffroi.sqlite3")).unwrap();
    let stored: std::collections::HashSet<String> = db
        .prepare("SELECT id FROM reports")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let missing: Vec<_> = acked
        .iter()
        .filter(|(id, _)| !stored.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged reports lost: {missing:?}",
        missing.len(),
        acked.len()
    );
    rt.block_on(async {
        for (id, secret) in acked.iter().rev().take(20) {
            let resp = reqwest::get(format!("{url}/api/v1/reports/{id}?secret={secret}"))
                .await
                .unwrap();
            assert_eq!(resp.status(), reqwest::StatusCode::OK, "{id}");
        }
    });
    println!(
        "{} acknowledged ({} when the kill was sent), {} stored",
        acked.len(),
        killed_after,
        stored.len()
    );
    child.kill().unwrap();
    let _ = child.wait();
}

/// A process's CPU time (user + system) and peak resident memory, from /proc.
fn cpu_and_peak(pid: u32) -> (std::time::Duration, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name (in parentheses, may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    // USER_HZ is 100 on Linux.
    (std::time::Duration::from_millis(ticks * 10), peak_kb * 1024)
}

fn start_with(args: &[&str]) -> (Child, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--demo", "--data"])
        .arg(dir.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (url, _) = wait_listening(&mut child);
    (child, url, dir)
}

#[test]
#[cfg(unix)]
fn waiting_half_sent_stream_heads_cost_the_server_no_cpu() {
    use std::io::Read;
    // This process holds one socket per head too.
    let limit = beffroi_server::push::raise_open_files_limit().unwrap();
    assert!(
        limit > 2100,
        "the open-file limit ({limit}) leaves no room for the test"
    );
    // All from 127.0.0.1 here: lift the cap per address.
    let (mut child, url, _dir) = start_with(&["--connections-per-address", "5000"]);
    let addr = url.trim_start_matches("http://").to_owned();
    let pad = "a".repeat(31 * 1024);
    let mut held = Vec::new();
    for _ in 0..2000 {
        let mut c = std::net::TcpStream::connect(&addr).unwrap();
        c.write_all(
            format!("GET /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\nX-Pad: {pad}").as_bytes(),
        )
        .unwrap();
        held.push(c);
    }
    // The heads wait in the listen queue until the server reads each once:
    // the measure starts when that is done (its CPU stops growing; at most 20 s).
    let mut settled = cpu_and_peak(child.id()).0;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let now = cpu_and_peak(child.id()).0;
        let quiet = now - settled < std::time::Duration::from_millis(20);
        settled = now;
        if quiet {
            break;
        }
    }
    // While they wait, the server does nothing for them (it once peeked at
    // each every 5 ms: a core's worth at this count).
    let (before, _) = cpu_and_peak(child.id());
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (after, _) = cpu_and_peak(child.id());
    let spent = after - before;
    let t = std::time::Instant::now();
    let mut health = std::net::TcpStream::connect(&addr).unwrap();
    health
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    health.read_to_string(&mut answer).unwrap();
    let health_took = t.elapsed();
    // The heads were still waiting during the measure (the last one sent
    // is still open: the server has closed none of the recent ones)…
    let last = held.last().unwrap();
    last.set_nonblocking(true).unwrap();
    let still_open = matches!(
        (&*last).read(&mut [0u8; 1]),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock
    );
    // …and a head that completes is a stream.
    let mut fresh = std::net::TcpStream::connect(&addr).unwrap();
    fresh
        .write_all(b"GET /api/v1/alerts/stream HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut head = [0u8; 12];
    fresh.read_exact(&mut head).unwrap();
    terminate(&child);
    child.wait().unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    assert!(
        still_open,
        "the waiting heads were closed before the measure ended"
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // It once peeked at each every 5 ms: both cores busy, /healthz in 3 s.
    assert!(
        spent < std::time::Duration::from_millis(500),
        "{spent:?} of the server's CPU in 2 s for 2,000 waiting heads"
    );
    assert!(
        health_took < std::time::Duration::from_millis(500),
        "/healthz took {health_took:?}"
    );
}

#[test]
#[cfg(target_os = "linux")]
fn a_reconnect_storm_is_queued_not_dropped() {
    // 10,000 devices reconnecting at once overflowed a queue of 1,024
    // connections (tokio's): each dropped one waited a second or more for
    // its kernel to try again. The queue is as long as the system allows
    // (`ss` shows a listening socket's queue length as Send-Q).
    let (mut child, url, _dir) = start_with(&[]);
    let port = url.rsplit(':').next().unwrap().to_owned();
    let out = Command::new("ss")
        .args(["-ltnH", &format!("sport = :{port}")])
        .output()
        .expect("ss (iproute2) lists the listening socket");
    let text = String::from_utf8_lossy(&out.stdout);
    terminate(&child);
    child.wait().unwrap();
    let queue: u64 = text
        .split_whitespace()
        .nth(2)
        .and_then(|q| q.parse().ok())
        .unwrap_or_else(|| panic!("no queue length in {text:?}"));
    let system: u64 = std::fs::read_to_string("/proc/sys/net/core/somaxconn")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(queue, system.min(65_535), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg(unix)]
async fn three_hundred_wrong_logins_at_once_keep_the_server_small() {
    // Behind the operator's proxy, each from an address of its own.
    let (mut child, url, _dir) = start_with(&["--trusted-proxy", "127.0.0.1"]);
    let http = reqwest::Client::new();
    let logins = (0..300u32).map(|i| {
        let req = http
            .post(format!("{url}/api/v1/auth/login"))
            .header("x-forwarded-for", format!("198.51.{}.{}", i / 200, i % 200))
            .json(&serde_json::json!({"username": format!("agent{i}"), "password": "wrong"}));
        async move { req.send().await.unwrap().status().as_u16() }
    });
    let handles: Vec<_> = logins.map(tokio::spawn).collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    let (_, peak) = cpu_and_peak(child.id());
    terminate(&child);
    child.wait().unwrap();
    assert!(
        statuses.iter().all(|s| *s == 401 || *s == 503),
        "{statuses:?}"
    );
    assert!(statuses.contains(&503), "some are told to come back");
    // Each argon2id check holds 19 MiB: unbounded, 300 at once took gigabytes.
    assert!(
        peak < 400 * 1024 * 1024,
        "the server peaked at {} MiB",
        peak / 1024 / 1024
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg(unix)]
async fn thirty_large_uploads_at_once_are_not_held_in_memory() {
    // Behind the operator's proxy, each from an address of its own.
    let (mut child, url, dir) = start_with(&["--trusted-proxy", "127.0.0.1"]);
    // Five photos of nearly 8 MiB each, that turn out not to be JPEGs (they
    // are refused after arriving whole, as the attack did).
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    photo.resize(8 * 1024 * 1024 - 4096, 0x5A);
    let (content_type, body) = multipart_report(
        "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1d",
        &[photo.as_slice(); 5],
    );
    let http = reqwest::Client::new();
    let uploads = (0..30u32).map(|i| {
        let req = http
            .post(format!("{url}/api/v1/reports"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .header("content-type", &content_type)
            .body(body.clone());
        tokio::spawn(async move { req.send().await.unwrap().status().as_u16() })
    });
    let mut statuses = Vec::new();
    for u in uploads.collect::<Vec<_>>() {
        statuses.push(u.await.unwrap());
    }
    let (_, peak) = cpu_and_peak(child.id());
    terminate(&child);
    child.wait().unwrap();
    assert!(statuses.iter().all(|s| *s == 422), "{statuses:?}");
    // Nothing of them is left on disk either.
    let left: Vec<_> = std::fs::read_dir(dir.path().join("photos"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        left.iter().all(|n| n == ".incoming"),
        "{left:?} left in photos/"
    );
    assert!(
        peak < 400 * 1024 * 1024,
        "the server peaked at {} MiB",
        peak / 1024 / 1024
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg(target_os = "linux")]
async fn a_full_disk_answers_507_and_the_resend_stores_whole_photos() {
    // The server's data directory on a small tmpfs of its own (a mount
    // namespace: no privilege needed beyond what `unshare -Ur` gives), with
    // a filler file that the test removes through /proc/PID/root.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let script = r#"mount -t tmpfs -o size=4m tmpfs "$1" && exec "$2" serve --listen 127.0.0.1:0 --demo --data "$1""#;
    let mut child = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .arg(&data)
        .arg(BIN)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("unshare (util-linux) runs the server in a mount namespace");
    let (url, _) = wait_listening(&mut child);
    let inside = std::path::PathBuf::from(format!("/proc/{}/root", child.id()))
        .join(data.strip_prefix("/").unwrap());
    // Fill the disk but ~300 KiB.
    let filler = inside.join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(std::fs::metadata(&filler).unwrap().len() - 300 * 1024)
        .unwrap();

    // A report with a real 500 KB photo does not fit: 507, nothing stored.
    let photo = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/photos/jolla-xmp.jpg"
    ))
    .unwrap();
    let id = "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1d";
    let (content_type, body) = multipart_report(id, &[photo.as_slice()]);
    let http = reqwest::Client::new();
    let send = || {
        http.post(format!("{url}/api/v1/reports"))
            .header("content-type", &content_type)
            .body(body.clone())
            .send()
    };
    let full = send().await.unwrap();
    let status = full.status().as_u16();
    let err: serde_json::Value = full.json().await.unwrap();
    assert_eq!(status, 507, "{err}");
    assert_eq!(err["error"]["code"], "insufficient_storage");
    // No photo, not a truncated one: the report may be kept (it committed
    // before its photos were written), its photos come with the re-send.
    assert!(!inside.join("photos").join(id).join("1.jpg").exists());

    // Space comes back; the device sends the same report again: stored,
    // with its whole photo.
    std::fs::remove_file(&filler).unwrap();
    let again = send().await.unwrap();
    assert!(
        matches!(again.status().as_u16(), 200 | 201),
        "{}",
        again.status()
    );
    let stored = std::fs::read(inside.join("photos").join(id).join("1.jpg")).unwrap();
    terminate(&child);
    child.wait().unwrap();
    assert!(stored.ends_with(&[0xFF, 0xD9]), "a whole JPEG");
    assert!(stored.len() > photo.len() / 2, "{} bytes", stored.len());
}

/// A report (roads, with its answer) and `photos` as `multipart/form-data`:
/// the content type and the body.
fn multipart_report(id: &str, photos: &[&[u8]]) -> (String, Vec<u8>) {
    let boundary = "beffroi-test-boundary";
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"report\"\r\ncontent-type: application/json\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(
        serde_json::json!({
            "id": id, "category": "roads", "description": "Nid-de-poule",
            "location": {"address": "rue de France"}, "lang": "fr", "answers": {"danger": "non"}
        })
        .to_string()
        .as_bytes(),
    );
    for photo in photos {
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\ncontent-disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\ncontent-type: image/jpeg\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(photo);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
