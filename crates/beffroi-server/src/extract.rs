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

fn unauthorized(message: &str) -> ApiError {
    ApiError::Unauthorized("unauthorized", message.to_owned())
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
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            unauthorized("log in first: send the header authorization: Bearer TOKEN")
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("the authorization header must be: Bearer TOKEN"))?;
        let token_hash = hash_token(token);
        let staff = state
            .store
            .session_staff(token_hash, OffsetDateTime::now_utc())
            .await?
            .ok_or_else(|| unauthorized("the session is unknown or expired: log in again"))?;
        if !staff.role.allows(R::ROLE) {
            return Err(ApiError::Forbidden(format!(
                "this needs the {} role; your role is {}",
                R::ROLE,
                staff.role
            )));
        }
        Ok(Self {
            staff,
            token_hash,
            _role: PhantomData,
        })
    }
}
