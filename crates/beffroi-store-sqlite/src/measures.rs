//! The rules in force in SQLite: every version of every measure, each with
//! its cursor; devices get each measure's latest version.

use beffroi_domain::measure::{Measure, MeasureVersion};
use beffroi_domain::sync::Change;
use beffroi_domain::{Cursor, SyncPage};
use beffroi_store::rules::{self, LatestMeasure, MeasureStep};
use beffroi_store::{MeasureWrite, StoreError};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{cursor_of, next_cursor};

/// Rows of `measures` that no later version of the same measure follows.
const LATEST: &str =
    "NOT EXISTS (SELECT 1 FROM measures n WHERE n.id = m.id AND n.version > m.version)";

fn json(m: &Measure) -> Result<String, StoreError> {
    serde_json::to_string(m).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn write(conn: &mut Connection, write: &MeasureWrite) -> Result<Measure, StoreError> {
    let tx = conn.transaction()?;
    let latest = tx
        .query_row(
            "SELECT version, withdrawn, data FROM measures WHERE id = ?1
             ORDER BY version DESC LIMIT 1",
            [&write.id],
            |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?
        .map(|(version, withdrawn, data)| {
            Ok::<_, StoreError>(LatestMeasure {
                version,
                withdrawn,
                measure: rules::measure(&write.id, &data)?,
            })
        })
        .transpose()?;
    let (measure, withdrawn) = match rules::measure_write(latest, write)? {
        MeasureStep::Unchanged(measure) => return Ok(measure),
        MeasureStep::Write { measure, withdrawn } => (measure, withdrawn),
    };
    let rev = next_cursor(&tx)?;
    tx.execute(
        "INSERT INTO measures (id, version, data, withdrawn, rev) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![measure.id, measure.version, json(&measure)?, withdrawn, rev],
    )?;
    crate::alerts::audit(
        &tx,
        &write.actor,
        rules::measure_action(&measure, withdrawn),
        &measure.id,
        Some(measure.draft.rule.kind()),
    )?;
    tx.commit()?;
    Ok(measure)
}

pub(crate) fn since(
    conn: &Connection,
    since: Cursor,
    limit: u32,
) -> Result<SyncPage<Measure>, StoreError> {
    let since_i = i64::try_from(since.0).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, data, withdrawn, rev FROM measures m WHERE rev > ?1 AND {LATEST}
         ORDER BY rev LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![since_i, i64::from(limit) + 1], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut changes = Vec::new();
    for row in rows {
        let (id, data, withdrawn, rev) = row?;
        let cursor = cursor_of(rev, &id)?;
        let change = if withdrawn {
            Change::Delete(id)
        } else {
            Change::Upsert(rules::measure(&id, &data)?)
        };
        changes.push((cursor, change));
    }
    Ok(SyncPage::from_changes(since, changes, limit))
}

pub(crate) fn current(conn: &Connection) -> Result<Vec<Measure>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, data FROM measures m WHERE NOT withdrawn AND {LATEST} ORDER BY rev"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, data) = row?;
        out.push(rules::measure(&id, &data)?);
    }
    Ok(out)
}

pub(crate) fn history(conn: &Connection, id: &str) -> Result<Vec<MeasureVersion>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT data, withdrawn FROM measures WHERE id = ?1 ORDER BY version")?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (data, withdrawn) = row?;
        out.push(MeasureVersion {
            measure: rules::measure(id, &data)?,
            withdrawn,
        });
    }
    Ok(out)
}
