use axum::Json;
use axum::extract::State;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::staff::StaffMember;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AdminOnly, Authorized};

/// The town hall's staff accounts (admins only).
#[utoipa::path(get, path = "/admin/staff", tag = "staff", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<StaffMember>),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Authorized<AdminOnly>,
) -> Result<Json<Vec<StaffMember>>, ApiError> {
    Ok(Json(state.store.list_staff().await?))
}
