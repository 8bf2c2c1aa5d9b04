//! The benchmarks still run and still measure what they say, at small sizes
//! (the figures themselves come from release runs; see docs/benchmarks.md).

use std::process::Command;

/// A number in the bench's final line.
fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Runs the bench with `args`; returns its last line, parsed.
fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_beffroi-bench"))
        .args(args)
        .output()
        .expect("the bench starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().expect("a final line");
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {last}"))
}

#[test]
fn fanout_delivers_to_every_subscriber_and_measures_memory() {
    let r = run(&["fanout", "--subscribers", "300"]);
    assert_eq!(r["bench"], "fanout");
    assert_eq!(r["received"], 300, "{r}");
    let lat = &r["latency_ms"];
    let (first, p99, max) = (num(&lat["first"]), num(&lat["p99"]), num(&lat["max"]));
    assert!(0.0 < first && first <= p99 && p99 <= max, "{r}");
    assert!(num(&r["server_bytes_per_idle_subscriber"]) > 0.0, "{r}");
}

#[test]
fn ingest_counts_only_durable_reports() {
    let r = run(&[
        "ingest",
        "--seconds",
        "1",
        "--senders",
        "4",
        "--photo-kb",
        "20",
    ]);
    assert_eq!(r["bench"], "ingest", "{r}");
    // The bench itself fails unless the database holds exactly the
    // acknowledged reports; here, some were acknowledged in each phase.
    for phase in ["without_photo", "with_photo"] {
        assert!(num(&r[phase]["acknowledged"]) > 0.0, "{r}");
        assert!(num(&r[phase]["reports_per_s"]) > 0.0, "{r}");
    }
}

#[test]
fn directory_syncs_and_searches() {
    let r = run(&["directory", "--places", "2000", "--queries", "50"]);
    assert_eq!(r["bench"], "directory", "{r}");
}

/// A new database on the cluster `make test` starts (scripts/with-postgres.sh).
fn new_database(name: &str) -> String {
    let url = std::env::var("BEFFROI_TEST_DATABASE_URL").expect(
        "BEFFROI_TEST_DATABASE_URL is not set: run the tests through scripts/with-postgres.sh \
         (make test does)",
    );
    let bin = std::env::var("BEFFROI_TEST_PG_BIN").expect("BEFFROI_TEST_PG_BIN");
    let name = format!("{name}_{}", std::process::id());
    let made = Command::new(format!("{bin}/psql"))
        .args([&url, "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql starts");
    assert!(made.success());
    format!("{}/{name}", url.rsplit_once('/').expect("a database URL").0)
}

#[test]
fn replicas_fan_out_beside_sqlite_and_nchan_with_ratios() {
    let database = new_database("bench_smoke");
    let r = run(&[
        "fanout",
        "--replicas",
        "2",
        "--subscribers",
        "200",
        "--database",
        &database,
        "--also-sqlite",
        "--nchan",
    ]);
    assert_eq!(r["bench"], "fanout-replicas", "{r}");
    let runs = r["runs"].as_object().expect("runs");
    assert_eq!(runs.len(), 3, "PostgreSQL, SQLite and nchan: {r}");
    for (name, run) in runs {
        assert_eq!(run["received"], 200, "{name}: {r}");
    }
    let ratios = r["ratios_to_nchan"].as_object().expect("ratios");
    assert_eq!(ratios.len(), 2, "{r}");
    for ratio in ratios.values() {
        assert!(num(&ratio["p99"]) > 0.0, "{r}");
    }
}
