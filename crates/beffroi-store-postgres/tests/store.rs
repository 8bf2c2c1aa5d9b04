//! The PostgreSQL store against the storage contract (`beffroi_store::contract`),
//! each story on a fresh database of the throwaway cluster `make test` starts
//! (`scripts/with-postgres.sh`), and what only a shared database has to keep:
//! replicas starting together, and a database that is not there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use beffroi_store::contract::Opened;
use beffroi_store::{Store, StoreError};
use beffroi_store_postgres::PgStore;

/// The cluster's URL; the tests fail, never skip, without one.
fn cluster_url() -> String {
    std::env::var("BEFFROI_TEST_DATABASE_URL").expect(
        "BEFFROI_TEST_DATABASE_URL is not set: run the tests through \
         scripts/with-postgres.sh (make test does), which starts a throwaway PostgreSQL",
    )
}

/// A new, empty database on the cluster; its URL.
async fn fresh_database() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let url = cluster_url();
    let name = format!(
        "contract_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let conn = tokio::spawn(conn);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    drop(client);
    let _ = conn.await;
    let (base, _) = url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

async fn open_postgres() -> Opened {
    let store = PgStore::connect(&fresh_database().await).await.unwrap();
    Opened {
        store: Arc::new(store),
        keep: Box::new(()),
    }
}

beffroi_store::contract!(postgres, open_postgres);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_starting_together_migrate_once_and_share_everything() {
    let url = fresh_database().await;
    let mut starting = Vec::new();
    for _ in 0..4 {
        let url = url.clone();
        starting.push(tokio::spawn(async move { PgStore::connect(&url).await }));
    }
    let mut replicas = Vec::new();
    for s in starting {
        replicas.push(s.await.unwrap().unwrap());
    }
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let row = client
        .query_one(
            "SELECT count(*), max(version)::bigint FROM beffroi_migrations",
            &[],
        )
        .await
        .unwrap();
    let (applied, newest): (i64, i64) = (row.get(0), row.get(1));
    assert!(newest >= 2, "every migration applied: {newest}");
    assert_eq!(applied, newest, "each migration once");
    // What one replica writes, another reads.
    beffroi_store::contract::communes(&replicas[0]).await;
    assert_eq!(replicas[3].communes().await.unwrap().len(), 2);
    // Reconnecting to a migrated database changes nothing.
    PgStore::connect(&url).await.unwrap();
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_is_said_unavailable() {
    let err = PgStore::connect("postgres://beffroi@127.0.0.1:1/beffroi")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    let url = cluster_url();
    let (base, _) = url.rsplit_once('/').unwrap();
    let err = PgStore::connect(&format!("{base}/no_such_database"))
        .await
        .unwrap_err();
    // What the operator reads: the error and its causes.
    let mut said = err.to_string();
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        said.push_str(&format!(": {c}"));
        cause = c.source();
    }
    assert!(
        said.contains("\"no_such_database\" does not exist"),
        "{said}"
    );
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
}

/// A town hall moves from SQLite to PostgreSQL and back, row for row: the
/// copy `beffroi-server migrate` makes, across backends (times kept to the
/// microsecond PostgreSQL keeps, nothing else changed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_town_hall_moves_between_sqlite_and_postgresql_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = beffroi_store_sqlite::SqliteStore::open(dir.path()).unwrap();
    beffroi_store::contract::town_hall(&sqlite).await;
    let original = sqlite.export().await.unwrap();

    let pg = open_postgres().await.store;
    pg.import(original.clone()).await.unwrap();
    let moved = pg.export().await.unwrap();
    assert_eq!(moved.clone().normalised(), original.clone().normalised());

    let back_dir = tempfile::tempdir().unwrap();
    let back = beffroi_store_sqlite::SqliteStore::open(back_dir.path()).unwrap();
    back.import(moved).await.unwrap();
    assert_eq!(
        back.export().await.unwrap().normalised(),
        original.normalised()
    );
}

/// One server at a time runs the jobs that must run once: the first to take
/// the lock; when it stops, another takes over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_leads_the_jobs_and_another_takes_over_when_it_stops() {
    let url = fresh_database().await;
    let a = PgStore::connect(&url).await.unwrap();
    let b = PgStore::connect(&url).await.unwrap();
    let within = |what: &'static str| {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        move || assert!(tokio::time::Instant::now() < deadline, "{what} within 15 s")
    };
    let check = within("a leader");
    while !(a.leads_jobs() || b.leads_jobs()) {
        check();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Never both, over a few of their checks.
    for _ in 0..30 {
        assert!(!(a.leads_jobs() && b.leads_jobs()), "two leaders");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (leader, other) = if a.leads_jobs() { (a, b) } else { (b, a) };
    drop(leader);
    let check = within("the other server taking over");
    while !other.leads_jobs() {
        check();
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_kept_in_the_database_and_shown_by_every_replica() {
    let url = fresh_database().await;
    let (a, b) = (
        PgStore::connect(&url).await.unwrap(),
        PgStore::connect(&url).await.unwrap(),
    );
    beffroi_store::contract::photos(&a, &*a.photo_blobs().unwrap()).await;
    // What one server kept, another serves, byte for byte.
    let blobs = b.photo_blobs().unwrap();
    assert_eq!(blobs.photo_names("p1").await.unwrap(), ["1.jpg", "2.png"]);
    assert_eq!(
        blobs.photo("p2", "1.webp").await.unwrap().unwrap(),
        b"RIFF one"
    );
}
