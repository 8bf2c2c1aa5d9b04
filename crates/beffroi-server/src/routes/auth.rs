use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use beffroi_domain::Username;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::staff::{LoginRequest, LoginResponse, StaffMember};
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::{dummy_hash, hash_token, random_secret};
use crate::error::ApiError;
use crate::extract::{AnyStaff, Authorized, Json};
use crate::limits::{self, Peer};

/// Logs a staff member in and returns a bearer token.
///
/// A wrong username and a wrong password get the same answer.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 400, body = ErrorBody, description = "malformed JSON"),
        (status = 401, body = ErrorBody, description = "wrong username or password"),
        (status = 429, body = ErrorBody, description = "too many attempts from this address or for this account"),
        (status = 503, body = ErrorBody, description = "too many password checks at once (see Retry-After)"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    peer: Peer,
    Json(req): Json<LoginRequest>,
) -> Result<JsonResponse<LoginResponse>, ApiError> {
    limits::check(&state.login_limiter, &peer, "login")?;
    let refused = || {
        ApiError::Unauthorized(
            "invalid_credentials",
            beffroi_domain::msg!("err-credentials"),
        )
    };
    let username: Option<Username> = req.username.trim().parse().ok();
    // Guessing one account's password from many addresses: that account's
    // attempts are limited too (whether or not it exists, alike).
    let account = req.username.trim().to_lowercase();
    if state.account_limiter.check_key(&account).is_err() {
        return Err(ApiError::TooManyRequests(beffroi_domain::msg!(
            "err-too-many-account"
        )));
    }
    let creds = match &username {
        Some(u) => state.store.staff_credentials(u).await?,
        None => None,
    };
    let stored = creds
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |c| c.password_hash.clone());
    let matches = state
        .password_checks
        .verify(req.password, stored)
        .await
        .map_err(|_| ApiError::Busy(beffroi_domain::msg!("err-busy-passwords")))?;
    let creds = creds.filter(|_| matches).ok_or_else(refused)?;

    let token = random_secret(32);
    let expires_at = OffsetDateTime::now_utc() + state.settings.session_ttl;
    state
        .store
        .create_session(hash_token(&token), &creds.member.username, expires_at)
        .await?;
    tracing::info!(username = %creds.member.username, "staff logged in");
    Ok(JsonResponse(LoginResponse {
        token,
        expires_at,
        staff: creds.member,
    }))
}

/// Ends the current session.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
) -> Result<StatusCode, ApiError> {
    state.store.delete_session(who.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in staff member.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = StaffMember), (status = 401, body = ErrorBody)))]
pub async fn me(who: Authorized<AnyStaff>) -> JsonResponse<StaffMember> {
    JsonResponse(who.staff)
}
