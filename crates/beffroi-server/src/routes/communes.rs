use axum::Json;
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
    Query(q): Query<SinceQuery>,
) -> Result<Json<SyncPage<Commune>>, ApiError> {
    let since = Cursor(q.since.unwrap_or(0));
    Ok(Json(
        state
            .store
            .communes_since(since, page_limit(q.limit))
            .await?,
    ))
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
