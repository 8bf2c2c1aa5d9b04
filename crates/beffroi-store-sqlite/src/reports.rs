//! Reports in SQLite. Submissions go through one writer thread that groups
//! whatever arrived while the previous group was committing into one
//! transaction (one fsync with the store's `synchronous=FULL`), and answers
//! each submission only after that commit: every acknowledgement is durable,
//! and the rate is no longer one fsync per report.

use beffroi_domain::report::{
    NewReport, ReportStatus, ReporterView, StaffReport, StatusChange, StatusUpdate,
};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use beffroi_store::rules;
use beffroi_store::{ReportFilter, StoreError, Submitted};

fn time_of(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

/// A submission waiting for the writer thread.
pub(super) struct Pending {
    pub report: NewReport,
    pub digest: String,
    pub reply: tokio::sync::oneshot::Sender<Result<Submitted, StoreError>>,
}

/// The most submissions one transaction takes.
const GROUP: usize = 512;

/// Starts the writer thread; it ends when every sender is dropped.
pub(super) fn spawn_writer(
    conn: Arc<Mutex<Connection>>,
) -> Result<tokio::sync::mpsc::Sender<Pending>, StoreError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Pending>(4 * GROUP);
    std::thread::Builder::new()
        .name("beffroi-report-writer".into())
        .spawn(move || {
            let mut group = Vec::with_capacity(GROUP);
            while let Some(first) = rx.blocking_recv() {
                group.push(first);
                while group.len() < GROUP {
                    match rx.try_recv() {
                        Ok(p) => group.push(p),
                        Err(_) => break,
                    }
                }
                let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
                let outcomes = submit_group(&mut guard, &group);
                drop(guard);
                for (pending, outcome) in group.drain(..).zip(outcomes) {
                    // The submitter may have gone (client hung up): the report
                    // is stored all the same, and a repeat finds it.
                    let _ = pending.reply.send(outcome);
                }
            }
        })
        .map_err(|e| StoreError::Task(format!("cannot start the report writer: {e}")))?;
    Ok(tx)
}

/// Stores a group in one transaction, each submission in its own savepoint
/// (one failing leaves the others). If the commit fails, every one fails.
fn submit_group(conn: &mut Connection, group: &[Pending]) -> Vec<Result<Submitted, StoreError>> {
    let mut tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(e) => {
            return group
                .iter()
                .map(|_| Err(StoreError::Task(format!("cannot begin: {e}"))))
                .collect();
        }
    };
    let mut outcomes = Vec::with_capacity(group.len());
    for p in group {
        let outcome = (|| {
            let mut sp = tx.savepoint()?;
            let outcome = submit_one(&mut sp, &p.report, &p.digest)?;
            sp.commit()?;
            Ok(outcome)
        })();
        outcomes.push(outcome);
    }
    match tx.commit() {
        Ok(()) => outcomes,
        Err(e) => group
            .iter()
            .map(|_| Err(StoreError::Task(format!("commit failed: {e}"))))
            .collect(),
    }
}

fn submit_one(
    tx: &mut rusqlite::Savepoint<'_>,
    report: &NewReport,
    digest: &str,
) -> Result<Submitted, StoreError> {
    let existing: Option<(String, String)> = tx
        .query_row(
            "SELECT digest, received_at FROM reports WHERE id = ?1",
            [&report.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((known, at)) = existing {
        return Ok(if known == digest {
            Submitted::Again {
                received_at: time_of(&at)?,
            }
        } else {
            Submitted::Clash
        });
    }
    if let Some(code) = &report.commune {
        let known = tx
            .prepare_cached("SELECT 1 FROM communes WHERE code = ?1 AND deleted = 0")?
            .query_row([code.as_str()], |_| Ok(()))
            .optional()?
            .is_some();
        if !known {
            return Ok(Submitted::UnknownCommune);
        }
    }
    let now = OffsetDateTime::now_utc();
    let at = now
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let data = serde_json::to_string(report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let status = serde_json::to_string(&ReportStatus::Received)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO reports (id, digest, data, category, commune, received_at, lat, lon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        report.id,
        digest,
        data,
        report.category,
        report.commune.as_ref().map(|c| c.as_str()),
        at,
        report.location.position.map(|p| p.lat),
        report.location.position.map(|p| p.lon),
    ])?;
    tx.prepare_cached("INSERT INTO report_status (report_id, at, status) VALUES (?1, ?2, ?3)")?
        .execute(params![report.id, at, status])?;
    Ok(Submitted::New { received_at: now })
}

pub(super) fn for_reporter(
    conn: &Connection,
    id: &str,
) -> Result<Option<ReporterView>, StoreError> {
    let data: Option<String> = conn
        .query_row("SELECT data FROM reports WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    let Some(data) = data else {
        return Ok(None);
    };
    let report = rules::report(id, &data)?;
    Ok(Some(rules::reporter_view(report, history(conn, id)?)))
}

fn history(conn: &Connection, id: &str) -> Result<Vec<StatusChange>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, status, message FROM report_status WHERE report_id = ?1 ORDER BY id",
    )?;
    stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?
    .map(|row| {
        let (at, status, message) = row?;
        Ok(StatusChange {
            at: time_of(&at)?,
            status: serde_json::from_str(&status)
                .map_err(|e| StoreError::Corrupt(format!("status of {id}: {e}")))?,
            message,
        })
    })
    .collect()
}

