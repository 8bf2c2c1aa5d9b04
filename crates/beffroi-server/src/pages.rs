//! Public pages for people who have no app: one alert, opened from a link a
//! resident shared (`/alerts/{identifier}`), and one advice page
//! (`/advice/{id}`, the link an alert gives to it).
//!
//! The page is rendered here, in the reader's language (`?lang=`, else the
//! browser's `Accept-Language`, else French), and reads in full with no
//! JavaScript: it has none, and its policy forbids any. Its headline, level
//! and area are in the link preview (Open Graph). It shows the alert's last
//! message: an update's text, a cancellation as the all-clear. Only sent
//! messages have a page; a draft's identifier does not exist until it is sent.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use beffroi_domain::Lang;
use beffroi_domain::alert::{AlertMessage, AlertStatus, MsgType};
use beffroi_domain::i18n::Localizer;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::ApiError;

/// What a public page may load: its own inline style, nothing else; no
/// script at all, never framed, no form.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The longest identifier looked up (CAP identifiers are short; a longer one
/// is no alert's).
const MAX_ID: usize = 200;

pub fn router() -> Router<AppState> {
    use tower_http::set_header::SetResponseHeaderLayer;
    Router::new()
        .route("/alerts/{id}", get(alert))
        .route("/advice/{id}", get(advice))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
}

/// `?lang=` if it names a language Beffroi speaks, else the browser's.
fn page_lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| v.parse().ok())
        })
        .unwrap_or_else(|| crate::l10n::request_lang(headers))
}

/// One text block of the alert, in the reader's language.
struct Block {
    lang: String,
    headline: String,
    audience: Option<String>,
    description: String,
    instruction: Option<String>,
}

struct LangLink {
    tag: &'static str,
    name: String,
    current: bool,
}

struct Dated {
    iso: String,
    text: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    l10n: &'static Localizer,
    lang: &'static str,
    url: String,
    cap_url: String,
    site: String,
    /// `information`, `watch_and_act`, `emergency` or `all_clear`.
    level: &'static str,
    level_name: String,
    cta: String,
    severity: String,
    state: String,
    /// A test or an exercise, said as such.
    drill: Option<String>,
    area: String,
    blocks: Vec<Block>,
    sent: Dated,
    expires: Option<Dated>,
    issuer: String,
    contact: Option<String>,
    /// The alert's own page elsewhere (http or https only).
    web: Option<String>,
    history: Vec<(String, Dated)>,
    langs: Vec<LangLink>,
}

impl AlertPage {
    fn t(&self, id: &str) -> String {
        self.l10n.msg(id, &[])
    }

    fn headline(&self) -> &str {
        self.blocks.first().map_or("", |b| b.headline.as_str())
    }

    fn summary(&self) -> String {
        format!("{} · {} · {}", self.level_name, self.severity, self.area)
    }
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    lang: &'static str,
    title: String,
    text: String,
}

#[derive(Template)]
#[template(path = "advice.html")]
struct AdvicePageHtml {
    l10n: &'static Localizer,
    lang: &'static str,
    /// The language the page is written in (the reader's, else French…).
    text_lang: &'static str,
    url: String,
    site: String,
    title: String,
    /// Rendered by `beffroi_domain::advice::render`.
    html: String,
    area: String,
    changed: Dated,
    langs: Vec<LangLink>,
}

impl AdvicePageHtml {
    fn t(&self, id: &str) -> String {
        self.l10n.msg(id, &[])
    }
}

/// The languages a page can be read in, with the current one marked.
fn lang_links(l10n: &Localizer) -> Vec<LangLink> {
    Lang::ALL
        .iter()
        .map(|l| LangLink {
            tag: l.tag(),
            name: l10n.msg(&format!("page-lang-{}", l.tag()), &[]),
            current: *l == l10n.lang(),
        })
        .collect()
}

