//! Beffroi's benchmarks. Each prints human-readable lines, then one final JSON
//! line with the figures recorded in `docs/benchmarks.md`.
//!
//! `cargo run --release -p beffroi-bench -- directory [--places N] [--queries Q]`
//! `cargo run --release -p beffroi-bench -- fanout [--subscribers N]`
//! `cargo build --release -p beffroi-server -p beffroi-bench && target/release/beffroi-bench fanout
//!   --replicas R --subscribers N [--database postgres://…] [--also-sqlite] [--nchan]`
//! `cargo run --release -p beffroi-bench -- ingest [--seconds S] [--senders N] [--photo-kb K] [--database postgres://…]`
//! `cargo run --release -p beffroi-bench -- push [--subscriptions N]`

mod fanout;
mod ingest;
mod replicas;
mod webpush;

use std::time::{Duration, Instant};

use anyhow::Context;
use beffroi_client::Client;
use beffroi_client::directory::{Order, SearchQuery};
use beffroi_domain::place::{Category, Place, PlaceId, Position, Source, Writer};
use beffroi_domain::{Cursor, Lang};
use beffroi_server::import::{CommuneLocator, parse_geojson};
use beffroi_server::{AppState, Settings};
use clap::{Parser, Subcommand};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Parser)]
#[command(name = "beffroi-bench", about = "Beffroi benchmarks (print figures)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Directory: initial sync, a 100-place delta, and search latency.
    Directory {
        /// How many places to generate.
        #[arg(long, default_value_t = 100_000)]
        places: usize,
        /// How many timed searches.
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Alerts: publish-to-delivery latency to N live subscribers, the
    /// server's memory per idle subscriber, and a reconnect storm (N new
    /// streams at once, without and with a cursor: time until all stream).
    Fanout {
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Run R `beffroi-server` processes (built with --release) and spread
        /// the subscribers over them; 0: one server in this process (and the
        /// reconnect storms).
        #[arg(long, default_value_t = 0)]
        replicas: usize,
        /// The servers' database (postgres://… for several); SQLite if none.
        #[arg(long)]
        database: Option<String>,
        /// Also run one server on SQLite, to compare (with --database).
        #[arg(long)]
        also_sqlite: bool,
        /// Also run nginx + nchan (2 workers) with the same subscribers and
        /// message, and print the ratios.
        #[arg(long)]
        nchan: bool,
    },
    /// Reports: the sustained rate of acknowledged (durable) submissions,
    /// without photos and with one photo each.
    Ingest {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent senders, each on its own connection.
        #[arg(long, default_value_t = 64)]
        senders: usize,
        /// The photo's size in the second phase, in KB.
        #[arg(long, default_value_t = 500)]
        photo_kb: usize,
        /// Also run both phases on this PostgreSQL database (postgres://…).
        #[arg(long)]
        database: Option<String>,
    },
    /// Web Push: the time from a publication until a push service on
    /// loopback has every encrypted push, and the server's CPU per push.
    Push {
        #[arg(long, default_value_t = 100_000)]
        subscriptions: usize,
    },
    /// (Internal) the push service's process of `push`.
    #[command(hide = true)]
    PushService {
        #[arg(long)]
        n: usize,
    },
    /// (Internal) the senders' process of `ingest`.
    #[command(hide = true)]
    IngestLoad {
        #[arg(long)]
        addr: std::net::SocketAddr,
        #[arg(long)]
        seconds: u64,
        #[arg(long)]
        senders: usize,
        #[arg(long)]
        photo_kb: usize,
    },
    /// (Internal) the subscribers' process of `fanout`.
    #[command(hide = true)]
    Subscribe {
        #[arg(long)]
        addr: std::net::SocketAddr,
        #[arg(long, default_value = "/api/v1/alerts/stream")]
        path: String,
        #[arg(long)]
        n: usize,
    },
    /// (Internal) the reconnect storm's process of `fanout`.
    #[command(hide = true)]
    Storm {
        #[arg(long)]
        addr: std::net::SocketAddr,
        #[arg(long)]
        n: usize,
        /// The `Last-Event-ID` each stream sends (none if absent).
        #[arg(long)]
        cursor: Option<u64>,
        /// How many alerts each stream must receive (its catch-up).
        #[arg(long)]
        expect: usize,
    },
}

const MONACO: &str = include_str!("../../../data/osm-monaco-pois.geojson");

