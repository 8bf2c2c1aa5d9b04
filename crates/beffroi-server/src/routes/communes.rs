use axum::extract::State;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::l10n::Localize;
use beffroi_domain::sync::page_limit;
use beffroi_domain::{Commune, Cursor, InseeCode, SyncPage};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Query;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SinceQuery {
    /// Only changes after this cursor (0 or absent: everything).
    pub since: Option<u64>,
    /// Page size, 1 to 1000 (default 500).
    pub limit: Option<u32>,
}

/// The communes of the territory, as a delta page after a cursor.
#[utoipa::path(get, path = "/communes", tag = "territory", params(SinceQuery),
    responses(
        (status = 200, body = SyncPage<Commune>),
        (status = 400, body = ErrorBody, description = "invalid query"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(q): Query<SinceQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    use sha2::{Digest, Sha256};
    let since = Cursor(q.since.unwrap_or(0));
    let page = state
        .store
        .communes_since(since, page_limit(q.limit))
        .await?;
    // With their outlines the communes weigh tens of kilobytes, and they
    // hardly ever change: a device (a browser, its service worker) that has
    // this page already is told so in a few bytes.
    let body = serde_json::to_vec(&page).map_err(|e| ApiError::Internal(e.to_string()))?;
    let digest = Sha256::digest(&body);
    let etag = format!(
        "\"{}\"",
        digest[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let cache = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, "no-cache".to_owned()),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((
        cache,
        [(header::CONTENT_TYPE, "application/json".to_owned())],
        body,
    )
        .into_response())
}

/// INSEE codes as a query names them: comma-separated, spaces and empty
/// items ignored.
pub fn parse_list(list: &str) -> Result<Vec<InseeCode>, ApiError> {
    list.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<InseeCode>()
                .map_err(|e| ApiError::BadRequest("invalid_query", e.msg()))
        })
        .collect()
}
