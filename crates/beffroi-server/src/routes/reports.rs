//! Residents' reports: intake (idempotent by the id the device made, answered
//! only once the report is durable) and the reporter's view of its status,
//! opened with the secret the intake answered.

use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::report::{
    NewReport, ReportCategory, ReportReceipt, ReporterView, StaffReport, StatusKind, StatusUpdate,
};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AnyStaff, Authorized, Json, Query};
use crate::limits::{self, Peer};
use crate::photos;
use crate::store::{ReportFilter, Submitted};

/// The reporter's secret for a report: an HMAC of its id under the server's
/// report key, so a repeated submission gets the same answer without the
/// secret being stored.
fn secret(state: &AppState, id: &str) -> Result<String, ApiError> {
    Ok(hex(&mac(state, id)?.finalize().into_bytes()))
}

fn mac(state: &AppState, id: &str) -> Result<Hmac<Sha256>, ApiError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(state.keys.report_key())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    mac.update(id.as_bytes());
    Ok(mac)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `secret` is report `id`'s (compared in constant time).
pub(crate) fn secret_matches(state: &AppState, id: &str, secret: &str) -> bool {
    let bytes: Option<Vec<u8>> = (secret.len() == 64)
        .then(|| {
            (0..64)
                .step_by(2)
                .map(|i| u8::from_str_radix(secret.get(i..i + 2)?, 16).ok())
                .collect()
        })
        .flatten();
    match (bytes, mac(state, id)) {
        (Some(bytes), Ok(mac)) => mac.verify_slice(&bytes).is_ok(),
        _ => false,
    }
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
        (status = 429, body = ErrorBody, description = "too many reports from this address"),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    peer: Peer,
    request: axum::extract::Request,
) -> Result<(StatusCode, JsonResponse<ReportReceipt>), ApiError> {
    use axum::extract::FromRequest;
    limits::check(&state.report_limiter, &peer, "reports")?;
    let multipart = crate::extract::media_type(request.headers()) == "multipart/form-data";
    let (report, photos) = if multipart {
        let form = axum::extract::Multipart::from_request(request, &state)
            .await
            .map_err(|e| ApiError::BadRequest("invalid_form", e.body_text()))?;
        read_form(form).await?
    } else {
        // Without photos, the usual JSON limit (the route's own is for photos).
        let (parts, body) = request.into_parts();
        let limit = state.settings.max_body_bytes;
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
            ApiError::PayloadTooLarge(format!(
                "a report without photos is at most {} KiB of JSON",
                limit / 1024
            ))
        })?;
        let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        let Json(report) = Json::<NewReport>::from_request(request, &state).await?;
        (report, Vec::new())
    };
    accept(&state, report, photos).await
}

/// The `report` part (JSON) and the `photo` parts of a multipart submission,
/// each photo checked and stripped of its metadata.
async fn read_form(
    mut form: axum::extract::Multipart,
) -> Result<(NewReport, Vec<photos::CleanPhoto>), ApiError> {
    let bad = |m: String| ApiError::BadRequest("invalid_form", m);
    let mut report = None;
    let mut cleaned = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| bad(e.body_text()))? {
        match field.name().unwrap_or_default() {
            "report" => {
                let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
                report = Some(serde_json::from_slice::<NewReport>(&bytes).map_err(|e| {
                    ApiError::Unprocessable(
                        "invalid_report",
                        format!("the report is not valid: {e}"),
                    )
                })?);
            }
            "photo" => {
                if cleaned.len() == photos::MAX_PHOTOS {
                    return Err(ApiError::Unprocessable(
                        "invalid_photo",
                        photos::PhotoError::TooMany.to_string(),
                    ));
                }
                let bytes = field.bytes().await.map_err(|e| bad(e.body_text()))?;
                let photo = photos::clean(cleaned.len() + 1, bytes).map_err(|e| match e {
                    photos::PhotoError::TooLarge(_) => ApiError::PayloadTooLarge(e.to_string()),
                    photos::PhotoError::NotAnImage(_) => {
                        ApiError::UnsupportedMediaType(e.to_string())
                    }
                    other => ApiError::Unprocessable("invalid_photo", other.to_string()),
                })?;
                cleaned.push(photo);
            }
            other => {
                return Err(bad(format!(
                    "unexpected part {other:?}: send report and photo parts"
                )));
            }
        }
    }
    let report = report.ok_or_else(|| bad("the form has no report part (JSON)".into()))?;
    Ok((report, cleaned))
}

