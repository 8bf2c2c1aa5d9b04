//! The advice pages: a public delta feed for residents' devices (the
//! Markdown, rendered on the device), the pages rendered for the web app,
//! each page's history, and staff routes to write them (publishers: they
//! speak for the town hall). Each page also has a public HTML page,
//! `/advice/{id}` (see `pages.rs`), which is the link an alert gives.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use beffroi_domain::advice::{self, Advice, AdviceDraft, AdvicePage, AdviceVersion};
use beffroi_domain::api::ErrorBody;
use beffroi_domain::sync::page_limit;
use beffroi_domain::{Cursor, Lang, SyncPage, msg};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AnyStaff, Authorized, Json, Publisher, Query};
use crate::limits::{self, Peer};
use crate::routes::communes::SinceQuery;
use crate::routes::measures::VersionQuery;
use crate::service::advice as service;

/// Changes to the advice pages after a cursor: each changed page's latest
/// version (its Markdown, which devices render themselves), then the
/// withdrawn ones' ids.
#[utoipa::path(get, path = "/advice", tag = "advice", params(SinceQuery),
    responses((status = 200, body = SyncPage<Advice>), (status = 400, body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    Query(q): Query<SinceQuery>,
) -> Result<JsonResponse<SyncPage<Advice>>, ApiError> {
    let page = state
        .store
        .advice_since(Cursor(q.since.unwrap_or(0)), page_limit(q.limit))
        .await?;
    Ok(JsonResponse(page))
}

/// How long the kept pages are served before the store is read again (a
/// change made here is seen at once; one made on another server sharing the
/// store as soon as its news arrives, see `AppState::announce`, else within
/// this time).
const FRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// The pages as last read and, per language, as rendered: a crowd of web
/// pages reading them at once costs one store read and one rendering.
#[derive(Debug, Default)]
pub struct Kept {
    all: Arc<Vec<Advice>>,
    rendered: HashMap<Lang, Arc<Vec<AdvicePage>>>,
    read: Option<std::time::Instant>,
}

impl Kept {
    /// Makes the next read go to the store (a page was written here).
    pub fn forget(&mut self) {
        self.read = None;
    }
}

/// Every page not withdrawn, rendered for a reader of `lang` (the latest
/// changed first), read at most every [`FRESH`].
pub async fn rendered(state: &AppState, lang: Lang) -> Result<Arc<Vec<AdvicePage>>, ApiError> {
    let mut k = state.advice.lock().await;
    if k.read.is_none_or(|t| t.elapsed() >= FRESH) {
        k.all = Arc::new(state.store.advice().await?);
        k.rendered.clear();
        k.read = Some(std::time::Instant::now());
    }
    if let Some(pages) = k.rendered.get(&lang) {
        return Ok(pages.clone());
    }
    let all = k.all.clone();
    // Rendering is CPU work (at most a few pages of 20,000 characters).
    let pages = tokio::task::spawn_blocking(move || advice::pages_for(&all, &[], lang))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let pages = Arc::new(pages);
    k.rendered.insert(lang, pages.clone());
    Ok(pages)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PagesQuery {
    /// INSEE codes, comma-separated: the territory's pages and theirs (none:
    /// every page).
    communes: Option<String>,
}

/// The advice pages for some communes, in the reader's language (else
/// French), each body as safe HTML: what the web app shows and keeps for
/// offline reading (the desktop app renders its synced copy with the same code).
#[utoipa::path(get, path = "/advice/pages", tag = "advice", params(PagesQuery),
    responses((status = 200, body = Vec<AdvicePage>), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn pages(
    State(state): State<AppState>,
    peer: Peer,
    Query(q): Query<PagesQuery>,
) -> Result<JsonResponse<Vec<AdvicePage>>, ApiError> {
    limits::check(&state.threads_limiter, &peer, "read")?;
    let codes = match q.communes.as_deref() {
        Some(list) => super::communes::parse_list(list)?,
        None => Vec::new(),
    };
    if codes.len() > beffroi_domain::push::MAX_COMMUNES {
        return Err(ApiError::BadRequest(
            "invalid_query",
            msg!(
                "err-communes-count",
                max = beffroi_domain::push::MAX_COMMUNES
            ),
        ));
    }
    let all = rendered(&state, crate::l10n::current()).await?;
    Ok(JsonResponse(
        all.iter()
            .filter(|p| {
                p.territory || codes.is_empty() || p.communes.iter().any(|c| codes.contains(c))
            })
            .cloned()
            .collect(),
    ))
}

/// Every version of a page, oldest first; the last one says whether it was
/// withdrawn. Staff only: a page withdrawn because it said too much is gone
/// from every public read.
#[utoipa::path(get, path = "/admin/advice/{id}/history", tag = "advice", security(("bearer" = [])),
    params(("id" = String, Path, description = "page id")),
    responses((status = 200, body = Vec<AdviceVersion>), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<JsonResponse<Vec<AdviceVersion>>, ApiError> {
    let versions = state.store.advice_history(id.clone()).await?;
    if versions.is_empty() {
        return Err(ApiError::NotFound(msg!("err-no-advice", id = &id)));
    }
    Ok(JsonResponse(versions))
}

/// A new page: its identifier (in its link, `/advice/{id}`) and content.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAdvice {
    /// Lowercase letters, digits and dashes (`plan-familial`).
    pub id: String,
    #[serde(flatten)]
    pub draft: AdviceDraft,
}

/// Adds a page.
#[utoipa::path(post, path = "/admin/advice", tag = "advice", request_body = NewAdvice, security(("bearer" = [])),
    responses((status = 201, body = Advice), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Json(new): Json<NewAdvice>,
) -> Result<(StatusCode, JsonResponse<Advice>), ApiError> {
    let page = service::write(
        &state,
        new.id,
        None,
        Some(new.draft),
        who.staff.username.as_str(),
    )
    .await?;
    Ok((StatusCode::CREATED, JsonResponse(page)))
}

/// Changes a page: its next version.
#[utoipa::path(put, path = "/admin/advice/{id}", tag = "advice", request_body = AdviceDraft, security(("bearer" = [])),
    params(("id" = String, Path, description = "page id"), VersionQuery),
    responses((status = 200, body = Advice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
    Json(draft): Json<AdviceDraft>,
) -> Result<JsonResponse<Advice>, ApiError> {
    let page = service::write(
        &state,
        id,
        Some(q.version),
        Some(draft),
        who.staff.username.as_str(),
    )
    .await?;
    Ok(JsonResponse(page))
}

/// Withdraws a page: devices drop it at their next sync, its history stays.
#[utoipa::path(delete, path = "/admin/advice/{id}", tag = "advice", security(("bearer" = [])),
    params(("id" = String, Path, description = "page id"), VersionQuery),
    responses((status = 200, body = Advice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<JsonResponse<Advice>, ApiError> {
    let page = service::write(
        &state,
        id,
        Some(q.version),
        None,
        who.staff.username.as_str(),
    )
    .await?;
    Ok(JsonResponse(page))
}

/// Markdown to show as residents will see it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Preview {
    pub body: String,
}

/// Markdown rendered as it will be.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rendered {
    /// Safe HTML (see the domain's `advice::render`).
    pub html: String,
}

/// Renders a page's Markdown as residents will see it (the console's preview).
#[utoipa::path(post, path = "/admin/advice-preview", tag = "advice", request_body = Preview, security(("bearer" = [])),
    responses((status = 200, body = Rendered), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    _who: Authorized<Publisher>,
    Json(p): Json<Preview>,
) -> Result<JsonResponse<Rendered>, ApiError> {
    let len = p.body.chars().count();
    if len > advice::MAX_ADVICE_BODY {
        return Err(ApiError::invalid(
            "invalid_advice",
            &advice::AdviceError::BodyTooLong {
                lang: crate::l10n::current(),
                len,
                max: advice::MAX_ADVICE_BODY,
            },
        ));
    }
    let html = tokio::task::spawn_blocking(move || advice::render(&p.body))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(JsonResponse(Rendered { html }))
}
