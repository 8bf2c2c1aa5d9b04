//! The storage contract, written once against `&dyn Store` and run for every
//! implementation (SQLite today; PostgreSQL joins the list when it lands).

#![allow(clippy::unwrap_used)]

use beffroi_domain::{Commune, Cursor, Role};
use beffroi_server::{SqliteStore, Store, StoreError};
use time::{Duration, OffsetDateTime};

fn commune(code: &str, name: &str, population: u32) -> Commune {
    Commune::new(code, name, population, ["06000".to_owned()]).unwrap()
}

async fn communes_sync_by_cursor(store: &dyn Store) {
    let changed = store
        .upsert_communes(vec![
            commune("06088", "Nice", 1),
            commune("06029", "Cagnes-sur-Mer", 2),
        ])
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let all = store.communes_since(Cursor::START, 100).await.unwrap();
    assert_eq!(all.items.len(), 2);
    // Unchanged upserts keep their cursor: nothing new after the last one.
    assert_eq!(
        store
            .upsert_communes(vec![commune("06088", "Nice", 1)])
            .await
            .unwrap(),
        0
    );
    let none = store.communes_since(all.next_cursor, 100).await.unwrap();
    assert!(none.items.is_empty());
    assert_eq!(none.next_cursor, all.next_cursor);
    // A change moves the commune after the cursor.
    store
        .upsert_communes(vec![commune("06088", "Nice", 3)])
        .await
        .unwrap();
    let delta = store.communes_since(all.next_cursor, 100).await.unwrap();
    assert_eq!(delta.items, vec![commune("06088", "Nice", 3)]);
    assert!(delta.next_cursor > all.next_cursor);
}

async fn staff_and_sessions(store: &dyn Store) {
    let name = "m.durand".parse().unwrap();
    store
        .add_staff(&name, Role::Editor, "hash".into())
        .await
        .unwrap();
    assert!(matches!(
        store.add_staff(&name, Role::Admin, "other".into()).await,
        Err(StoreError::AlreadyExists(_))
    ));
    let creds = store.staff_credentials(&name).await.unwrap().unwrap();
    assert_eq!(
        (creds.member.role, creds.password_hash.as_str()),
        (Role::Editor, "hash")
    );
    store
        .put_staff(&name, Role::Publisher, "new".into())
        .await
        .unwrap();
    assert_eq!(store.list_staff().await.unwrap()[0].role, Role::Publisher);

    let now = OffsetDateTime::now_utc();
    store
        .create_session([1; 32], &name, now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        store
            .session_staff([1; 32], now)
            .await
            .unwrap()
            .unwrap()
            .username,
        name
    );
    assert!(
        store
            .session_staff([1; 32], now + Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        store.session_staff([2; 32], now).await.unwrap().is_none(),
        "unknown"
    );
    store.delete_session([1; 32]).await.unwrap();
    assert!(
        store.session_staff([1; 32], now).await.unwrap().is_none(),
        "deleted"
    );
}

#[tokio::test]
async fn sqlite_store_meets_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    communes_sync_by_cursor(&store).await;
    staff_and_sessions(&store).await;

    // The same file reopens with everything in it.
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
