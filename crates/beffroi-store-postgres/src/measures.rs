//! The rules in force in PostgreSQL: every version of every measure, each
//! with its cursor; devices get each measure's latest version.
//!
//! A write takes the cursor lock before it reads the latest version, in a
//! read-committed transaction: writes of measures are few, and under the
//! lock two staff saving the same version at once cannot both make the next
//! one (the second reads the first's and is told it changed).

use beffroi_domain::measure::{Measure, MeasureVersion};
use beffroi_domain::sync::Change;
use beffroi_domain::{Cursor, SyncPage};
use beffroi_store::rules::{self, LatestMeasure, MeasureStep};
use beffroi_store::{MeasureWrite, StoreError};

use crate::Hot;
use crate::{CURSOR_LOCK, PgStore, cursor_of, db, hot, json, next_cursor, since_i64};

/// Rows of `measures` that no later version of the same measure follows.
const LATEST: &str =
    "NOT EXISTS (SELECT 1 FROM measures n WHERE n.id = m.id AND n.version > m.version)";

fn version_of(v: i32, id: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("measure {id}: version {v}")))
}

impl PgStore {
    pub(crate) async fn write_measure_tx(
        &self,
        write: &MeasureWrite,
    ) -> Result<Measure, StoreError> {
        let mut client = self.client().await?;
        // Read committed whatever the database's default: the latest
        // version is read after the lock, so it is the last one committed.
        let tx = client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::ReadCommitted)
            .start()
            .await
            .map_err(db)?;
        tx.execute(&tx.hot(hot::LOCK).await?, &[&CURSOR_LOCK])
            .await
            .map_err(db)?;
        let mut locked = true;
        let latest = tx
            .query_opt(
                "SELECT version, withdrawn, data FROM measures WHERE id = $1
                 ORDER BY version DESC LIMIT 1",
                &[&write.id],
            )
            .await
            .map_err(db)?
            .map(|r| {
                Ok::<_, StoreError>(LatestMeasure {
                    version: version_of(r.get(0), &write.id)?,
                    withdrawn: r.get(1),
                    measure: rules::measure(&write.id, r.get(2))?,
                })
            })
            .transpose()?;
        let (measure, withdrawn) = match rules::measure_write(latest, write)? {
            MeasureStep::Unchanged(measure) => return Ok(measure),
            MeasureStep::Write { measure, withdrawn } => (measure, withdrawn),
        };
        let rev = next_cursor(&tx, &mut locked).await?;
        let version = i32::try_from(measure.version).map_err(|_| {
            StoreError::Corrupt(format!("measure {}: too many versions", measure.id))
        })?;
        tx.execute(
            "INSERT INTO measures (id, version, data, withdrawn, rev) VALUES ($1, $2, $3, $4, $5)",
            &[&measure.id, &version, &json(&measure)?, &withdrawn, &rev],
        )
        .await
        .map_err(db)?;
        Self::audit(
            &tx,
            &write.actor,
            rules::measure_action(&measure, withdrawn),
            &measure.id,
            Some(measure.draft.rule.kind()),
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(measure)
    }

    pub(crate) async fn measures_since_page(
        &self,
        since: Cursor,
        limit: u32,
    ) -> Result<SyncPage<Measure>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT id, data, withdrawn, rev FROM measures m WHERE rev > $1 AND {LATEST}
                     ORDER BY rev LIMIT $2"
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
                Change::Upsert(rules::measure(&id, row.get(1))?)
            };
            changes.push((cursor, change));
        }
        Ok(SyncPage::from_changes(since, changes, limit))
    }

    pub(crate) async fn current_measures(&self) -> Result<Vec<Measure>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT id, data FROM measures m WHERE NOT withdrawn AND {LATEST} ORDER BY rev"
                ),
                &[],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| rules::measure(r.get(0), r.get(1)))
            .collect()
    }

    pub(crate) async fn measure_versions(
        &self,
        id: &str,
    ) -> Result<Vec<MeasureVersion>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT data, withdrawn FROM measures WHERE id = $1 ORDER BY version",
                &[&id],
            )
            .await
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                Ok(MeasureVersion {
                    measure: rules::measure(id, r.get(0))?,
                    withdrawn: r.get(1),
                })
            })
            .collect()
    }
}
