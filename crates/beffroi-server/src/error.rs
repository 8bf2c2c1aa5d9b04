//! The server's one error type. Every failure becomes a status code and the
//! JSON body `{"error": {"code": "...", "message": "..."}}`; internals (SQL,
//! paths, panics) are logged, never sent.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use beffroi_domain::api::{ErrorBody, ErrorDetail};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(&'static str, String),
    #[error("{0}")]
    Unprocessable(&'static str, String),
    #[error("authentication required")]
    Unauthorized(&'static str, String),
    #[error("forbidden")]
    Forbidden(String),
    #[error("not found")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict")]
    Conflict(&'static str, String),
    /// A client sent too much too fast.
    #[error("{0}")]
    TooManyRequests(String),
    #[error("payload too large")]
    PayloadTooLarge(String),
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("service unavailable")]
    Unavailable(&'static str, String),
    /// Too much work at once: the client should retry after a few seconds
    /// (503 with `Retry-After`).
    #[error("busy")]
    Busy(String),
    /// The server has no room to store what was sent (507); the client
    /// should send it again later.
    #[error("insufficient storage")]
    InsufficientStorage(String),

    /// The detail is logged; the client only learns that something failed.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn not_found() -> Self {
        ApiError::NotFound(
            "no such resource: check the address and the API version (/api/v1)".into(),
        )
    }

    /// The HTTP status, the error code and the message sent to clients.
    pub fn parts(&self) -> (StatusCode, &'static str, String) {
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
                "this method is not allowed on this route: see /api/v1/openapi.json".into(),
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
                "the server failed to handle this request; it has been logged, try again later"
                    .into(),
            ),
        }
    }
}

/// Seconds a busy client is told to wait (`Retry-After`).
pub const BUSY_RETRY_AFTER: &str = "2";

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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let (status, code, message) = self.parts();
        let mut response = error_response(status, code, message);
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
            StoreError::AlreadyExists(what) => {
                ApiError::Conflict("already_exists", format!("{what} already exists"))
            }
            StoreError::Conflict(why) => ApiError::Conflict("conflict", why),
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
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
                format!("the request body is not valid JSON: {}", root_cause(e)),
            ),
            JsonRejection::JsonDataError(e) => ApiError::Unprocessable(
                "invalid_body",
                format!(
                    "the request body does not have the expected fields: {}",
                    root_cause(e)
                ),
            ),
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                "send the body as JSON with the header content-type: application/json".into(),
            ),
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge("the request body is too large".into())
            }
            _ => ApiError::BadRequest("invalid_body", "the request body could not be read".into()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(
            "invalid_query",
            format!("the query string is invalid: {}", root_cause(&r)),
        )
    }
}