/// Validates, stores (photos first) and answers a submission: the one
/// intake behind `POST /reports` and Open311's `POST requests`.
pub(crate) async fn accept(
    state: &AppState,
    report: NewReport,
    photos: Vec<photos::CleanPhoto>,
) -> Result<(StatusCode, JsonResponse<ReportReceipt>), ApiError> {
    report
        .validate(&state.settings.report_categories)
        .map_err(|e| ApiError::Unprocessable("invalid_report", e.to_string()))?;
    let mut hasher = Sha256::new();
    hasher.update(serde_json::to_vec(&report).map_err(|e| ApiError::Internal(e.to_string()))?);
    for p in &photos {
        hasher.update(Sha256::digest(&p.bytes));
    }
    let digest = hex(&hasher.finalize());
    let id = report.id.clone();
    let report_commune = report.commune.as_ref().map(|c| c.to_string());
    // Photos are on disk (synced) before the report that names them commits;
    // a repeat finds the report and leaves its photos as they are.
    if !photos.is_empty() && crate::photos::list(&state.settings.data_dir, &id).is_empty() {
        let dir = state.settings.data_dir.clone();
        let (pid, list) = (id.clone(), photos);
        tokio::task::spawn_blocking(move || crate::photos::store(&dir, &pid, &list))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    let (status, received_at) = match state.store.submit_report(report, digest).await? {
        Submitted::New { received_at } => (StatusCode::CREATED, received_at),
        Submitted::Again { received_at } => (StatusCode::OK, received_at),
        Submitted::UnknownCommune => {
            return Err(ApiError::Unprocessable(
                "invalid_report",
                format!(
                    "commune {} is not part of the territory",
                    report_commune.unwrap_or_default()
                ),
            ));
        }
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
            secret: secret(state, &id)?,
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
    if !secret_matches(&state, &id, &q.secret) {
        return Err(missing());
    }
    let view = state
        .store
        .report_for_reporter(id.clone())
        .await?
        .ok_or_else(missing)?;
    Ok(JsonResponse(view))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TriageQuery {
    /// Only this commune (INSEE code).
    pub commune: Option<String>,
    /// Only this category id.
    pub category: Option<String>,
    /// Only this kind of status: open, fixed or closed.
    pub status: Option<StatusKind>,
    /// Received at or after (RFC 3339).
    pub from: Option<String>,
    /// Received before (RFC 3339).
    pub to: Option<String>,
    /// `oldest` for the oldest first; the newest first otherwise.
    pub sort: Option<String>,
    /// At most this many (default 200, at most 1000).
    pub limit: Option<u32>,
}

fn when(s: Option<&str>, name: &str) -> Result<Option<OffsetDateTime>, ApiError> {
    s.map(|s| {
        OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
            ApiError::BadRequest(
                "invalid_query",
                format!("{name} {s:?} is not an RFC 3339 time, e.g. 2026-11-23T00:00:00+01:00"),
            )
        })
    })
    .transpose()
}

/// The triage list: filter by commune, category, status, dates; sort.
#[utoipa::path(get, path = "/admin/reports", tag = "reports", security(("bearer" = [])), params(TriageQuery),
    responses((status = 200, body = Vec<StaffReport>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn triage(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Query(q): Query<TriageQuery>,
) -> Result<JsonResponse<Vec<StaffReport>>, ApiError> {
    let filter = ReportFilter {
        commune: q.commune,
        category: q.category,
        kind: q.status,
        from: when(q.from.as_deref(), "from")?,
        to: when(q.to.as_deref(), "to")?,
        oldest_first: q.sort.as_deref() == Some("oldest"),
        limit: q.limit.unwrap_or(200).clamp(1, 1000),
    };
    Ok(JsonResponse(state.store.list_reports(filter).await?))
}

/// One report, with its contact details.
#[utoipa::path(get, path = "/admin/reports/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = StaffReport), (status = 404, body = ErrorBody)))]
pub async fn staff_get(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<JsonResponse<StaffReport>, ApiError> {
    state
        .store
        .staff_report(id.clone())
        .await?
        .map(JsonResponse)
        .ok_or_else(|| ApiError::NotFound(format!("no report {id:?}")))
}

/// Changes a report's status, with a public message to its reporter; a
/// duplicate names the report it duplicates.
#[utoipa::path(post, path = "/admin/reports/{id}/status", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = StatusUpdate,
    responses((status = 200, body = StaffReport), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "a duplicate of an unknown report")))]
pub async fn change_status(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    Path(id): Path<String>,
    Json(update): Json<StatusUpdate>,
) -> Result<JsonResponse<StaffReport>, ApiError> {
    if update
        .message
        .as_ref()
        .is_some_and(|m| m.chars().count() > 2000)
    {
        return Err(ApiError::Unprocessable(
            "invalid_status",
            "the message is too long: at most 2,000 characters".into(),
        ));
    }
    let changed = state
        .store
        .change_report_status(id.clone(), update, who.staff.username.to_string())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no report {id:?}")))?;
    tracing::info!(staff = %who.staff.username, report = %id, kind = ?changed.kind, "report status changed");
    state.hub.announce_report(&id);
    Ok(JsonResponse(changed))
}

/// The names of a report's photos (staff only).
#[utoipa::path(get, path = "/admin/reports/{id}/photos", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Vec<String>)))]
pub async fn photo_list(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> JsonResponse<Vec<String>> {
    JsonResponse(photos::list(&state.settings.data_dir, &id))
}

/// One photo of a report (staff only; residents never fetch photos).
#[utoipa::path(get, path = "/admin/reports/{id}/photos/{name}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path), ("name" = String, Path)),
    responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn photo(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Path((id, name)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let (bytes, media) = photos::read(&state.settings.data_dir, &id, &name)
        .ok_or_else(|| ApiError::NotFound(format!("no photo {name:?} for report {id:?}")))?;
    Ok(([(axum::http::header::CONTENT_TYPE, media)], bytes).into_response())
}
