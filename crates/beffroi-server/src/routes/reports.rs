//! Residents' reports: intake (idempotent by the id the device made, answered
//! only once the report is durable) and the reporter's view of its status,
//! opened with the secret the intake answered.

use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::l10n::Localize;
use beffroi_domain::msg;
use beffroi_domain::report::{
    NewReport, ReportCategory, ReportReceipt, ReporterView, StaffReport, StatusKind, StatusUpdate,
};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AnyStaff, Authorized, Json, Query};
use crate::limits::{self, Peer};
use crate::photos;
use crate::service::reports::{self as service, photo_error, storage_error};
use crate::store::ReportFilter;

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
    use axum::extract::{FromRequest, FromRequestParts};
    // A signed-in staff member (a field agent's one-tap report, `Bearer`) is
    // named as its filer; a bad or expired sign-in is refused rather than
    // taken for a resident's report. Agents file many: the per-address limit
    // is for anonymous reports (another scheme, e.g. a proxy's Basic, is no
    // sign-in here).
    let (mut parts, body) = request.into_parts();
    let bearer = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| h.starts_with("Bearer "));
    let filer = if bearer {
        match crate::extract::Authorized::<crate::extract::AnyStaff>::from_request_parts(
            &mut parts, &state,
        )
        .await
        {
            Ok(who) => {
                let name = who.staff.username.to_string();
                if state.staff_report_limiter.check_key(&name).is_err() {
                    return Err(ApiError::TooManyRequests(msg!(
                        "err-too-many",
                        what = "report"
                    )));
                }
                Some(name)
            }
            Err(refused) => {
                // A guessed or stale token counts like any anonymous try.
                limits::check(&state.report_limiter, &peer, "report")?;
                return Err(refused);
            }
        }
    } else {
        None
    };
    let request = axum::extract::Request::from_parts(parts, body);
    if filer.is_none() {
        limits::check(&state.report_limiter, &peer, "report")?;
    }
    refuse_other_sites(&state, request.headers())?;
    let multipart = crate::extract::media_type(request.headers()) == "multipart/form-data";
    if multipart {
        // Photos go to disk as they arrive; still, receiving them is bounded,
        // overall and per address.
        let _upload = upload_slot(&state, &peer)?;
        let form = axum::extract::Multipart::from_request(request, &state)
            .await
            .map_err(|e| {
                ApiError::BadRequest("invalid_form", msg!("err-form", detail = e.body_text()))
            })?;
        let (mut report, staged) = read_form(&state, form).await?;
        report.filed_by = filer;
        return Ok(answer(service::submit(&state, report, staged).await?));
    }
    // Without photos, the usual JSON limit (the route's own is for photos).
    let (parts, body) = request.into_parts();
    let limit = state.settings.max_body_bytes;
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge(msg!("err-report-too-large", max = limit / 1024)))?;
    let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
    let Json(mut report) = Json::<NewReport>::from_request(request, &state).await?;
    report.filed_by = filer;
    Ok(answer(service::submit(&state, report, None).await?))
}

/// `201` with the receipt, or `200` for a repeat.
fn answer(received: service::Received) -> (StatusCode, JsonResponse<ReportReceipt>) {
    let status = if received.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, JsonResponse(received.receipt))
}

/// A browser posts a form (multipart is a CORS-simple request) to any site
/// a page tells it to, naming the page's site in `Origin`: reports come from
/// the town hall's own pages or from apps (which send no `Origin`), never
/// from another website making its visitors file them.
fn refuse_other_sites(state: &AppState, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(axum::http::header::ORIGIN) else {
        return Ok(());
    };
    let ours = crate::public_url(state, headers);
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let origin = origin.to_str().unwrap_or_default();
    let same = origin == ours
        || (!host.is_empty()
            && (origin == format!("http://{host}") || origin == format!("https://{host}")));
    if same {
        Ok(())
    } else {
        Err(ApiError::Forbidden(msg!(
            "err-foreign-origin",
            origin = origin
        )))
    }
}

/// A place among the uploads being received, or a 503 when there are many
/// already (overall, or from this address).
fn upload_slot(
    state: &AppState,
    peer: &Peer,
) -> Result<(tokio::sync::OwnedSemaphorePermit, Option<crate::conn::Slot>), ApiError> {
    let busy = || ApiError::Busy(msg!("err-busy-photos"));
    let mine = match peer.0 {
        Some(ip) => Some(state.uploads_per_address.admit(ip).ok_or_else(busy)?),
        None => None,
    };
    let overall = state
        .uploads
        .clone()
        .try_acquire_owned()
        .map_err(|_| busy())?;
    Ok((overall, mine))
}

/// How much of a photo being received is gathered before it is written.
const WRITE_BATCH: usize = 1024 * 1024;
/// The most of one submission's photos held in memory rather than written
/// to disk while they arrive (64 submissions at once: 128 MiB at most).
const IN_MEMORY: usize = 2 * 1024 * 1024;

