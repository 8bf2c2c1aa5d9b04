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

/// Runs `openssl` with `args` in `dir` (certificates for the TLS test).
fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl (scripts/setup.sh installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An authority (`{name}.pem`, `{name}.key`) in `dir`.
fn authority(dir: &std::path::Path, name: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN={name}"),
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
        ],
    );
}

/// Whether every connection to `database` is encrypted (and there is one).
async fn all_encrypted(admin: &tokio_postgres::Client, database: &str) -> bool {
    let row = admin
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE s.ssl)
             FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = $1",
            &[&database],
        )
        .await
        .unwrap();
    let (all, encrypted): (i64, i64) = (row.get(0), row.get(1));
    all > 0 && all == encrypted
}

/// TLS to the database, with libpq's `sslmode` and `sslrootcert`: the
/// cluster is given a certificate for 127.0.0.1 signed by a test authority
/// and TLS is turned on (then off again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_to_the_database_is_checked_as_libpq_modes_say() {
    let data = std::env::var("BEFFROI_TEST_PG_DATA").expect("BEFFROI_TEST_PG_DATA");
    let user = std::env::var("BEFFROI_TEST_PG_USER").expect("BEFFROI_TEST_PG_USER");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    authority(d, "ca");
    authority(d, "other");
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    );
    std::fs::write(d.join("san"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san",
            "-out",
            "server.pem",
        ],
    );
    // The cluster reads its key as its own user, private.
    let (cert, key) = (
        format!("{data}/beffroi-test-server.pem"),
        format!("{data}/beffroi-test-server.key"),
    );
    std::fs::copy(d.join("server.pem"), &cert).unwrap();
    std::fs::copy(d.join("server.key"), &key).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let chown = std::process::Command::new("chown")
        .args([&user, &cert, &key])
        .status()
        .unwrap();
    assert!(chown.success());

    let url = fresh_database().await;
    let database = url.rsplit_once('/').unwrap().1.to_owned();
    let (admin, conn) = tokio_postgres::connect(&cluster_url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let _off = TlsOff(cluster_url());
    // One at a time: ALTER SYSTEM runs outside a transaction.
    for sql in [
        format!("ALTER SYSTEM SET ssl_cert_file = '{cert}'"),
        format!("ALTER SYSTEM SET ssl_key_file = '{key}'"),
        "ALTER SYSTEM SET ssl = on".to_owned(),
        "SELECT pg_reload_conf()".to_owned(),
    ] {
        admin.batch_execute(&sql).await.unwrap();
    }
    let ca = d.join("ca.pem").display().to_string();
    let other = d.join("other.pem").display().to_string();
    let with = |params: &str| format!("{url}?{params}");

    // The reload reaches new connections shortly after.
    let mut checked = None;
    for _ in 0..50 {
        match PgStore::connect(&with(&format!("sslmode=verify-full&sslrootcert={ca}"))).await {
            Ok(store) => {
                checked = Some(store);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let checked = checked.expect("verify-full with the right authority connects");
    beffroi_store::contract::communes(&checked).await;
    assert!(all_encrypted(&admin, &database).await);
    drop(checked);

    // Another authority: refused, whatever the mode that checks.
    for mode in ["verify-full", "verify-ca", "require"] {
        let err = PgStore::connect(&with(&format!("sslmode={mode}&sslrootcert={other}")))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "{mode}: {err:?}");
    }
    // The right authority for another name: only verify-full refuses.
    let by_name = with(&format!("sslrootcert={ca}")).replace("127.0.0.1", "localhost");
    assert!(
        PgStore::connect(&format!("{by_name}&sslmode=verify-full"))
            .await
            .is_err()
    );
    PgStore::connect(&format!("{by_name}&sslmode=verify-ca"))
        .await
        .unwrap();
    // Without an authority, `require` encrypts without checking (libpq's).
    let store = PgStore::connect(&with("sslmode=require")).await.unwrap();
    assert_eq!(store.communes().await.unwrap().len(), 2);
}

/// Turns TLS off again in the cluster, which other tests share, however
/// the TLS test ends (a failed assertion included).
struct TlsOff(String);

impl Drop for TlsOff {
    fn drop(&mut self) {
        let mut psql = std::process::Command::new("psql");
        psql.args([self.0.as_str(), "-q"]);
        for name in ["ssl", "ssl_cert_file", "ssl_key_file"] {
            psql.args(["-c", &format!("ALTER SYSTEM RESET {name}")]);
        }
        let done = psql.args(["-c", "SELECT pg_reload_conf()"]).output();
        if !done.is_ok_and(|o| o.status.success()) {
            eprintln!("could not turn TLS off in the test cluster");
        }
    }
}
