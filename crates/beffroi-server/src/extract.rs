//! Extractors: JSON and query parsing with our error shape, and staff
//! authentication with roles, so handlers state what they need in their
//! signature.

use std::marker::PhantomData;

use axum::extract::{FromRef, FromRequest, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use beffroi_domain::Role;
use beffroi_domain::staff::StaffMember;
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::hash_token;
use crate::error::ApiError;

/// `axum::Json` whose rejections are [`ApiError`]s.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

/// `axum::extract::Query` whose rejections are [`ApiError`]s.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// A query's `commune` parameter: an INSEE code, or a 400 saying why not.
pub fn commune_param(commune: Option<&str>) -> Result<Option<beffroi_domain::InseeCode>, ApiError> {
    use beffroi_domain::l10n::Localize;
    commune
        .map(|c| {
            c.parse()
                .map_err(|e: beffroi_domain::commune::CommuneError| {
                    ApiError::BadRequest("invalid_query", e.msg())
                })
        })
        .transpose()
}

/// A request's media type, lowercase, without parameters (`""` when absent).
pub fn media_type(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// A minimum role, as a type, for [`Authorized`].
pub trait MinRole: Send + Sync + 'static {
    const ROLE: Role;
}

#[derive(Debug)]
pub struct AnyStaff;
impl MinRole for AnyStaff {
    const ROLE: Role = Role::Editor;
}

/// Publishers and admins: who speaks for the town hall to residents.
#[derive(Debug)]
pub struct Publisher;
impl MinRole for Publisher {
    const ROLE: Role = Role::Publisher;
}

#[derive(Debug)]
pub struct AdminOnly;
impl MinRole for AdminOnly {
    const ROLE: Role = Role::Admin;
}

/// A logged-in staff member whose role includes `R`'s.
#[derive(Debug)]
pub struct Authorized<R: MinRole> {
    pub staff: StaffMember,
    pub token_hash: [u8; 32],
    _role: PhantomData<R>,
}

fn unauthorized(message: beffroi_domain::l10n::Msg) -> ApiError {
    ApiError::Unauthorized("unauthorized", message)
}

impl<S, R> FromRequestParts<S> for Authorized<R>
where
    S: Send + Sync,
    AppState: FromRef<S>,
    R: MinRole,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| unauthorized(beffroi_domain::msg!("err-login-first")))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized(beffroi_domain::msg!("err-bearer")))?;
        let token_hash = hash_token(token);
        let staff = state
            .store
            .session_staff(token_hash, OffsetDateTime::now_utc())
            .await?
            .ok_or_else(|| unauthorized(beffroi_domain::msg!("err-session-expired")))?;
        if !staff.role.allows(R::ROLE) {
            return Err(ApiError::Forbidden(beffroi_domain::msg!(
                "err-role",
                needed = R::ROLE.to_string(),
                role = staff.role.to_string()
            )));
        }
        Ok(Self {
            staff,
            token_hash,
            _role: PhantomData,
        })
    }
}
