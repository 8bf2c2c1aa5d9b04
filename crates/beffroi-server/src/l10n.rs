//! The server's messages in the reader's language: an error says what is
//! wrong in the language the request's `Accept-Language` asks for among
//! French, English and Italian (French when it names none of them).

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use beffroi_domain::Lang;
use beffroi_domain::i18n::Localizer;
use beffroi_domain::l10n::Msg;

use crate::error::{ErrorMsg, error_response};

/// The language a request asks for, French by default.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::negotiate)
        .unwrap_or_default()
}

tokio::task_local! {
    /// The language of the request being handled (set by `localize_errors`).
    static REQUEST_LANG: Lang;
}

/// The language of the request being handled, French outside one.
pub fn current() -> Lang {
    REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
}

/// A message in `lang`.
pub fn text(lang: Lang, msg: &Msg) -> String {
    // The embedded catalogues parse (a test checks it); else the id says it.
    Localizer::shared(lang).map_or_else(|_| msg.id.to_owned(), |l| l.render(msg))
}

/// Renders an error answer's message in the request's language (errors are
/// written in French first, see `ApiError::into_response`).
pub async fn localize_errors(req: Request, next: Next) -> Response {
    let lang = request_lang(req.headers());
    let response = REQUEST_LANG.scope(lang, next.run(req)).await;
    if lang == Lang::Fr {
        return response;
    }
    let Some(ErrorMsg { code, msg }) = response.extensions().get::<ErrorMsg>().cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    let fresh = error_response(parts.status, code, text(lang, &msg));
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    for (k, v) in &fresh_parts.headers {
        parts.headers.insert(k, v.clone());
    }
    Response::from_parts(parts, body).into_response()
}
