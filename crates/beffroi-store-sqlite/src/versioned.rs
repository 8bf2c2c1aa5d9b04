//! Versioned documents in SQLite (the rules in force, the advice pages):
//! every version of every document in its table, each with its cursor;
//! devices get each document's latest version.

use beffroi_domain::sync::Change;
use beffroi_domain::{Cursor, SyncPage};
use beffroi_store::StoreError;
use beffroi_store::versioned::{self, Latest, Step, VersionWrite, Versioned};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{cursor_of, next_cursor};

/// Rows of the table that no later version of the same document follows.
fn latest<T: Versioned>() -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM {} n WHERE n.id = m.id AND n.version > m.version)",
        T::TABLE
    )
}

pub(crate) fn write<T: Versioned>(
    conn: &mut Connection,
    write: &VersionWrite<T::Draft>,
) -> Result<T, StoreError> {
    let tx = conn.transaction()?;
    let stored = tx
        .query_row(
            &format!(
                "SELECT version, withdrawn, data FROM {} WHERE id = ?1
                 ORDER BY version DESC LIMIT 1",
                T::TABLE
            ),
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
            Ok::<_, StoreError>(Latest {
                version,
                withdrawn,
                doc: versioned::decode::<T>(&write.id, &data)?,
            })
        })
        .transpose()?;
    let (doc, withdrawn) = match versioned::step::<T>(stored, write)? {
        Step::Unchanged(doc) => return Ok(doc),
        Step::Write { doc, withdrawn } => (doc, withdrawn),
    };
    let rev = next_cursor(&tx)?;
    tx.execute(
        &format!(
            "INSERT INTO {} (id, version, data, withdrawn, rev) VALUES (?1, ?2, ?3, ?4, ?5)",
            T::TABLE
        ),
        params![
            doc.id(),
            doc.version(),
            versioned::encode(&doc)?,
            withdrawn,
            rev
        ],
    )?;
    crate::alerts::audit(
        &tx,
        &write.actor,
        versioned::action(&doc, withdrawn),
        doc.id(),
        doc.detail().as_deref(),
    )?;
    tx.commit()?;
    Ok(doc)
}

pub(crate) fn since<T: Versioned>(
    conn: &Connection,
    since: Cursor,
    limit: u32,
) -> Result<SyncPage<T>, StoreError> {
    let since_i = i64::try_from(since.0).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, data, withdrawn, rev FROM {} m WHERE rev > ?1 AND {}
         ORDER BY rev LIMIT ?2",
        T::TABLE,
        latest::<T>()
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
            Change::Upsert(versioned::decode::<T>(&id, &data)?)
        };
        changes.push((cursor, change));
    }
    Ok(SyncPage::from_changes(since, changes, limit))
}

pub(crate) fn current<T: Versioned>(conn: &Connection) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, data FROM {} m WHERE NOT withdrawn AND {} ORDER BY rev",
        T::TABLE,
        latest::<T>()
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, data) = row?;
        out.push(versioned::decode::<T>(&id, &data)?);
    }
    Ok(out)
}

/// Every version of one document, oldest first, with whether it withdrew it.
pub(crate) fn history<T: Versioned>(
    conn: &Connection,
    id: &str,
) -> Result<Vec<(T, bool)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT data, withdrawn FROM {} WHERE id = ?1 ORDER BY version",
        T::TABLE
    ))?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (data, withdrawn) = row?;
        out.push((versioned::decode::<T>(id, &data)?, withdrawn));
    }
    Ok(out)
}
