//! What every backend decides the same way, whatever its SQL: an alert's
//! state as read, which publications apply, what an upsert of a place does,
//! and how a report list filters.

use beffroi_domain::alert::{AlertDraft, AlertState, Severity};
use beffroi_domain::msg;
use beffroi_domain::place::{Place, Source, Writer};
use beffroi_domain::report::{
    NewReport, ReportStatus, ReporterView, StaffReport, StatusChange, StatusKind,
};
use time::OffsetDateTime;

use crate::{Expect, ReportFilter, StoreError};

/// An alert's state from its stored tag (`draft`, `published`, `cancelled`)
/// and content, at `now` (a published alert past its expiry is expired).
pub fn alert_state(
    stored: &str,
    draft: &AlertDraft,
    now: OffsetDateTime,
) -> Result<AlertState, StoreError> {
    Ok(match stored {
        "draft" => AlertState::Draft,
        "cancelled" => AlertState::Cancelled,
        "published" if draft.expires.is_some_and(|e| e <= now) => AlertState::Expired,
        "published" => AlertState::Active,
        other => return Err(StoreError::Corrupt(format!("alert state {other:?}"))),
    })
}

/// Whether a publication expecting `expect` applies to the alert `id` whose
/// stored state is `stored` (`None`: no such alert). `Ok(true)`: the alert
/// is to be created first (a CAP message for a new alert).
pub fn publication_applies(
    expect: Expect,
    stored: Option<&str>,
    id: &str,
) -> Result<bool, StoreError> {
    match (expect, stored) {
        (Expect::New, None) => Ok(true),
        (Expect::Draft, Some("draft")) | (Expect::Published, Some("published")) => Ok(false),
        (_, None) => Err(StoreError::NotFound(msg!("err-no-alert", id = id))),
        (_, Some("draft")) => Err(StoreError::Conflict(msg!("store-alert-not-sent"))),
        (_, Some("cancelled")) => Err(StoreError::Conflict(msg!("store-alert-cancelled"))),
        (_, Some(_)) => Err(StoreError::Conflict(msg!("store-alert-sent"))),
    }
}

/// What writing a place does, given what is stored under its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceWrite {
    /// An import leaves alone a place staff edited or deleted.
    Kept,
    Unchanged,
    Updated,
    Inserted,
}

/// Decides a place's write: `stored` is its JSON and whether it is a
/// tombstone, `data` the new JSON.
pub fn place_write(
    stored: Option<(&str, bool)>,
    data: &str,
    id: &str,
    writer: Writer,
) -> Result<PlaceWrite, StoreError> {
    if writer == Writer::Import
        && let Some((old, deleted)) = stored
    {
        if deleted {
            return Ok(PlaceWrite::Kept);
        }
        let old: Place = serde_json::from_str(old)
            .map_err(|e| StoreError::Corrupt(format!("place {id}: {e}")))?;
        if old.source == Source::Staff {
            return Ok(PlaceWrite::Kept);
        }
    }
    Ok(match stored {
        Some((old, false)) if old == data => PlaceWrite::Unchanged,
        Some((_, false)) => PlaceWrite::Updated,
        _ => PlaceWrite::Inserted,
    })
}

/// A report's kind as stored beside it.
pub fn kind_tag(kind: StatusKind) -> &'static str {
    match kind {
        StatusKind::Open => "open",
        StatusKind::Fixed => "fixed",
        StatusKind::Closed => "closed",
    }
}

/// A severity from its CAP name, as stored.
pub fn severity(stored: &str) -> Result<Severity, StoreError> {
    Severity::from_cap(stored)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown severity {stored:?}")))
}

impl ReportFilter {
    /// The kinds kept (`kind`, else `kinds`), as stored.
    pub fn kind_tags(&self) -> Option<Vec<&'static str>> {
        self.kind
            .map(|k| vec![k])
            .or_else(|| self.kinds.clone())
            .map(|ks| ks.into_iter().map(kind_tag).collect())
    }

    /// The box around `near` (south, north, west, east): a store keeps the
    /// reports inside, its caller those within the distance.
    pub fn bbox(&self) -> Option<(f64, f64, f64, f64)> {
        self.near.map(|(at, metres)| {
            let dlat = metres / 111_320.0;
            let dlon = metres / (111_320.0 * at.lat.to_radians().cos().max(0.01));
            (at.lat - dlat, at.lat + dlat, at.lon - dlon, at.lon + dlon)
        })
    }
}

/// A stored report's JSON, read back.
pub fn report(id: &str, data: &str) -> Result<NewReport, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(format!("report {id}: {e}")))
}

/// A report as staff see it: its status is the last of its history.
pub fn staff_report(
    report: NewReport,
    received_at: OffsetDateTime,
    history: Vec<StatusChange>,
) -> StaffReport {
    let status = history
        .last()
        .map(|h| h.status.clone())
        .unwrap_or(ReportStatus::Received);
    StaffReport {
        kind: status.kind(),
        status,
        report,
        received_at,
        history,
    }
}

/// A report as its reporter sees it: no contact details.
pub fn reporter_view(report: NewReport, history: Vec<StatusChange>) -> ReporterView {
    ReporterView {
        id: report.id,
        category: report.category,
        description: report.description,
        location: report.location,
        commune: report.commune,
        history,
    }
}
