//! Reports in SQLite: one transaction per submission, committed (with the
//! store's `synchronous=FULL`) before the answer is sent.

use beffroi_domain::report::{NewReport, ReportStatus, ReporterView, StatusChange};
use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::{StoreError, Submitted};

fn time_of(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| StoreError::Corrupt(format!("time {s:?}: {e}")))
}

pub(super) fn submit(
    conn: &mut Connection,
    report: &NewReport,
    digest: &str,
) -> Result<Submitted, StoreError> {
    let tx = conn.transaction()?;
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
    let now = OffsetDateTime::now_utc();
    let at = now
        .format(&Rfc3339)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let data = serde_json::to_string(report).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let status = serde_json::to_string(&ReportStatus::Received)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO reports (id, digest, data, category, commune, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            report.id,
            digest,
            data,
            report.category,
            report.commune.as_ref().map(|c| c.as_str()),
            at
        ],
    )?;
    tx.execute(
        "INSERT INTO report_status (report_id, at, status) VALUES (?1, ?2, ?3)",
        params![report.id, at, status],
    )?;
    tx.commit()?;
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
    let report: NewReport = serde_json::from_str(&data)
        .map_err(|e| StoreError::Corrupt(format!("report {id}: {e}")))?;
    let mut stmt = conn.prepare_cached(
        "SELECT at, status, message FROM report_status WHERE report_id = ?1 ORDER BY id",
    )?;
    let history = stmt
        .query_map([id], |r| {
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
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some(ReporterView {
        id: report.id,
        category: report.category,
        description: report.description,
        location: report.location,
        commune: report.commune,
        history,
    }))
}