/// Records a status change by staff. `None` when there is no such report.
pub(super) fn change_status(
    conn: &mut Connection,
    id: &str,
    update: &StatusUpdate,
    actor: &str,
) -> Result<Option<StaffReport>, StoreError> {
    let tx = conn.transaction()?;
    let exists = |id: &str| -> Result<bool, StoreError> {
        Ok(tx
            .query_row("SELECT 1 FROM reports WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    };
    if !exists(id)? {
        return Ok(None);
    }
    if let ReportStatus::Duplicate { of } = &update.status
        && (of == id || !exists(of)?)
    {
        return Err(StoreError::Conflict(beffroi_domain::msg!(
            "store-duplicate-of",
            id = of.as_str()
        )));
    }
    let at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let status =
        serde_json::to_string(&update.status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO report_status (report_id, at, status, message, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, at, status, update.message, actor],
    )?;
    tx.execute(
        "UPDATE reports SET kind = ?2 WHERE id = ?1",
        params![id, beffroi_store::rules::kind_tag(update.status.kind())],
    )?;
    tx.commit()?;
    staff_view(conn, id)
}

pub(super) fn staff_view(conn: &Connection, id: &str) -> Result<Option<StaffReport>, StoreError> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT data, received_at FROM reports WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((data, received_at)) = row else {
        return Ok(None);
    };
    let report = rules::report(id, &data)?;
    Ok(Some(rules::staff_report(
        report,
        time_of(&received_at)?,
        history(conn, id)?,
    )))
}

/// Reports for triage or Open311, filtered and paged in SQL, newest first
/// (or oldest first), after the page's last (received, id) when asked.
pub(super) fn list(
    conn: &Connection,
    filter: &ReportFilter,
) -> Result<Vec<StaffReport>, StoreError> {
    let (order, beyond) = if filter.oldest_first {
        ("ASC", ">")
    } else {
        ("DESC", "<")
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id FROM reports
         WHERE (?1 IS NULL OR commune = ?1) AND (?2 IS NULL OR category = ?2)
           AND (?3 IS NULL OR received_at >= ?3) AND (?4 IS NULL OR received_at < ?4)
           AND (?5 IS NULL OR category IN (SELECT value FROM json_each(?5)))
           AND (?6 IS NULL OR id IN (SELECT value FROM json_each(?6)))
           AND (?7 IS NULL OR kind IN (SELECT value FROM json_each(?7)))
           AND (?8 IS NULL OR (received_at, id) {beyond} (?8, ?9))
           AND (?11 IS NULL OR (lat BETWEEN ?11 AND ?12 AND lon BETWEEN ?13 AND ?14))
         ORDER BY received_at {order}, id {order}
         LIMIT ?10"
    ))?;
    let fmt = |t: Option<OffsetDateTime>| -> Result<Option<String>, StoreError> {
        t.map(|t| {
            t.format(&Rfc3339)
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    };
    let json = |v: Option<Vec<&str>>| v.map(|v| serde_json::Value::from(v).to_string());
    let kinds = filter.kind_tags();
    let bbox = filter.bbox();
    let (after_at, after_id) = match &filter.after {
        Some((at, id)) => (fmt(Some(*at))?, Some(id.clone())),
        None => (None, None),
    };
    let ids: Vec<String> = stmt
        .query_map(
            params![
                filter.commune,
                filter.category,
                fmt(filter.from)?,
                fmt(filter.to)?,
                json(
                    filter
                        .categories
                        .as_ref()
                        .map(|c| c.iter().map(String::as_str).collect())
                ),
                json(
                    filter
                        .ids
                        .as_ref()
                        .map(|c| c.iter().map(String::as_str).collect())
                ),
                json(kinds),
                after_at,
                after_id,
                filter.limit,
                bbox.map(|b| b.0),
                bbox.map(|b| b.1),
                bbox.map(|b| b.2),
                bbox.map(|b| b.3),
            ],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = staff_view(conn, &id)? {
            out.push(r);
        }
    }
    Ok(out)
}
