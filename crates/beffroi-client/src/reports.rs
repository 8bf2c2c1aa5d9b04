//! The reports outbox: a report is stored on the device first (durably), then
//! sent whenever the server is reachable; the server's answer (its secret) lets
//! the device follow the report's status.

use beffroi_domain::report::{NewReport, ReporterView};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum OutboxState {
    /// On the device, waiting for the server.
    Queued,
    /// Being sent now (or a send a crash cut short: it is sent again).
    Sending,
    /// Received by the town hall.
    Sent,
    /// Refused by the server (the reason says why); not sent again.
    Failed,
}

/// A report filed on this device and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FiledReport {
    pub report: NewReport,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Photos attached (prepared on the device, sent with the report).
    pub photos: u32,
    /// When a report the server could not take is tried again.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub queued_at: OffsetDateTime,
    /// The town hall's view: the status history, once sent and fetched.
    pub view: Option<ReporterView>,
}

impl OutboxState {
    /// As an outbox table keeps it.
    pub(crate) fn from_db(state: &str) -> Self {
        match state {
            "queued" => OutboxState::Queued,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            _ => OutboxState::Failed,
        }
    }
}

/// When a request that failed `attempts` times is tried again: not before
/// 5 s × 2^(attempts − 1), at most 15 min (RFC 3339).
pub(crate) fn next_attempt(attempts: u32) -> Result<String, StoreError> {
    let delay = (5u64 << attempts.saturating_sub(1).min(8)).min(15 * 60);
    (OffsetDateTime::now_utc() + std::time::Duration::from_secs(delay))
        .format(&Rfc3339)
        .map_err(corrupt)
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn now() -> Result<String, StoreError> {
    OffsetDateTime::now_utc().format(&Rfc3339).map_err(corrupt)
}

impl Store {
    /// Writes a report to the outbox (committed with `synchronous=FULL`);
    /// its `photos` are already on disk.
    pub fn queue_report(&self, report: &NewReport, photos: u32) -> Result<(), StoreError> {
        let json = serde_json::to_string(report).map_err(corrupt)?;
        self.conn().execute(
            "INSERT INTO outbox (id, report, state, queued_at, photos)
             VALUES (?1, ?2, 'queued', ?3, ?4)
             ON CONFLICT (id) DO NOTHING",
            params![report.id, json, now()?, photos],
        )?;
        Ok(())
    }

    /// Reports due to be sent (queued, or cut short while sending, and past
    /// their backoff), oldest first, with their number of photos.
    pub fn queued_reports(&self) -> Result<Vec<(NewReport, u32)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT report, photos FROM outbox WHERE state IN ('queued', 'sending')
               AND (next_attempt_at IS NULL OR next_attempt_at <= ?1)
             ORDER BY queued_at, id",
        )?;
        let rows = stmt.query_map([now()?], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        rows.map(|r| {
            let (report, photos) = r?;
            Ok((serde_json::from_str(&report).map_err(corrupt)?, photos))
        })
        .collect()
    }

    /// How many photos report `id` carries; `None` when it was not filed here.
    pub fn filed_photo_count(&self, id: &str) -> Result<Option<u32>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT photos FROM outbox WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Marks a report as being sent (committed before the request leaves).
    pub fn report_sending(&self, id: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET state = 'sending' WHERE id = ?1 AND state IN ('queued', 'sending')",
            [id],
        )?;
        Ok(())
    }

    /// Records a send attempt's outcome.
    pub fn report_sent(&self, id: &str, secret: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET state = 'sent', secret = ?2, sent_at = ?3, attempts = attempts + 1,
                    last_error = NULL, next_attempt_at = NULL WHERE id = ?1",
            params![id, secret, now()?],
        )?;
        Ok(())
    }

    pub fn report_refused(&self, id: &str, reason: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, reason],
        )?;
        Ok(())
    }

    /// A failed attempt that will be retried (the server was unreachable or
    /// busy): back in the queue, not before 5 s × 2^(attempts − 1), at most 15 min.
    pub fn report_retry(&self, id: &str, reason: &str) -> Result<(), StoreError> {
        let conn = self.conn();
        let attempts: u32 = conn.query_row(
            "UPDATE outbox SET state = 'queued', attempts = attempts + 1, last_error = ?2
             WHERE id = ?1 RETURNING attempts",
            params![id, reason],
            |r| r.get(0),
        )?;
        let next = next_attempt(attempts)?;
        conn.execute(
            "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1",
            params![id, next],
        )?;
        Ok(())
    }

    /// (id, secret) of the reports sent, to fetch their status.
    pub fn sent_reports(&self) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, secret FROM outbox WHERE state = 'sent' AND secret IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Follows a report filed by someone else (its public view), or keeps
    /// its newer view when already followed.
    pub fn follow_public_report(&self, view: &ReporterView) -> Result<(), StoreError> {
        let json = serde_json::to_string(view).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn().execute(
            "INSERT INTO followed_reports (id, view, followed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET view = excluded.view",
            params![view.id, json, now],
        )?;
        Ok(())
    }

    /// The reports filed by others that this device follows, the most
    /// recently followed first.
    pub fn public_reports_followed(&self) -> Result<Vec<ReporterView>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT id, view FROM followed_reports ORDER BY followed_at DESC")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (id, view) = row?;
            serde_json::from_str(&view)
                .map_err(|e| StoreError::Corrupt(format!("followed report {id}: {e}")))
        })
        .collect()
    }

    /// (id, secret) of the reports whose status may still change (sent, not
    /// fixed or closed), the most recent 200: those the live stream follows.
    pub fn followed_reports(&self) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, secret, view FROM outbox WHERE state = 'sent' AND secret IS NOT NULL
             ORDER BY queued_at DESC LIMIT 400",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut followed = Vec::new();
        for row in rows {
            let (id, secret, view) = row?;
            let open = view
                .and_then(|v| serde_json::from_str::<ReporterView>(&v).ok())
                .and_then(|v| v.history.last().map(|h| h.status.kind()))
                .is_none_or(|k| k == beffroi_domain::report::StatusKind::Open);
            if open && followed.len() < 200 {
                followed.push((id, secret));
            }
        }
        Ok(followed)
    }

    /// Stores the town hall's view; returns whether the history grew.
    pub fn report_view(&self, id: &str, view: &ReporterView) -> Result<bool, StoreError> {
        let conn = self.conn();
        let old: Option<Option<String>> = conn
            .query_row("SELECT view FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let before = old
            .flatten()
            .and_then(|v| serde_json::from_str::<ReporterView>(&v).ok())
            .map_or(0, |v| v.history.len());
        let json = serde_json::to_string(view).map_err(corrupt)?;
        conn.execute(
            "UPDATE outbox SET view = ?2 WHERE id = ?1",
            params![id, json],
        )?;
        Ok(view.history.len() > before)
    }

    /// Every report filed here, the newest first.
    pub fn filed_reports(&self) -> Result<Vec<FiledReport>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT report, state, attempts, last_error, queued_at, view, photos, next_attempt_at
             FROM outbox
             ORDER BY queued_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        rows.map(|row| {
            let (report, state, attempts, last_error, queued_at, view, photos, next) = row?;
            Ok(FiledReport {
                report: serde_json::from_str(&report).map_err(corrupt)?,
                state: OutboxState::from_db(&state),
                attempts,
                last_error,
                photos,
                next_attempt_at: next
                    .map(|n| OffsetDateTime::parse(&n, &Rfc3339).map_err(corrupt))
                    .transpose()?,
                queued_at: OffsetDateTime::parse(&queued_at, &Rfc3339).map_err(corrupt)?,
                view: view
                    .map(|v| serde_json::from_str(&v).map_err(corrupt))
                    .transpose()?,
            })
        })
        .collect()
    }
}