/// The `report` part (JSON) and the `photo` parts of a multipart submission;
/// each photo goes to a staged set as it arrives (held while the
/// submission's are small, else written to disk), at most
/// [`photos::MAX_PHOTO_BYTES`] each.
async fn read_form(
    state: &AppState,
    mut form: axum::extract::Multipart,
) -> Result<(NewReport, Option<(photos::Staged, usize)>), ApiError> {
    use tokio::io::AsyncWriteExt;
    let bad = |m: String| ApiError::BadRequest("invalid_form", msg!("err-form", detail = m));
    let io = |e: std::io::Error| storage_error(photos::PhotoError::Io(e));
    let mut report = None;
    let mut staged: Option<photos::Staged> = None;
    let mut count = 0;
    // Bytes of this submission's photos held in memory.
    let mut held = 0;
    while let Some(mut field) = form.next_field().await.map_err(|e| bad(e.body_text()))? {
        match field.name().unwrap_or_default() {
            "report" => {
                let mut json = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| bad(e.body_text()))? {
                    json.extend_from_slice(&chunk);
                    if json.len() > state.settings.max_body_bytes {
                        return Err(ApiError::PayloadTooLarge(msg!(
                            "err-report-part-too-large",
                            max = state.settings.max_body_bytes / 1024
                        )));
                    }
                }
                report = Some(serde_json::from_slice::<NewReport>(&json).map_err(|e| {
                    ApiError::Unprocessable(
                        "invalid_report",
                        msg!("err-invalid-report-json", detail = e.to_string()),
                    )
                })?);
            }
            "photo" => {
                if count == photos::MAX_PHOTOS {
                    return Err(ApiError::Unprocessable(
                        "invalid_photo",
                        photos::PhotoError::TooMany.msg(),
                    ));
                }
                count += 1;
                let set = match &mut staged {
                    Some(set) => set,
                    None => staged.insert(photos::Staged::new(&state.settings.data_dir)),
                };
                // Held in memory while the submission's photos stay small
                // (what devices send); beyond, written to disk a MiB at a
                // time (each write is a trip to a blocking thread).
                let mut size = 0;
                let mut pending: Vec<u8> = Vec::new();
                let mut file: Option<tokio::fs::File> = None;
                while let Some(chunk) = field.chunk().await.map_err(|e| bad(e.body_text()))? {
                    size += chunk.len();
                    if size > photos::MAX_PHOTO_BYTES {
                        return Err(photo_error(photos::PhotoError::TooLarge(count)));
                    }
                    pending.extend_from_slice(&chunk);
                    if file.is_none() && held + pending.len() > IN_MEMORY {
                        tokio::fs::create_dir_all(set.path()).await.map_err(io)?;
                        file = Some(
                            tokio::fs::File::create(set.raw_path(count))
                                .await
                                .map_err(io)?,
                        );
                    }
                    if let Some(f) = &mut file
                        && pending.len() >= WRITE_BATCH
                    {
                        f.write_all(&pending).await.map_err(io)?;
                        pending.clear();
                    }
                }
                match &mut file {
                    Some(f) => {
                        f.write_all(&pending).await.map_err(io)?;
                        f.flush().await.map_err(io)?;
                    }
                    None => {
                        held += pending.len();
                        set.hold(count, pending.into());
                    }
                }
            }
            other => {
                return Err(ApiError::BadRequest(
                    "invalid_form",
                    msg!("err-form-part", part = other),
                ));
            }
        }
    }
    let report =
        report.ok_or_else(|| ApiError::BadRequest("invalid_form", msg!("err-form-no-report")))?;
    Ok((report, staged.map(|s| (s, count))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SecretQuery {
    /// The secret the submission answered.
    pub secret: String,
}

/// How near an open report must be to be shown to a resident about to file
/// one of the same category ("already reported — follow it").
pub const NEARBY_M: f64 = 50.0;

#[derive(Debug, Deserialize, IntoParams)]
pub struct NearbyQuery {
    /// The category the resident is about to report.
    pub category: String,
    pub lat: f64,
    pub lon: f64,
}

/// The open reports of a category within 50 m of a point, the newest first
/// (at most 5): a resident about to file the same can follow one instead.
/// Only the categories the town hall publishes (a private category answers
/// an empty list); anonymous reads are limited per address, as Open311's.
#[utoipa::path(get, path = "/reports/nearby", tag = "reports", params(NearbyQuery),
    responses((status = 200, body = Vec<beffroi_domain::report::NearbyReport>), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn nearby(
    State(state): State<AppState>,
    peer: Peer,
    Query(q): Query<NearbyQuery>,
) -> Result<JsonResponse<Vec<beffroi_domain::report::NearbyReport>>, ApiError> {
    limits::check(&state.read_limiter, &peer, "read")?;
    let at = beffroi_domain::place::Position {
        lat: q.lat,
        lon: q.lon,
    }
    .check()
    .map_err(|e| ApiError::BadRequest("invalid_query", e.msg()))?;
    let public = state
        .settings
        .report_categories
        .iter()
        .any(|c| c.public && c.id == q.category);
    if !public {
        return Ok(JsonResponse(vec![]));
    }
    let filter = ReportFilter {
        category: Some(q.category),
        kind: Some(beffroi_domain::report::StatusKind::Open),
        near: Some((at, NEARBY_M)),
        limit: 50,
        ..ReportFilter::default()
    };
    let found = state.store.list_reports(filter).await?;
    Ok(JsonResponse(
        found
            .into_iter()
            .filter(|r| {
                r.report
                    .location
                    .position
                    .is_some_and(|p| p.distance_m(at) <= NEARBY_M)
            })
            .take(5)
            .map(|r| beffroi_domain::report::NearbyReport {
                id: r.report.id,
                category: r.report.category,
                description: r.report.description,
                status: r.status,
                received_at: r.received_at,
            })
            .collect(),
    ))
}

/// A report of a category the town hall publishes, as anyone following it
/// sees it: its description, commune and status history with the town
/// hall's public messages; no position, address or contact. (A resident
/// about to file the same report follows this one instead.) Unknown and
/// private reports answer the same 404; reads are limited per address.
#[utoipa::path(get, path = "/reports/{id}/public", tag = "reports", params(("id" = String, Path)),
    responses((status = 200, body = ReporterView), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn public_view(
    State(state): State<AppState>,
    peer: Peer,
    Path(id): Path<String>,
) -> Result<JsonResponse<ReporterView>, ApiError> {
    limits::check(&state.read_limiter, &peer, "read")?;
    let missing = || ApiError::NotFound(msg!("err-no-report", id = &id));
    let mut view = state
        .store
        .report_for_reporter(id.clone())
        .await?
        .ok_or_else(missing)?;
    let public = state
        .settings
        .report_categories
        .iter()
        .any(|c| c.public && c.id == view.category);
    if !public {
        return Err(missing());
    }
    view.location = beffroi_domain::report::ReportLocation {
        position: None,
        address: None,
    };
    Ok(JsonResponse(view))
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
    let missing = || ApiError::NotFound(msg!("err-no-report-secret", id = &id));
    if !service::secret_matches(&state, &id, &q.secret) {
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
    /// The next page: the `beffroi-next-page` header of the previous one.
    pub after: Option<String>,
}

/// The header naming the next page of a full triage page (its last report's
/// reception time and id), to pass back as `after`.
pub const NEXT_PAGE_HEADER: &str = "beffroi-next-page";

pub(crate) fn when(s: Option<&str>, name: &str) -> Result<Option<OffsetDateTime>, ApiError> {
    s.map(|s| {
        OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
            ApiError::BadRequest(
                "invalid_query",
                msg!("err-not-a-time", name = name.to_owned(), value = s),
            )
        })
    })
    .transpose()
}

/// The triage list: filter by commune, category, status, dates; sort; page
/// after page (a full page names the next in `beffroi-next-page`).
#[utoipa::path(get, path = "/admin/reports", tag = "reports", security(("bearer" = [])), params(TriageQuery),
    responses((status = 200, body = Vec<StaffReport>,
            headers(("beffroi-next-page" = String, description = "pass as `after` for the next page"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn triage(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Query(q): Query<TriageQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let after = q
        .after
        .as_deref()
        .map(|a| {
            let (at, id) = a.split_once(' ').unwrap_or((a, ""));
            Ok::<_, ApiError>((
                when(Some(at), "after")?.unwrap_or(OffsetDateTime::UNIX_EPOCH),
                id.to_owned(),
            ))
        })
        .transpose()?;
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let filter = ReportFilter {
        commune: q.commune,
        category: q.category,
        kind: q.status,
        from: when(q.from.as_deref(), "from")?,
        to: when(q.to.as_deref(), "to")?,
        oldest_first: q.sort.as_deref() == Some("oldest"),
        after,
        limit,
        ..ReportFilter::default()
    };
    let page = state.store.list_reports(filter).await?;
    let next = (page.len() == limit as usize)
        .then(|| page.last())
        .flatten()
        .and_then(|r| {
            let at = r.received_at.format(&Rfc3339).ok()?;
            axum::http::HeaderValue::from_str(&format!("{at} {}", r.report.id)).ok()
        });
    let mut response = JsonResponse(page).into_response();
    if let Some(next) = next {
        response.headers_mut().insert(NEXT_PAGE_HEADER, next);
    }
    Ok(response)
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
        .ok_or_else(|| ApiError::NotFound(msg!("err-no-report", id = &id)))
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
    let changed = service::change_status(&state, id, update, who.staff.username.as_str()).await?;
    Ok(JsonResponse(changed))
}

/// The names of a report's photos (staff only).
#[utoipa::path(get, path = "/admin/reports/{id}/photos", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Vec<String>)))]
pub async fn photo_list(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<JsonResponse<Vec<String>>, ApiError> {
    Ok(JsonResponse(state.photos.blobs().photo_names(&id).await?))
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
    let missing = || ApiError::NotFound(msg!("err-no-photo", name = &name, id = &id));
    let media = photos::media_type(&name).ok_or_else(missing)?;
    let bytes = state
        .photos
        .blobs()
        .photo(&id, &name)
        .await?
        .ok_or_else(missing)?;
    Ok(([(axum::http::header::CONTENT_TYPE, media)], bytes).into_response())
}
