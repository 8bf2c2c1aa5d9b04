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
