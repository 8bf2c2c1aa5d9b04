//! The SQLite store against the storage contract (`beffroi_store::contract`),
//! and the check that the contract's ordering story catches a naive design.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use beffroi_domain::Cursor;
use beffroi_store::Store;
use beffroi_store::contract::{Opened, check_follow, follow_while_writing};
use beffroi_store_sqlite::SqliteStore;

/// A log whose cursors come from a counter taken before the write becomes
/// visible (a sequence outside the transaction): the naive design.
#[derive(Default)]
struct NaiveLog {
    next: AtomicU64,
    rows: std::sync::Mutex<BTreeMap<Cursor, String>>,
}

impl NaiveLog {
    async fn write(&self, key: String) -> Cursor {
        let cursor = Cursor(self.next.fetch_add(1, Ordering::SeqCst) + 1);
        // The transaction's other work, of varying length, before its commit.
        let pause = (cursor.0 * 7919) % 3;
        tokio::time::sleep(std::time::Duration::from_micros(300 * pause)).await;
        self.rows.lock().unwrap().insert(cursor, key);
        cursor
    }

    fn after(&self, since: Cursor) -> Vec<(Cursor, String)> {
        let rows = self.rows.lock().unwrap();
        rows.range(Cursor(since.0 + 1)..)
            .take(7)
            .map(|(c, k)| (*c, k.clone()))
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_ordering_story_catches_a_naive_sequence() {
    let log = Arc::new(NaiveLog::default());
    let writer = Arc::clone(&log);
    let (seen, acked) = follow_while_writing(
        move |w, i| {
            let log = Arc::clone(&writer);
            async move { (log.write(format!("{w}-{i}")).await, format!("{w}-{i}")) }
        },
        |since| {
            let log = Arc::clone(&log);
            async move {
                // A reader polling, as a device's stream catching up does.
                tokio::time::sleep(std::time::Duration::from_micros(100)).await;
                log.after(since)
            }
        },
    )
    .await;
    let verdict = check_follow(&seen, &acked);
    assert!(
        verdict.as_ref().is_err_and(|e| e.starts_with("missed")),
        "the naive log passed: {verdict:?}"
    );
}

async fn open_sqlite() -> Opened {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    Opened {
        store: Arc::new(store),
        keep: Box::new(dir),
    }
}

beffroi_store::contract!(sqlite, open_sqlite);

#[tokio::test]
async fn a_sqlite_store_reopens_with_everything_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    beffroi_store::contract::communes(&store).await;
    drop(store);
    let store = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(
        store
            .communes_since(Cursor::START, 100)
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}