/// An advice page, readable with no app and no JavaScript.
async fn advice(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = page_lang(query.as_deref(), &headers);
    let l10n = Localizer::shared(lang).map_err(|e| ApiError::Internal(e.to_string()))?;
    let pages = crate::routes::advice::rendered(&state, lang).await?;
    let Some(page) = pages.iter().find(|p| p.id == id) else {
        return Ok(not_found(l10n, "advice"));
    };
    let area = if page.territory {
        state.settings.territory_name.clone()
    } else {
        // The territory's communes as kept for the public reads (not a
        // store read per page view).
        let known = crate::routes::measures::territory(&state).await?;
        page.communes
            .iter()
            .map(|c| {
                known
                    .iter()
                    .find(|k| &k.code == c)
                    .map_or(c.as_str(), |k| k.name.as_str())
                    .to_owned()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let base = crate::public_url(&state, &headers);
    let body = AdvicePageHtml {
        l10n,
        lang: lang.tag(),
        text_lang: page.lang.tag(),
        url: format!("{base}/advice/{}", page.id),
        site: state.settings.sender_name.clone(),
        title: page.title.clone(),
        html: page.html.clone(),
        area,
        changed: labelled(l10n, "page-advice-changed", page.changed_at),
        langs: lang_links(l10n),
    };
    Ok(html(StatusCode::OK, lang, body.render()))
}

/// A date in the town hall's time zone, as residents read it.
fn dated(t: OffsetDateTime, lang: Lang) -> Dated {
    let iso = crate::cap::cap_time(t);
    let text = chrono::DateTime::from_timestamp(t.unix_timestamp(), 0).map_or_else(
        || iso.clone(),
        |d| {
            let local = d.with_timezone(&beffroi_domain::hours::TIMEZONE);
            match lang {
                Lang::En => local.format("%-d/%m/%Y %H:%M %Z"),
                Lang::Fr | Lang::It => local.format("%d/%m/%Y %H:%M %Z"),
            }
            .to_string()
        },
    );
    Dated { iso, text }
}

/// A date said in a sentence (`Envoyée le { $date }`).
fn labelled(l10n: &Localizer, id: &str, t: OffsetDateTime) -> Dated {
    let Dated { iso, text } = dated(t, l10n.lang());
    Dated {
        iso,
        text: l10n.msg(id, &[("date", text.into())]),
    }
}

fn html(status: StatusCode, lang: Lang, body: Result<String, askama::Error>) -> Response {
    match body {
        Ok(body) => (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // An alert changes (an update, a cancellation): always ask again.
                (header::CACHE_CONTROL, "no-cache"),
                (header::CONTENT_LANGUAGE, lang.tag()),
                (header::VARY, "Accept-Language"),
            ],
            body,
        )
            .into_response(),
        Err(e) => ApiError::Internal(e.to_string()).into_response(),
    }
}

/// The 404 page of `what` (`alert`, `advice`: its `page-{what}-not-found` messages).
fn not_found(l10n: &'static Localizer, what: &str) -> Response {
    let page = NotFoundPage {
        lang: l10n.lang().tag(),
        title: l10n.msg(&format!("page-{what}-not-found-title"), &[]),
        text: l10n.msg(&format!("page-{what}-not-found"), &[]),
    };
    html(StatusCode::NOT_FOUND, l10n.lang(), page.render())
}

/// An alert's public page, from any of its messages' identifiers.
async fn alert(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let lang = page_lang(query.as_deref(), &headers);
    let l10n = Localizer::shared(lang).map_err(|e| ApiError::Internal(e.to_string()))?;
    if id.is_empty() || id.len() > MAX_ID {
        return Ok(not_found(l10n, "alert"));
    }
    let Some(alert_id) = state.store.alert_of_message(id).await? else {
        return Ok(not_found(l10n, "alert"));
    };
    let messages = state.store.alert_messages(alert_id).await?;
    let (Some(first), Some(last)) = (messages.first(), messages.last()) else {
        return Ok(not_found(l10n, "alert"));
    };
    let names = crate::routes::alerts::names(&state).await?;
    let base = crate::public_url(&state, &headers);
    let page = alert_page(
        &state,
        l10n,
        &messages,
        last,
        AreaAndLinks {
            area: crate::cap::area_desc(&last.body.area, &names),
            url: format!(
                "{base}{}",
                beffroi_domain::alert::public_path(&first.identifier)
            ),
            cap_url: format!(
                "{base}/cap/alerts/{}.xml",
                beffroi_domain::alert::path_segment(&last.identifier)
            ),
        },
    );
    Ok(html(StatusCode::OK, lang, page.render()))
}

struct AreaAndLinks {
    area: String,
    url: String,
    cap_url: String,
}

fn alert_page(
    state: &AppState,
    l10n: &'static Localizer,
    messages: &[AlertMessage],
    last: &AlertMessage,
    at: AreaAndLinks,
) -> AlertPage {
    let lang = l10n.lang();
    let msg = |id: &str| l10n.msg(id, &[]);
    let now = OffsetDateTime::now_utc();
    let (level, level_name, cta) = if last.is_all_clear() {
        (
            "all_clear",
            msg("alert-all-clear"),
            msg("alert-all-clear-cta"),
        )
    } else {
        let id = last.level().id();
        (id, msg(&format!("level-{id}")), msg(&format!("cta-{id}")))
    };
    let state_id = if last.msg_type == MsgType::Cancel {
        "cancelled"
    } else if last.is_expired(now) {
        "expired"
    } else {
        "active"
    };
    let body = &last.body;
    let texts = last.texts_for(&[lang.into()]);
    let issuer = last
        .sender_name
        .clone()
        .unwrap_or_else(|| state.settings.sender_name.clone());
    AlertPage {
        l10n,
        lang: lang.tag(),
        url: at.url,
        cap_url: at.cap_url,
        site: issuer.clone(),
        level,
        level_name,
        cta,
        severity: msg(&format!("severity-{}", body.severity.cap().to_lowercase())),
        state: msg(&format!("alert-state-{state_id}")),
        drill: (body.status != AlertStatus::Actual).then(|| {
            msg(&format!(
                "alert-status-{}",
                body.status.cap().to_lowercase()
            ))
        }),
        area: at.area,
        blocks: texts
            .iter()
            .map(|t| Block {
                lang: t.lang.to_string(),
                headline: t.headline.clone(),
                audience: t.audience.clone(),
                description: t.description.clone(),
                instruction: t.instruction.clone(),
            })
            .collect(),
        sent: labelled(l10n, "alert-sent", last.sent),
        expires: body.expires.map(|e| labelled(l10n, "alert-expires", e)),
        issuer: l10n.msg("alert-issuer", &[("name", issuer.into())]),
        contact: texts.iter().find_map(|t| t.contact.clone()),
        web: texts
            .iter()
            .find_map(|t| t.web.clone())
            .filter(|w| w.starts_with("https://") || w.starts_with("http://")),
        history: messages
            .iter()
            .map(|m| {
                let kind = m.msg_type.cap().to_lowercase();
                (msg(&format!("alert-msg-{kind}")), dated(m.sent, lang))
            })
            .collect(),
        langs: lang_links(l10n),
    }
}
