//! The rules in force: a public delta feed for residents' devices, each
//! measure's history, open data (JSON and CSV, for anyone to reuse), and
//! staff routes to write them (publishers: they speak for the town hall).

use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use beffroi_domain::api::ErrorBody;
use beffroi_domain::i18n::Localizer;
use beffroi_domain::measure::{
    Measure, MeasureDraft, MeasureVersion, PlaceRules, RulesAt, rules_of,
};
use beffroi_domain::sync::page_limit;
use beffroi_domain::{Cursor, InseeCode, Lang, SyncPage, msg};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Authorized, Json, Publisher, Query};
use crate::limits::{self, Peer};
use crate::routes::communes::SinceQuery;
use crate::service::measures as service;

/// Changes to the rules in force after a cursor: each changed measure's
/// latest version, then the withdrawn ones' ids.
#[utoipa::path(get, path = "/measures", tag = "measures", params(SinceQuery),
    responses((status = 200, body = SyncPage<Measure>), (status = 400, body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    Query(q): Query<SinceQuery>,
) -> Result<JsonResponse<SyncPage<Measure>>, ApiError> {
    let page = state
        .store
        .measures_since(Cursor(q.since.unwrap_or(0)), page_limit(q.limit))
        .await?;
    Ok(JsonResponse(page))
}

/// How long the kept measures are served before the store is read again
/// (a change made here is seen at once; one made on another server sharing
/// the store as soon as its news arrives, see `AppState::announce`, else
/// within this time).
const FRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// The measures and the territory's communes as last read, for the public
/// reads: a crowd of pages reading the rules at once costs one store read.
#[derive(Debug, Default)]
pub struct Kept {
    measures: std::sync::Arc<Vec<Measure>>,
    communes: std::sync::Arc<Vec<beffroi_domain::Commune>>,
    read: Option<std::time::Instant>,
}

impl Kept {
    /// Makes the next read go to the store (a measure was written here).
    pub fn forget(&mut self) {
        self.read = None;
    }
}

/// The measures not withdrawn and the communes, read at most every [`FRESH`].
async fn kept(
    state: &AppState,
) -> Result<
    (
        std::sync::Arc<Vec<Measure>>,
        std::sync::Arc<Vec<beffroi_domain::Commune>>,
    ),
    ApiError,
> {
    let mut k = state.measures.lock().await;
    if k.read.is_none_or(|t| t.elapsed() >= FRESH) {
        k.measures = std::sync::Arc::new(state.store.measures().await?);
        k.communes = std::sync::Arc::new(state.store.communes().await?);
        k.read = Some(std::time::Instant::now());
    }
    Ok((k.measures.clone(), k.communes.clone()))
}

/// The territory's communes, as kept for the public reads (read at most
/// every [`FRESH`]).
pub(crate) async fn territory(
    state: &AppState,
) -> Result<std::sync::Arc<Vec<beffroi_domain::Commune>>, ApiError> {
    Ok(kept(state).await?.1)
}

/// Now, or the server's fixed clock (`--clock`, for demonstrations and tests).
fn now(state: &AppState) -> OffsetDateTime {
    state
        .settings
        .hours_clock
        .and_then(|c| OffsetDateTime::from_unix_timestamp(c.timestamp()).ok())
        .unwrap_or_else(OffsetDateTime::now_utc)
}

fn no_measure(id: &str) -> ApiError {
    ApiError::NotFound(msg!("err-no-measure", id = id))
}

/// Every version of a measure, oldest first; the last one says whether it
/// was withdrawn.
#[utoipa::path(get, path = "/measures/{id}/history", tag = "measures",
    params(("id" = String, Path, description = "measure id")),
    responses((status = 200, body = Vec<MeasureVersion>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<JsonResponse<Vec<MeasureVersion>>, ApiError> {
    let versions = state.store.measure_history(id.clone()).await?;
    if versions.is_empty() {
        return Err(no_measure(&id));
    }
    Ok(JsonResponse(versions))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InForceQuery {
    /// INSEE codes, comma-separated (as many as a push subscription follows).
    communes: String,
}

const MAX_COMMUNES: usize = beffroi_domain::push::MAX_COMMUNES;

/// The rules in force now (and coming within a week) in some communes, said
/// in the reader's language, with the town hall's text in it when written:
/// what the web app shows (the desktop app computes the same from its
/// synced copy, with the same code).
#[utoipa::path(get, path = "/measures/in-force", tag = "measures", params(InForceQuery),
    responses((status = 200, body = RulesAt), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn in_force(
    State(state): State<AppState>,
    peer: Peer,
    Query(q): Query<InForceQuery>,
) -> Result<JsonResponse<RulesAt>, ApiError> {
    limits::check(&state.threads_limiter, &peer, "read")?;
    let mut codes = super::communes::parse_list(&q.communes)?;
    // Each once, in the order given (home first).
    let mut seen = std::collections::HashSet::new();
    codes.retain(|c| seen.insert(c.clone()));
    if codes.is_empty() || codes.len() > MAX_COMMUNES {
        return Err(ApiError::BadRequest(
            "invalid_query",
            msg!("err-communes-count", max = MAX_COMMUNES),
        ));
    }
    let (measures, known) = kept(&state).await?;
    let lang = crate::l10n::current();
    let l10n = Localizer::shared(lang).map_err(|e| ApiError::Internal(e.to_string()))?;
    let now = now(&state);
    // A commune no longer in the territory (a page followed it before) is
    // left out rather than failing the others.
    Ok(JsonResponse(RulesAt {
        at: now,
        places: codes
            .into_iter()
            .filter_map(|code| {
                let name = known.iter().find(|c| c.code == code)?.name.clone();
                Some(PlaceRules {
                    place: None,
                    rules: rules_of(&measures, &code, now, lang, l10n),
                    commune: code,
                    commune_name: name,
                })
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OpenDataQuery {
    /// Only the measures that apply to this commune (INSEE code), the
    /// territory's included.
    commune: Option<String>,
    /// Only the measures in force at this time (RFC 3339, or `now`).
    at: Option<String>,
}

/// The measures an open data query asks for.
async fn selected(state: &AppState, q: &OpenDataQuery) -> Result<Vec<Measure>, ApiError> {
    let commune = crate::extract::commune_param(q.commune.as_deref())?;
    let at = match q.at.as_deref() {
        Some("now") => Some(now(state)),
        other => crate::routes::reports::when(other, "at")?,
    };
    let mut measures = Vec::clone(&kept(state).await?.0);
    measures.retain(|m| {
        commune.as_ref().is_none_or(|c| m.draft.applies_to(c))
            && at.is_none_or(|at| m.draft.in_force(at))
    });
    Ok(measures)
}

/// Open data may be read from any site (no credentials are involved),
/// refusals included: a reusing page can then read why its query failed.
fn open_data(response: impl IntoResponse) -> Response {
    (
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        response,
    )
        .into_response()
}

/// The rules in force as open data (JSON): every measure not withdrawn,
/// or those of one commune, or those in force at a time.
#[utoipa::path(get, path = "/open-data/measures.json", tag = "measures", params(OpenDataQuery),
    responses((status = 200, body = Vec<Measure>), (status = 400, body = ErrorBody)))]
pub async fn open_data_json(
    State(state): State<AppState>,
    peer: Peer,
    Query(q): Query<OpenDataQuery>,
) -> Response {
    open_data(
        async {
            limits::check(&state.threads_limiter, &peer, "read")?;
            Ok::<_, ApiError>(JsonResponse(selected(&state, &q).await?))
        }
        .await,
    )
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 11] = [
    "id",
    "version",
    "kind",
    "value",
    "communes",
    "since",
    "until",
    "text_fr",
    "text_en",
    "text_it",
    "changed_at",
];

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a
/// tab or a carriage return first) begins with `'` instead (OWASP's advice
/// against CSV injection): what a town hall wrote cannot run in a reuser's
/// spreadsheet.
fn inert(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// The measures as CSV (RFC 4180, UTF-8): one row per measure, the
/// communes as INSEE codes separated by spaces (empty: the whole territory).
pub fn csv(measures: &[Measure]) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| ApiError::Internal(e.to_string());
    w.write_record(CSV_HEADER).map_err(internal)?;
    for m in measures {
        let d = &m.draft;
        let text = |lang: Lang| {
            d.texts
                .iter()
                .find(|t| t.lang == lang)
                .map(|t| t.text.clone())
                .unwrap_or_default()
        };
        let communes: Vec<&str> = d.communes.iter().map(InseeCode::as_str).collect();
        w.write_record(
            [
                m.id.clone(),
                m.version.to_string(),
                d.rule.kind().to_owned(),
                d.rule.value(),
                communes.join(" "),
                rfc3339(d.since),
                d.until.map(rfc3339).unwrap_or_default(),
                text(Lang::Fr),
                text(Lang::En),
                text(Lang::It),
                rfc3339(m.changed_at),
            ]
            .map(inert),
        )
        .map_err(internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The rules in force as open data (CSV), with the JSON's filters.
#[utoipa::path(get, path = "/open-data/measures.csv", tag = "measures", params(OpenDataQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = ErrorBody)))]
pub async fn open_data_csv(
    State(state): State<AppState>,
    peer: Peer,
    Query(q): Query<OpenDataQuery>,
) -> Response {
    open_data(
        async {
            limits::check(&state.threads_limiter, &peer, "read")?;
            let body = csv(&selected(&state, &q).await?)?;
            Ok::<_, ApiError>((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "inline; filename=\"measures.csv\"",
                    ),
                ],
                body,
            ))
        }
        .await,
    )
}

/// Adds a measure.
#[utoipa::path(post, path = "/admin/measures", tag = "measures", request_body = MeasureDraft, security(("bearer" = [])),
    responses((status = 201, body = Measure), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Json(draft): Json<MeasureDraft>,
) -> Result<(StatusCode, JsonResponse<Measure>), ApiError> {
    let id = format!("m:{}", uuid::Uuid::now_v7());
    let measure =
        service::write(&state, id, None, Some(draft), who.staff.username.as_str()).await?;
    Ok((StatusCode::CREATED, JsonResponse(measure)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    /// The version the change was made from (a newer one refuses it: 409).
    pub version: u32,
}

/// Changes a measure: its next version.
#[utoipa::path(put, path = "/admin/measures/{id}", tag = "measures", request_body = MeasureDraft, security(("bearer" = [])),
    params(("id" = String, Path, description = "measure id"), VersionQuery),
    responses((status = 200, body = Measure), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
    Json(draft): Json<MeasureDraft>,
) -> Result<JsonResponse<Measure>, ApiError> {
    let measure = service::write(
        &state,
        id,
        Some(q.version),
        Some(draft),
        who.staff.username.as_str(),
    )
    .await?;
    Ok(JsonResponse(measure))
}

/// Withdraws a measure: devices drop it at their next sync, its history stays.
#[utoipa::path(delete, path = "/admin/measures/{id}", tag = "measures", security(("bearer" = [])),
    params(("id" = String, Path, description = "measure id"), VersionQuery),
    responses((status = 200, body = Measure), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<JsonResponse<Measure>, ApiError> {
    let measure = service::write(
        &state,
        id,
        Some(q.version),
        None,
        who.staff.username.as_str(),
    )
    .await?;
    Ok(JsonResponse(measure))
}
