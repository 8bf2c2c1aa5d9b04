//! Residents' reports: intake (idempotent by the id the device made, answered
//! only once the report is durable) and the reporter's view of its status,
//! opened with the secret the intake answered.

use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::report::{NewReport, ReportCategory, ReportReceipt, ReporterView};
use beffroi_domain::{Cursor, sync::MAX_PAGE_LIMIT};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::store::Submitted;

/// The reporter's secret for a report: an HMAC of its id under the server's
/// report key, so a repeated submission gets the same answer without the
/// secret being stored.
fn secret(state: &AppState, id: &str) -> Result<String, ApiError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.keys.report_key())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    mac.update(id.as_bytes());
    Ok(mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The categories residents can report in, with their extra questions.
#[utoipa::path(get, path = "/report-categories", tag = "reports",
    responses((status = 200, body = Vec<ReportCategory>)))]
pub async fn categories(State(state): State<AppState>) -> JsonResponse<Vec<ReportCategory>> {
    JsonResponse(state.settings.report_categories.clone())
}

/// Files a report. Sending the same report again (same id, same content)
/// answers the same receipt and stores nothing more; the answer comes only
/// once the report is on disk.
#[utoipa::path(post, path = "/reports", tag = "reports", request_body = NewReport,
    responses(
        (status = 201, body = ReportReceipt, description = "stored"),
        (status = 200, body = ReportReceipt, description = "already stored: the same receipt"),
        (status = 409, body = ErrorBody, description = "another report has this id"),
        (status = 422, body = ErrorBody),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    Json(report): Json<NewReport>,
) -> Result<(StatusCode, JsonResponse<ReportReceipt>), ApiError> {
    report
        .validate(&state.settings.report_categories)
        .map_err(|e| ApiError::Unprocessable("invalid_report", e.to_string()))?;
    if let Some(code) = &report.commune {
        let communes = state
            .store
            .communes_since(Cursor::START, MAX_PAGE_LIMIT)
            .await?;
        if !communes.items.iter().any(|c| &c.code == code) {
            return Err(ApiError::Unprocessable(
                "invalid_report",
                format!("commune {code} is not part of the territory"),
            ));
        }
    }
    let json = serde_json::to_vec(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
    let digest: String = Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let id = report.id.clone();
    let (status, received_at) = match state.store.submit_report(report, digest).await? {
        Submitted::New { received_at } => (StatusCode::CREATED, received_at),
        Submitted::Again { received_at } => (StatusCode::OK, received_at),
        Submitted::Clash => {
            return Err(ApiError::Conflict(
                "id_taken",
                format!("another report already has the id {id}: make a new id"),
            ));
        }
    };
    Ok((
        status,
        JsonResponse(ReportReceipt {
            secret: secret(&state, &id)?,
            id,
            received_at,
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SecretQuery {
    /// The secret the submission answered.
    pub secret: String,
}

/// A report and its status history, for its reporter.
#[utoipa::path(get, path = "/reports/{id}", tag = "reports", params(("id" = String, Path), SecretQuery),
    responses((status = 200, body = ReporterView),
        (status = 404, body = ErrorBody, description = "no such report, or a wrong secret")))]
pub async fn for_reporter(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<SecretQuery>,
) -> Result<JsonResponse<ReporterView>, ApiError> {
    // A wrong secret and an unknown id answer the same.
    let missing = || ApiError::NotFound(format!("no report {id:?} with this secret"));
    let expected = secret(&state, &id)?;
    let same = expected.len() == q.secret.len()
        && expected
            .bytes()
            .zip(q.secret.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(missing());
    }
    let view = state
        .store
        .report_for_reporter(id.clone())
        .await?
        .ok_or_else(missing)?;
    Ok(JsonResponse(view))
}
