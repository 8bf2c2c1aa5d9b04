//! `beffroi-server backup`: a copy of a town hall that is itself a data
//! directory (`beffroi.sqlite3`, `keys/`, `photos/`), made while its
//! servers run. Restoring is serving it (`--data BACKUP`) or, for
//! PostgreSQL, migrating it into an empty database
//! (`migrate --from sqlite:///BACKUP/beffroi.sqlite3 --to postgres://…`).
//!
//! - SQLite: SQLite's online backup API, one consistent read of the file.
//! - PostgreSQL: every table read in one repeatable-read transaction
//!   ([`crate::store::Store::export`]) into a new SQLite file, and the keys
//!   and photos the servers keep in the database as files (`pg_dump` is the
//!   other way, docs/deploy.md).
//!
//! Photos are copied after the rows, those of the reports the backup holds.
//!
//! The backup holds the signing keys: keep it as secret as the server.

use std::path::{Path, PathBuf};

use crate::keys::{self, KeyError, KeyHome};
use crate::photos::{FileBlobs, Home};
use crate::store::{DatabaseUrl, Store, StoreError};
use crate::{DB_FILE, SqliteStore};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists and is not an empty directory: a backup goes into a new one")]
    NotEmpty(PathBuf),
    #[error("there is no database at {0}")]
    NoSource(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot copy the keys: {0}")]
    Keys(#[from] KeyError),
}

/// What the backup holds.
#[derive(Debug)]
pub struct BackedUp {
    /// Rows by table, read back from the backup.
    pub tables: Vec<(&'static str, usize)>,
    pub last_cursor: i64,
    pub keys: usize,
    pub photos: usize,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Backs up the town hall on `database` (by default the SQLite file of
/// `data`), with the keys and photos of `data`, into the new directory `to`.
pub async fn backup(
    database: Option<&DatabaseUrl>,
    data: &Path,
    to: &Path,
) -> Result<BackedUp, BackupError> {
    let exists = match std::fs::read_dir(to) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(BackupError::NotEmpty(to.to_owned()));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io(to)(e)),
    };
    // A backup that failed halfway never looks like one: made in a
    // directory of its own beside `to`, then renamed into place; or, when
    // `to` is an empty directory already (a mount point), made in it and
    // emptied again on failure.
    let work = if exists {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700)).map_err(io(to))?;
        to.to_owned()
    } else {
        let parent = to.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(io(parent))?;
        let name = to
            .file_name()
            .ok_or_else(|| BackupError::NotEmpty(to.to_owned()))?
            .to_string_lossy();
        let partial = to.with_file_name(format!(
            ".{name}.partial-{}-{}",
            std::process::id(),
            crate::auth::random_secret(6)
        ));
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&partial)
            .map_err(io(&partial))?;
        partial
    };
    let made = match make(database, data, &work).await {
        Ok(made) if !exists => std::fs::rename(&work, to).map(|()| made).map_err(io(to)),
        other => other,
    };
    if made.is_err() {
        if exists {
            for entry in std::fs::read_dir(&work).into_iter().flatten().flatten() {
                let _ = std::fs::remove_dir_all(entry.path())
                    .or_else(|_| std::fs::remove_file(entry.path()));
            }
        } else {
            let _ = std::fs::remove_dir_all(&work);
        }
    }
    made
}

/// The backup, in the new directory `to`.
async fn make(
    database: Option<&DatabaseUrl>,
    data: &Path,
    to: &Path,
) -> Result<BackedUp, BackupError> {
    let copy = to.join(DB_FILE);
    let (keys, photo_home) = match database {
        Some(url @ DatabaseUrl::Postgres(_)) => {
            let store = crate::open_database(url).await?;
            let snapshot = store.export().await?;
            SqliteStore::open_file(&copy)?.import(snapshot).await?;
            let home = KeyHome::Store {
                store: store.as_ref(),
                import_from: data,
            };
            let keys = keys::copy(home, KeyHome::Dir(to)).await?;
            (keys, Home::of(store.as_ref(), data))
        }
        _ => {
            let source = match database {
                Some(DatabaseUrl::Sqlite(file)) => file.clone(),
                _ => data.join(DB_FILE),
            };
            if !source.is_file() {
                return Err(BackupError::NoSource(source));
            }
            let dest = copy.clone();
            tokio::task::spawn_blocking(move || beffroi_store_sqlite::backup(&source, &dest))
                .await
                .map_err(|e| StoreError::Task(e.to_string()))??;
            let keys = keys::copy(KeyHome::Dir(data), KeyHome::Dir(to)).await?;
            (keys, Home::Files(FileBlobs::new(data)))
        }
    };
    // Read back: what a server started on the backup finds. Then the photos
    // of the reports it holds (not those of a report accepted since).
    let held = SqliteStore::open_file(&copy)?.export().await?;
    let reports: std::collections::HashSet<&str> =
        held.reports.iter().map(|r| r.id.as_str()).collect();
    let photos = crate::store::copy_photos(photo_home.blobs(), &FileBlobs::new(to), |report| {
        reports.contains(report)
    })
    .await?
    .photos;
    Ok(BackedUp {
        tables: held.counts(),
        last_cursor: held.last_cursor,
        keys,
        photos,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn a_backup_goes_into_a_new_or_empty_directory_owner_only_and_a_failed_one_leaves_nothing()
     {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let store = SqliteStore::open(&data).unwrap();
        beffroi_store::contract::town_hall(&store).await;
        keys::KeyRing::open(KeyHome::Dir(&data)).await.unwrap();

        // A new directory, made aside and renamed.
        let new = dir.path().join("backups/first");
        let made = backup(None, &data, &new).await.unwrap();
        assert_eq!(made.keys, 3);
        assert_eq!(mode(&new), 0o700);
        assert!(new.join(DB_FILE).is_file());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["first"], "nothing partial left beside it");

        // An empty directory already there (a mount point): made in it.
        let mounted = dir.path().join("mounted");
        std::fs::create_dir(&mounted).unwrap();
        std::fs::set_permissions(&mounted, std::fs::Permissions::from_mode(0o755)).unwrap();
        backup(None, &data, &mounted).await.unwrap();
        assert_eq!(mode(&mounted), 0o700);
        assert!(mounted.join("keys").is_dir());
        // Never over a backup.
        assert!(matches!(
            backup(None, &data, &mounted).await,
            Err(BackupError::NotEmpty(_))
        ));

        // A failed backup (no database where it is said to be) leaves nothing.
        let nowhere = dir.path().join("nowhere");
        let failed = dir.path().join("failed");
        assert!(matches!(
            backup(None, &nowhere, &failed).await,
            Err(BackupError::NoSource(_))
        ));
        assert!(!failed.exists());
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(backup(None, &nowhere, &empty).await.is_err());
        assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("partial")), "{names:?}");
    }
}
