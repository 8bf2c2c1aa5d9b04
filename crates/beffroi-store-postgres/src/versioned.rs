//! Versioned documents in PostgreSQL (the rules in force, the advice
//! pages): every version of every document in its table, each with its
//! cursor; devices get each document's latest version.
//!
//! A write takes the cursor lock before it reads the latest version, in a
//! read-committed transaction: such writes are few, and under the lock two
//! staff saving the same version at once cannot both make the next one (the
//! second reads the first's and is told it changed).

use beffroi_domain::sync::Change;
use beffroi_domain::{Cursor, SyncPage};
use beffroi_store::StoreError;
use beffroi_store::versioned::{self, Latest, Step, VersionWrite, Versioned};

use crate::{PgStore, cursor_of, db, next_cursor, since_i64};

/// Rows of the table that no later version of the same document follows.
fn latest<T: Versioned>() -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM {} n WHERE n.id = m.id AND n.version > m.version)",
        T::TABLE
    )
}

fn version_of<T: Versioned>(v: i32, id: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{} {id}: version {v}", T::TABLE)))
}

impl PgStore {
    pub(crate) async fn write_version<T: Versioned>(
        &self,
        write: &VersionWrite<T::Draft>,
    ) -> Result<T, StoreError> {
        let mut client = self.client().await?;
        // The latest version is read after the lock, so it is the last one committed.
        let tx = Self::locked_tx(&mut client).await?;
        let mut locked = true;
        let stored = tx
            .query_opt(
                &format!(
                    "SELECT version, withdrawn, data FROM {} WHERE id = $1
                     ORDER BY version DESC LIMIT 1",
                    T::TABLE
                ),
                &[&write.id],
            )
            .await
            .map_err(db)?
            .map(|r| {
                Ok::<_, StoreError>(Latest {
                    version: version_of::<T>(r.get(0), &write.id)?,
                    withdrawn: r.get(1),
                    doc: versioned::decode::<T>(&write.id, r.get(2))?,
                })
            })
            .transpose()?;
        let (doc, withdrawn) = match versioned::step::<T>(stored, write)? {
            Step::Unchanged(doc) => return Ok(doc),
            Step::Write { doc, withdrawn } => (doc, withdrawn),
        };
        let rev = next_cursor(&tx, &mut locked).await?;
        let version = i32::try_from(doc.version()).map_err(|_| {
            StoreError::Corrupt(format!("{} {}: too many versions", T::TABLE, doc.id()))
        })?;
        tx.execute(
            &format!(
                "INSERT INTO {} (id, version, data, withdrawn, rev) VALUES ($1, $2, $3, $4, $5)",
                T::TABLE
            ),
            &[
                &doc.id(),
                &version,
                &versioned::encode(&doc)?,
                &withdrawn,
                &rev,
            ],
        )
        .await
        .map_err(db)?;
        Self::audit(
            &tx,
            &write.actor,
            versioned::action(&doc, withdrawn),
            doc.id(),
            doc.detail().as_deref(),
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(doc)
    }

    pub(crate) async fn versions_since<T: Versioned>(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<T>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT id, data, withdrawn, rev FROM {} m WHERE rev > $1 AND {}
                     ORDER BY rev LIMIT $2",
                    T::TABLE,
                    latest::<T>()
                ),
                &[&since_i64(since), &(i64::from(limit) + 1)],
            )
            .await
            .map_err(db)?;
        let mut changes = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.get(0);
            let cursor = cursor_of(row.get(3), &id)?;
            let change = if row.get::<_, bool>(2) {
                Change::Delete(id)
            } else {
                Change::Upsert(versioned::decode::<T>(&id, row.get(1))?)
            };
            changes.push((cursor, change));
        }
        Ok(SyncPage::from_changes(since, changes, limit))
    }

    pub(crate) async fn current_versions<T: Versioned>(&self) -> Result<Vec<T>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT id, data FROM {} m WHERE NOT withdrawn AND {} ORDER BY rev",
                    T::TABLE,
                    latest::<T>()
                ),
                &[],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| versioned::decode::<T>(r.get(0), r.get(1)))
            .collect()
    }

    /// Every version of one document, oldest first, with whether it withdrew it.
    pub(crate) async fn version_history<T: Versioned>(
        &self,
        id: &str,
    ) -> Result<Vec<(T, bool)>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT data, withdrawn FROM {} WHERE id = $1 ORDER BY version",
                    T::TABLE
                ),
                &[&id],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((versioned::decode::<T>(id, r.get(0))?, r.get(1))))
            .collect()
    }
}
