//! PostgreSQL restarted under load: on a cluster of the test's own (the
//! shared one serves the other tests meanwhile), two servers take reports
//! from eight devices and keep a live stream open while the database stops
//! and starts again. Meanwhile requests are answered 503 (never anything
//! else); every report a device sent is acknowledged once it is back and
//! stored once; the stream, never closed, gets the alerts published after.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use beffroi_tests::{read_stream_until, town_hall_with};

use crate::alerts::{draft, publish};

/// A PostgreSQL cluster of this test's own (`scripts/with-postgres.sh`
/// running until its standard input closes), and how to drive it.
struct Cluster {
    script: Child,
    url: String,
    bin: String,
    data: String,
    user: String,
}

impl Cluster {
    fn new() -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/with-postgres.sh");
        let mut child = Command::new(script)
            .args([
                "sh",
                "-c",
                "printf '%s\\n' \"$BEFFROI_TEST_DATABASE_URL\" \"$BEFFROI_TEST_PG_BIN\" \
                 \"$BEFFROI_TEST_PG_DATA\" \"$BEFFROI_TEST_PG_USER\"; exec cat >/dev/null",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut next = || lines.next().unwrap().unwrap();
        let (url, bin, data, user) = (next(), next(), next(), next());
        assert!(url.starts_with("postgres://"), "{url}");
        Self {
            script: child,
            url,
            bin,
            data,
            user,
        }
    }

    /// `pg_ctl ARGS` as the cluster's user.
    fn pg_ctl(&self, args: &[&str]) {
        let pg_ctl = format!("{}/pg_ctl", self.bin);
        let mut cmd = if self.user.is_empty() {
            Command::new(&pg_ctl)
        } else {
            let mut c = Command::new("runuser");
            c.args(["-u", &self.user, "--", &pg_ctl]);
            c
        };
        let parent = std::path::Path::new(&self.data).parent().unwrap();
        let status = cmd
            .args(["-D", &self.data, "-w", "-t", "60"])
            .args(args)
            .current_dir(parent)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "pg_ctl {args:?}");
    }

    fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "stop"]);
    }

    fn start_again(&self) {
        let port = self
            .url
            .rsplit_once(':')
            .unwrap()
            .1
            .split('/')
            .next()
            .unwrap();
        let options = format!(
            "-p {port} -k '{}' -c listen_addresses=127.0.0.1 -c max_connections=300",
            self.data
        );
        let log = format!("{}/postgres.log", self.data);
        self.pg_ctl(&["-o", &options, "-l", &log, "start"]);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Its standard input closed, the script stops and removes the cluster.
        drop(self.script.stdin.take());
        let _ = self.script.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgresql_restarted_under_load_loses_nothing_acknowledged_and_streams_go_on() {
    let cluster = Cluster::new();
    let created = Command::new("psql")
        .args([&cluster.url, "-q", "-c", "CREATE DATABASE restarted"])
        .status()
        .unwrap();
    assert!(created.success());
    let database: beffroi_server::store::DatabaseUrl =
        format!("{}/restarted", cluster.url.rsplit_once('/').unwrap().0)
            .parse()
            .unwrap();
    let mut servers = Vec::new();
    for _ in 0..2 {
        let database = database.clone();
        servers.push(
            town_hall_with(move |s| {
                s.database = Some(database);
                // Devices here all come from 127.0.0.1.
                s.report_burst = u32::MAX;
                s.report_interval = std::time::Duration::from_nanos(1);
            })
            .await,
        );
    }
    let (a, b) = (&servers[0], &servers[1]);
    // Each server seeded the demo account again: the last one's password holds.
    let token = b.staff_token().await;
    let mut stream = reqwest::get(b.api("/alerts/stream")).await.unwrap();
    publish(a, &token, &draft("Avant la coupure", None)).await;
    read_stream_until(&mut stream, "Avant la coupure").await;

    // Eight devices, each sending its reports one after another to either
    // server, and sending a report again until it is acknowledged, as the
    // app's outbox does.
    let stop = Arc::new(AtomicBool::new(false));
    let unavailable = Arc::new(AtomicUsize::new(0));
    let mut devices = Vec::new();
    for d in 0..8 {
        let urls = [a.api("/reports"), b.api("/reports")];
        let (stop, unavailable) = (stop.clone(), unavailable.clone());
        devices.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut sent = Vec::new();
            for n in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let id = format!("00000000-0000-4000-8000-{d:04}{n:08}");
                let report = serde_json::json!({
                    "id": id, "category": "roads", "description": "Chaussée abîmée",
                    "location": {"address": "Avenue de la Californie"}, "commune": "06088"
                });
                loop {
                    let status = http
                        .post(&urls[n % 2])
                        .json(&report)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16();
                    match status {
                        200 | 201 => break,
                        503 => {
                            unavailable.fetch_add(1, Ordering::Relaxed);
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        }
                        other => panic!("report {id}: {other}"),
                    }
                }
                sent.push(id);
            }
            sent
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    // The database stops: requests get 503, then it starts again.
    tokio::task::block_in_place(|| cluster.stop());
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while unavailable.load(Ordering::Relaxed) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no 503 while stopped"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let refused = reqwest::Client::new()
        .post(a.api("/admin/alerts"))
        .bearer_auth(&token)
        .json(&draft("Pendant la coupure", None))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        503,
        "a publication waits for the database"
    );
    tokio::task::block_in_place(|| cluster.start_again());

    // Back: the devices' reports go through; the bus listens again.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let mut sent = BTreeSet::new();
    for d in devices {
        sent.extend(d.await.unwrap());
    }
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while !b.state.bus.listening() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "B's bus never came back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    publish(a, &token, &draft("Après la coupure", None)).await;
    read_stream_until(&mut stream, "Après la coupure").await;

    let stored: BTreeSet<String> = a
        .state
        .store
        .export()
        .await
        .unwrap()
        .reports
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(stored, sent, "every report sent is stored, once");
    assert!(
        unavailable.load(Ordering::Relaxed) > 0 && sent.len() > 100,
        "{} sent, {} answered 503",
        sent.len(),
        unavailable.load(Ordering::Relaxed)
    );
}