/// Words residents type, in French as most do here.
const WORDS: &[&str] = &[
    "pharmacie",
    "boulangerie",
    "restaurant",
    "cafe",
    "tabac",
    "banque",
    "super",
    "epicerie",
    "boucherie",
    "marche",
    "poste",
    "pizza",
    "bar",
    "primeur",
    "laverie",
    "medecin",
    "carrefour",
];

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Made where needed: the subscribers' process runs none (its threads
    // would only compete with the server for the cores).
    let rt = tokio::runtime::Runtime::new;
    match cli.command {
        Command::Directory {
            places,
            queries,
            seed,
        } => rt()?.block_on(directory(places, queries, seed)),
        Command::Fanout {
            subscribers,
            replicas: 0,
            ..
        } => rt()?.block_on(fanout::fanout(subscribers)),
        Command::Fanout {
            subscribers,
            replicas,
            database,
            also_sqlite,
            nchan,
        } => rt()?.block_on(replicas::fanout(
            replicas,
            subscribers,
            database,
            also_sqlite,
            nchan,
        )),
        Command::Subscribe { addr, path, n } => fanout::subscribe(addr, &path, n),
        Command::Storm {
            addr,
            n,
            cursor,
            expect,
        } => fanout::storm(addr, n, cursor, expect),
        Command::Ingest {
            seconds,
            senders,
            photo_kb,
            database,
        } => rt()?.block_on(ingest::ingest(seconds, senders, photo_kb, database)),
        Command::Push { subscriptions } => rt()?.block_on(webpush::push(subscriptions)),
        Command::PushService { n } => rt()?.block_on(webpush::service(n)),
        Command::IngestLoad {
            addr,
            seconds,
            senders,
            photo_kb,
        } => rt()?.block_on(ingest::load(addr, seconds, senders, photo_kb)),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Places that look like the territory's: names, categories, tags and hours
/// drawn from the real OSM extract, spread over the Métropole.
fn generate(n: usize, rng: &mut StdRng) -> anyhow::Result<Vec<Place>> {
    let templates =
        parse_geojson(MONACO, &CommuneLocator::default(), beffroi_domain::Lang::Fr)?.places;
    let communes = beffroi_server::demo::communes()?;
    Ok((0..n)
        .map(|i| {
            let t = &templates[rng.random_range(0..templates.len())];
            let c = &communes[rng.random_range(0..communes.len())];
            let mut p = t.clone();
            p.id = PlaceId(format!("bench:{i}"));
            p.name = format!("{} {i}", t.name);
            p.position = Position {
                lat: rng.random_range(43.65..43.95),
                lon: rng.random_range(7.05..7.45),
            };
            p.address.postcode = c.postal_codes.first().cloned();
            p.address.city = Some(c.name.clone());
            p.address.country = Some("FR".into());
            p.commune = Some(c.code.clone());
            p.source = Source::Staff;
            p
        })
        .collect())
}

async fn directory(n: usize, queries: usize, seed: u64) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let places = generate(n, &mut rng)?;
    let hours_pool: Vec<String> = places
        .iter()
        .filter_map(|p| p.opening_hours.clone())
        .take(500)
        .collect();

    // A real town hall on loopback, over a real SQLite file.
    let server_dir = tempfile::tempdir()?;
    let state = AppState::open(Settings::new(server_dir.path())).await?;
    state
        .store
        .upsert_communes(beffroi_server::demo::communes()?)
        .await?;
    let t = Instant::now();
    for chunk in places.chunks(5_000) {
        state
            .store
            .upsert_places(chunk.to_vec(), Writer::Staff)
            .await?;
    }
    let load_s = t.elapsed().as_secs_f64();
    println!("server: {n} places stored in {load_s:.2} s");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(beffroi_server::serve(state.clone(), listener, async {
        let _ = stopped.await;
    }));

    // A real resident device syncing everything.
    let client_dir = tempfile::tempdir()?;
    let client = Client::open(client_dir.path())?;
    client.set_server(&url)?;
    let t = Instant::now();
    let report = client.sync().await?;
    let initial_sync_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.places_total as usize == n,
        "synced {} of {n} places",
        report.places_total
    );
    println!("client: initial sync of {n} places in {initial_sync_s:.2} s");

    // The same pages fetched and decoded without being stored: the server's
    // and the network's share of the initial sync.
    let api = beffroi_client::ApiClient::new(&url)?;
    let t = Instant::now();
    let mut cursor = Cursor::START;
    loop {
        let page: beffroi_domain::SyncPage<Place> = api
            .page("places", cursor, beffroi_domain::sync::MAX_PAGE_LIMIT)
            .await?;
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    let fetch_only_s = t.elapsed().as_secs_f64();
    println!("client: fetching and decoding the same pages alone takes {fetch_only_s:.2} s");

    // 100 places change on the server; measure the delta's size and the sync.
    let cursor: Cursor = client.store().places_cursor()?;
    let mut changed = Vec::new();
    for _ in 0..100 {
        let mut p = places[rng.random_range(0..n)].clone();
        p.opening_hours = Some(hours_pool[rng.random_range(0..hours_pool.len())].clone());
        p.phone = Some(format!(
            "+33 4 93 {:02} {:02} {:02}",
            rng.random_range(0..100),
            rng.random_range(0..100),
            rng.random_range(0..100)
        ));
        changed.push(p);
    }
    state.store.upsert_places(changed, Writer::Staff).await?;
    let delta_url = format!("{url}/api/v1/places?since={}&limit=1000", cursor.0);
    let raw = reqwest::Client::builder().no_gzip().build()?;
    let json_bytes = raw.get(&delta_url).send().await?.bytes().await?.len();
    let gzip_bytes = raw
        .get(&delta_url)
        .header("accept-encoding", "gzip")
        .send()
        .await?
        .bytes()
        .await?
        .len();
    let t = Instant::now();
    let delta = client.sync().await?;
    let delta_s = t.elapsed().as_secs_f64();
    println!(
        "delta: {} places changed, {json_bytes} B as JSON, {gzip_bytes} B gzipped (sent), synced in {:.1} ms",
        delta.places_changed,
        delta_s * 1000.0
    );

    stop.send(()).ok();
    server.await.context("server task")??;

    // Search, offline: a mixed workload.
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00")?;
    let categories = [
        Category::Pharmacy,
        Category::Bakery,
        Category::Supermarket,
        Category::Restaurant,
        Category::Tobacco,
    ];
    let mut make_query = |i: usize| -> SearchQuery {
        let near = Some(Position {
            lat: rng.random_range(43.65..43.95),
            lon: rng.random_range(7.05..7.45),
        });
        let word = Some(WORDS[rng.random_range(0..WORDS.len())].to_owned());
        let category = Some(categories[rng.random_range(0..categories.len())]);
        match i % 4 {
            0 => SearchQuery {
                text: word,
                limit: Some(20),
                ..Default::default()
            },
            1 => SearchQuery {
                text: word,
                open_only: true,
                limit: Some(20),
                ..Default::default()
            },
            2 => SearchQuery {
                category,
                open_only: true,
                near,
                order: Order::Distance,
                limit: Some(20),
                ..Default::default()
            },
            _ => SearchQuery {
                open_only: true,
                near,
                order: Order::Distance,
                limit: Some(20),
                ..Default::default()
            },
        }
    };
    for i in 0..50 {
        client.search(&make_query(i), &at, Lang::Fr)?;
    }
    let mut times = Vec::with_capacity(queries);
    let mut by_kind: [Vec<Duration>; 4] = Default::default();
    let mut results = 0;
    for i in 0..queries {
        let q = make_query(i);
        let t = Instant::now();
        results += client.search(&q, &at, Lang::Fr)?.len();
        let d = t.elapsed();
        times.push(d);
        by_kind[i % 4].push(d);
    }
    times.sort();
    let (p50, p95, p99) = (
        percentile(&times, 0.50),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
    );
    println!(
        "search: {queries} queries, {results} results, p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms"
    );
    let kinds = ["text", "text+open", "category+open+near", "open+near"];
    let mut per_kind = serde_json::Map::new();
    for (k, mut v) in kinds.iter().zip(by_kind) {
        v.sort();
        println!(
            "  {k:<20} p50 {:.2} ms, p95 {:.2} ms",
            percentile(&v, 0.5),
            percentile(&v, 0.95)
        );
        per_kind.insert(
            (*k).to_owned(),
            serde_json::json!({"p50_ms": percentile(&v, 0.5), "p95_ms": percentile(&v, 0.95)}),
        );
    }

    // The first "open now" of hours that never change (common in OSM): the
    // next change is looked for within a year, not to the crate's date limit.
    let mut first_status = serde_json::Map::new();
    for expr in [
        "Mo-Su 00:00-24:00",
        "Mo-Su 00:00-24:00; PH off",
        "Mo-Sa 08:00-19:00",
    ] {
        let hours = beffroi_domain::hours::Hours::parse(expr, None)?;
        let t = Instant::now();
        let status = hours.status(&at);
        let us = t.elapsed().as_secs_f64() * 1e6;
        println!(
            "  status of {expr:?}: {us:.0} µs (next change {:?})",
            status.next_change
        );
        first_status.insert(expr.to_owned(), serde_json::json!(us));
    }

    println!(
        "{}",
        serde_json::json!({
            "bench": "directory",
            "first_status_us": first_status,
            "places": n,
            "initial_sync_s": initial_sync_s,
            "initial_fetch_only_s": fetch_only_s,
            "delta_100": {"sync_ms": delta_s * 1000.0, "json_bytes": json_bytes, "gzip_bytes": gzip_bytes},
            "search": {"queries": queries, "p50_ms": p50, "p95_ms": p95, "p99_ms": p99, "by_kind": per_kind},
            "server_load_s": load_s,
        })
    );
    Ok(())
}
