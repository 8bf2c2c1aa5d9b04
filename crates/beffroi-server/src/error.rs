//! The server's one error type. Every failure becomes a status code and the
//! JSON body `{"error": {"code": "...", "message": "..."}}`; internals (SQL,
//! paths, panics) are logged, never sent.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use beffroi_domain::Lang;
use beffroi_domain::api::{ErrorBody, ErrorDetail};
use beffroi_domain::l10n::{Localize, Msg};
use beffroi_domain::msg;

use crate::store::StoreError;

/// Every variant's message is a [`Msg`] of `locales/*/errors.ftl`: the
/// answer says it in the request's language (see `l10n`).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {1:?}")]
    BadRequest(&'static str, Msg),
    #[error("unprocessable: {1:?}")]
    Unprocessable(&'static str, Msg),
    #[error("authentication required")]
    Unauthorized(&'static str, Msg),
    #[error("forbidden")]
    Forbidden(Msg),
    #[error("not found")]
    NotFound(Msg),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict")]
    Conflict(&'static str, Msg),
    /// A client sent too much too fast.
    #[error("too many requests")]
    TooManyRequests(Msg),
    #[error("payload too large")]
    PayloadTooLarge(Msg),
    #[error("unsupported media type")]
    UnsupportedMediaType(Msg),
    #[error("service unavailable")]
    Unavailable(&'static str, Msg),
    /// Too much work at once: the client should retry after a few seconds
    /// (503 with `Retry-After`).
    #[error("busy")]
    Busy(Msg),
    /// The server has no room to store what was sent (507); the client
    /// should send it again later.
    #[error("insufficient storage")]
    InsufficientStorage(Msg),

    /// The detail is logged; the client only learns that something failed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn not_found() -> Self {
        ApiError::NotFound(msg!("err-no-route"))
    }

    /// A refused input, with the domain's reason.
    pub fn invalid(code: &'static str, e: &impl Localize) -> Self {
        ApiError::Unprocessable(code, e.msg())
    }

    /// The HTTP status, the error code and the message sent to clients.
    pub fn parts(&self) -> (StatusCode, &'static str, Msg) {
        use ApiError::*;
        match self {
            BadRequest(code, m) => (StatusCode::BAD_REQUEST, code, m.clone()),
            Unprocessable(code, m) => (StatusCode::UNPROCESSABLE_ENTITY, code, m.clone()),
            Unauthorized(code, m) => (StatusCode::UNAUTHORIZED, code, m.clone()),
            Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m.clone()),
            MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                msg!("err-method-not-allowed"),
            ),
            Conflict(code, m) => (StatusCode::CONFLICT, code, m.clone()),
            TooManyRequests(m) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                m.clone(),
            ),
            PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                m.clone(),
            ),
            UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                m.clone(),
            ),
            Unavailable(code, m) => (StatusCode::SERVICE_UNAVAILABLE, code, m.clone()),
            Busy(m) => (StatusCode::SERVICE_UNAVAILABLE, "busy", m.clone()),
            InsufficientStorage(m) => (
                StatusCode::INSUFFICIENT_STORAGE,
                "insufficient_storage",
                m.clone(),
            ),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                msg!("err-internal"),
            ),
        }
    }
}

/// Seconds a busy client is told to wait (`Retry-After`).
pub const BUSY_RETRY_AFTER: &str = "2";

/// An error answer's code and message, kept on the response so that
/// `l10n::localize_errors` can say it in the request's language.
#[derive(Debug, Clone)]
pub struct ErrorMsg {
    pub code: &'static str,
    pub msg: Msg,
}

/// The JSON error response for a status, code and message.
pub fn error_response(status: StatusCode, code: &str, message: String) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
        },
    };
    (status, Json(body)).into_response()
}

/// The JSON error response for a message: in French, and said again in the
/// request's language by `l10n::localize_errors`.
pub fn error_msg_response(status: StatusCode, code: &'static str, msg: Msg) -> Response {
    let mut response = error_response(status, code, crate::l10n::text(Lang::Fr, &msg));
    // The message depends on the request's language: caches must know.
    response.headers_mut().insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("accept-language"),
    );
    response.extensions_mut().insert(ErrorMsg { code, msg });
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let (status, code, msg) = self.parts();
        let mut response = error_msg_response(status, code, msg);
        if matches!(self, ApiError::Busy(_)) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(BUSY_RETRY_AFTER),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::AlreadyExists(m) => ApiError::Conflict("already_exists", m),
            StoreError::Conflict(m) => ApiError::Conflict("conflict", m),
            StoreError::NotFound(m) => ApiError::NotFound(m),
            // Nothing was stored: the client keeps what it sent and retries.
            StoreError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                ApiError::Busy(msg!("err-database-unavailable"))
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Walks an error's sources to the innermost one: serde's message, without
/// axum's capitalised wrapper.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match &r {
            JsonRejection::JsonSyntaxError(e) => ApiError::BadRequest(
                "invalid_json",
                msg!("err-invalid-json", detail = root_cause(e)),
            ),
            JsonRejection::JsonDataError(e) => ApiError::Unprocessable(
                "invalid_body",
                msg!("err-invalid-body", detail = root_cause(e)),
            ),
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::UnsupportedMediaType(msg!("err-json-content-type"))
            }
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge(msg!("err-body-too-large"))
            }
            _ => ApiError::BadRequest("invalid_body", msg!("err-body-unreadable")),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(
            "invalid_query",
            msg!("err-invalid-query", detail = root_cause(&r)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_database_is_a_503_to_retry() {
        let response =
            ApiError::from(StoreError::Unavailable("connection refused".into())).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            response
                .headers()
                .contains_key(axum::http::header::RETRY_AFTER)
        );
    }
}
