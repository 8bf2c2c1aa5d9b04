//! `beffroi-server migrate`: a whole town hall copied from one database into
//! another, empty one (SQLite to PostgreSQL when it outgrows one machine, or
//! back): every row with its cursor and id, so that devices that synced
//! before go on from their cursors with no reset; the signing keys, so that
//! they keep verifying; the copy read back and compared before it is said
//! to be done.
//!
//! The source is read in one consistent view: stop its server first, or what
//! it accepts after the read is not in the copy. Report photos go where the
//! target keeps them (files in a SQLite data directory, rows in
//! PostgreSQL), each read back and compared.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::keys::{KeyError, KeyHome};
use crate::photos::Home;
use crate::store::snapshot::{SecretRow, Snapshot};
use crate::store::{DatabaseUrl, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("the source and the target are the same database")]
    Same,
    #[error("there is no database at {0}")]
    NoSource(PathBuf),
    #[error("cannot open {which} database {url}: {source}")]
    Open {
        which: &'static str,
        url: String,
        source: StoreError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot copy the keys: {0}")]
    Keys(#[from] KeyError),
    #[error("the copy differs from the source in {0}: nothing should use the target")]
    Differs(String),
    #[error(
        "the rows are copied and checked, but not the photos ({0}): once that is mended, \
         run the same command again with --photos-only"
    )]
    Photos(StoreError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What was copied.
#[derive(Debug)]
pub struct Copied {
    /// Rows by table, in the source and (read back) in the target.
    pub tables: Vec<(&'static str, usize, usize)>,
    pub last_cursor: i64,
    /// Keys and secrets the target now holds of the source's.
    pub keys: usize,
    /// Photos copied (and read back).
    pub photos: usize,
    /// Reports with photos but no row in the source (photos of a report
    /// accepted after a backup's rows were read): not copied.
    pub photos_skipped: Vec<String>,
}

/// The data directory of a database: where a server on it keeps its keys
/// (SQLite) and its photos. A SQLite file's is its directory.
fn data_dir_of(url: &DatabaseUrl, given: Option<&Path>) -> Option<PathBuf> {
    match (given, url) {
        (Some(dir), _) => Some(dir.to_owned()),
        (None, DatabaseUrl::Sqlite(file)) => file.parent().map(Path::to_owned),
        (None, DatabaseUrl::Postgres(_)) => None,
    }
}

/// Where keys live for a server on `url` with the data directory `dir`.
fn home<'a>(url: &DatabaseUrl, store: &'a dyn Store, dir: Option<&'a Path>) -> Option<KeyHome<'a>> {
    match url {
        // `import_from` is read only when a server opens its key ring.
        DatabaseUrl::Postgres(_) => Some(KeyHome::Store {
            store,
            import_from: dir.unwrap_or(Path::new("")),
        }),
        DatabaseUrl::Sqlite(_) => dir.map(KeyHome::Dir),
    }
}

async fn open(which: &'static str, url: &DatabaseUrl) -> Result<Arc<dyn Store>, MigrateError> {
    crate::open_database(url)
        .await
        .map_err(|source| MigrateError::Open {
            which,
            url: url.to_string(),
            source,
        })
}

/// What to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// The whole town hall, into an empty database.
    All,
    /// Only the photos, into a database that holds the source's rows
    /// already (a copy whose photos failed, finished).
    PhotosOnly,
}

/// Copies the town hall at `from` (with its data directory `data`: keys of
/// a server alone, photos) into the empty database at `to`.
pub async fn migrate(
    from: &DatabaseUrl,
    to: &DatabaseUrl,
    data: Option<&Path>,
    what: What,
) -> Result<Copied, MigrateError> {
    if from == to {
        return Err(MigrateError::Same);
    }
    // Opening a SQLite file that is not there would make an empty one.
    if let DatabaseUrl::Sqlite(file) = from
        && !file.is_file()
    {
        return Err(MigrateError::NoSource(file.clone()));
    }
    let source = open("the source", from).await?;
    let target = open("the target", to).await?;
    if let DatabaseUrl::Sqlite(file) = to {
        make_private(file)?;
    }
    let from_dir = data_dir_of(from, data);
    let to_dir = data_dir_of(to, None);
    let (snapshot, tables, keys) = match what {
        What::All => {
            copy_rows(
                (from, source.as_ref(), from_dir.as_deref()),
                (to, target.as_ref(), to_dir.as_deref()),
            )
            .await?
        }
        // Only into the same town hall, copied whole already.
        What::PhotosOnly => {
            let snapshot = source.export().await?;
            let held = target.export().await?;
            // Keys and secrets are compared as keys, wherever each side
            // keeps them: a SQLite town hall alone has its keys in files,
            // which its copy into PostgreSQL holds among its rows.
            let tables = compare(&without_secrets(&snapshot), &without_secrets(&held))?;
            let ours = keys_of(from, source.as_ref(), from_dir.as_deref(), &snapshot).await?;
            let theirs = keys_of(to, target.as_ref(), to_dir.as_deref(), &held).await?;
            if !ours.iter().all(|key| theirs.contains(key)) {
                return Err(MigrateError::Differs("the keys and secrets".into()));
            }
            (snapshot, tables, ours.len())
        }
    };
    // The photos of the reports copied (not those of a report that has no
    // row: a backup made while serving can hold some).
    let reports: std::collections::HashSet<&str> =
        snapshot.reports.iter().map(|r| r.id.as_str()).collect();
    let photos = crate::store::copy_photos(
        photo_home(source.as_ref(), from_dir.as_deref()).blobs(),
        photo_home(target.as_ref(), to_dir.as_deref()).blobs(),
        |report| reports.contains(report),
    )
    .await
    .map_err(MigrateError::Photos)?;
    Ok(Copied {
        tables,
        last_cursor: snapshot.last_cursor,
        keys,
        photos: photos.photos,
        photos_skipped: photos.skipped,
    })
}

/// A town hall's rows and keys, at `from` (its URL, store and data
/// directory), copied into the empty `to`, read back and compared: the
/// rows copied, their count per table, and the keys the target now holds.
async fn copy_rows(
    (from, source, from_dir): (&DatabaseUrl, &dyn Store, Option<&Path>),
    (to, target, to_dir): (&DatabaseUrl, &dyn Store, Option<&Path>),
) -> Result<(Snapshot, Vec<(&'static str, usize, usize)>, usize), MigrateError> {
    // A SQLite target gets the keys as files, before the rows: it is
    // refused before anything is written if it holds anything. (PostgreSQL
    // takes them with the rows, and its import checks under lock.)
    let held = match to {
        DatabaseUrl::Sqlite(_) => target.export().await?,
        DatabaseUrl::Postgres(_) => Snapshot::default(),
    };
    if !held.is_empty() {
        let rows: Vec<String> = held
            .counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(table, n)| format!("{n} rows in {table}"))
            .collect();
        return Err(StoreError::NotEmpty(rows.join(", ")).into());
    }
    let mut snapshot = source.export().await?;

    // The keys go first, so that a copy is never there without them: into
    // the copied rows for a database that keeps them, else into the
    // target's key files (which a failed copy leaves, harmlessly).
    let from_keys = match home(from, source, from_dir) {
        Some(h) => h.entries().await?,
        None => Vec::new(),
    };
    match to {
        DatabaseUrl::Postgres(_) => {
            for (name, value) in &from_keys {
                if !snapshot.secrets.iter().any(|s| &s.name == name) {
                    snapshot.secrets.push(SecretRow {
                        name: name.clone(),
                        value: value.clone(),
                        created_at: time::OffsetDateTime::now_utc().unix_timestamp(),
                    });
                }
            }
        }
        DatabaseUrl::Sqlite(_) => {
            if let Some(dir) = to_dir {
                for (name, text) in &from_keys {
                    KeyHome::Dir(dir).create(name, text).await?;
                }
            }
        }
    }
    target.import(snapshot.clone()).await?;
    let tables = compare(&snapshot, &target.export().await?)?;
    let held = match home(to, target, to_dir) {
        Some(h) => h.entries().await?,
        None => Vec::new(),
    };
    let keys = from_keys.iter().filter(|e| held.contains(e)).count();
    Ok((snapshot, tables, keys))
}

/// The keys and secrets of a town hall (its URL, store, data directory and
/// rows): those in its key home and those among its rows, once each.
async fn keys_of(
    url: &DatabaseUrl,
    store: &dyn Store,
    dir: Option<&Path>,
    rows: &Snapshot,
) -> Result<std::collections::BTreeSet<(String, String)>, MigrateError> {
    let mut keys: std::collections::BTreeSet<_> = match home(url, store, dir) {
        Some(h) => h.entries().await?.into_iter().collect(),
        None => Default::default(),
    };
    keys.extend(
        rows.secrets
            .iter()
            .map(|s| (s.name.clone(), s.value.clone())),
    );
    Ok(keys)
}

/// The same rows without the secrets (see [`keys_of`]).
fn without_secrets(rows: &Snapshot) -> Snapshot {
    Snapshot {
        secrets: Vec::new(),
        ..rows.clone()
    }
}

/// Where a server on `store` with the data directory `dir` keeps photos
/// (every SQLite file has a directory; PostgreSQL keeps them itself).
fn photo_home(store: &dyn Store, dir: Option<&Path>) -> Home {
    Home::of(store, dir.unwrap_or(Path::new("")))
}

/// The rows of each table in both, or which tables differ.
fn compare(
    source: &Snapshot,
    target: &Snapshot,
) -> Result<Vec<(&'static str, usize, usize)>, MigrateError> {
    let (a, b) = (source.clone().normalised(), target.clone().normalised());
    let tables: Vec<_> = a
        .counts()
        .into_iter()
        .zip(b.counts())
        .map(|((name, n), (_, m))| (name, n, m))
        .collect();
    if a != b {
        let mut differ: Vec<&str> = tables
            .iter()
            .filter(|(_, n, m)| n != m)
            .map(|(name, ..)| *name)
            .collect();
        if a.last_cursor != b.last_cursor {
            differ.push("the cursor");
        }
        if differ.is_empty() {
            differ.push("the rows' contents");
        }
        return Err(MigrateError::Differs(differ.join(", ")));
    }
    Ok(tables)
}

/// The SQLite file (and its journal's) owner-only: it may hold keys.
pub(crate) fn make_private(file: &Path) -> Result<(), MigrateError> {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", file.display()));
        match std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(MigrateError::Io { path, source: e });
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::keys;

    #[tokio::test]
    async fn a_missing_source_or_the_same_database_twice_is_refused_and_nothing_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let url = |name: &str| -> DatabaseUrl {
            format!("sqlite://{}", dir.path().join(name).display())
                .parse()
                .unwrap()
        };
        let err = migrate(&url("missing.sqlite3"), &url("to.sqlite3"), None, What::All)
            .await
            .unwrap_err();
        assert!(matches!(err, MigrateError::NoSource(_)), "{err}");
        assert!(!dir.path().join("missing.sqlite3").exists());
        assert!(!dir.path().join("to.sqlite3").exists());
        let err = migrate(&url("a.sqlite3"), &url("a.sqlite3"), None, What::All)
            .await
            .unwrap_err();
        assert!(matches!(err, MigrateError::Same), "{err}");
    }

    #[tokio::test]
    async fn a_town_hall_alone_moves_with_its_key_files() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        let store = crate::SqliteStore::open(&old).unwrap();
        beffroi_store::contract::town_hall(&store).await;
        let ring = keys::KeyRing::open(KeyHome::Dir(&old)).await.unwrap();
        drop(store);
        let url = |d: &Path| -> DatabaseUrl {
            format!("sqlite://{}", d.join(crate::DB_FILE).display())
                .parse()
                .unwrap()
        };
        let copied = migrate(&url(&old), &url(&new), None, What::All)
            .await
            .unwrap();
        assert!(copied.tables.iter().all(|(_, n, m)| n == m && *n > 0));
        assert_eq!(copied.keys, 3);
        let moved = keys::KeyRing::open(KeyHome::Dir(&new)).await.unwrap();
        assert_eq!(moved.public_keys(), ring.public_keys());

        // Another town hall copied there by mistake: refused before its
        // keys are written beside the ones in place.
        let other = dir.path().join("other");
        drop(crate::SqliteStore::open(&other).unwrap());
        keys::KeyRing::open(KeyHome::Dir(&other)).await.unwrap();
        let err = migrate(&url(&other), &url(&new), None, What::All)
            .await
            .unwrap_err();
        assert!(
            matches!(err, MigrateError::Store(StoreError::NotEmpty(_))),
            "{err}"
        );
        let kept = keys::KeyRing::open(KeyHome::Dir(&new)).await.unwrap();
        assert_eq!(kept.public_keys(), ring.public_keys(), "no key added");
    }
}
