//! The directory searched on the server, for the web app, which keeps no
//! copy of it: the same filters, orders, hours and status texts as the
//! resident app's offline search (`beffroi_domain::directory`), over the
//! places the store holds, kept in memory and brought up to date from the
//! store's change feed at most every few seconds.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json as JsonResponse;
use axum::extract::{Path, State};
use beffroi_domain::Cursor;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::directory::{
    DirectoryInfo, HoursCache, PlaceDetails, PlaceResult, SearchQuery, evaluate, search_in, week,
};
use beffroi_domain::hours::TIMEZONE;
use beffroi_domain::i18n::Localizer;
use beffroi_domain::msg;
use beffroi_domain::place::{Place, PlaceId};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Json;
use crate::limits::{self, Peer};

/// How long the kept places are served before the store is asked for changes.
const FRESH: Duration = Duration::from_secs(5);

/// The longest text searched.
const MAX_TEXT: usize = 200;

/// The places as the store last gave them, and each expression's hours.
#[derive(Debug, Default)]
pub struct Directory {
    upto: Cursor,
    by_id: HashMap<PlaceId, usize>,
    places: Vec<Option<Place>>,
    list: Arc<Vec<Place>>,
    checked: Option<Instant>,
    hours: Arc<HoursCache>,
}

/// The places now (one request reads the changes, the others wait for it).
async fn places(state: &AppState) -> Result<(Arc<Vec<Place>>, Arc<HoursCache>), ApiError> {
    let mut d = state.directory.lock().await;
    if d.checked.is_some_and(|t| t.elapsed() < FRESH) {
        return Ok((d.list.clone(), d.hours.clone()));
    }
    let mut changed = false;
    loop {
        let page = state.store.places_since(d.upto, 1000).await?;
        for p in page.items {
            changed = true;
            match d.by_id.get(&p.id) {
                Some(&i) => d.places[i] = Some(p),
                None => {
                    let i = d.places.len();
                    d.by_id.insert(p.id.clone(), i);
                    d.places.push(Some(p));
                }
            }
        }
        for id in page.deleted {
            let id = PlaceId(id);
            if let Some(i) = d.by_id.remove(&id) {
                d.places[i] = None;
                changed = true;
            }
        }
        d.upto = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    if changed {
        d.list = Arc::new(d.places.iter().flatten().cloned().collect());
    }
    d.checked = Some(Instant::now());
    Ok((d.list.clone(), d.hours.clone()))
}

/// Now, where the hours are read (or the time `--clock` fixes).
fn now(state: &AppState) -> chrono::DateTime<chrono::FixedOffset> {
    state
        .settings
        .hours_clock
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&TIMEZONE).fixed_offset())
}

fn localizer() -> Result<&'static Localizer, ApiError> {
    Localizer::shared(crate::l10n::current()).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Searches the directory now, in the reader's language: text, category,
/// commune, open now, delivery, takeaway, nearest to a point (at most 200).
#[utoipa::path(post, path = "/directory/search", tag = "directory", request_body = SearchQuery,
    responses((status = 200, body = Vec<PlaceResult>), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    peer: Peer,
    Json(q): Json<SearchQuery>,
) -> Result<JsonResponse<Vec<PlaceResult>>, ApiError> {
    limits::check(&state.threads_limiter, &peer, "read")?;
    if q.text
        .as_deref()
        .is_some_and(|t| t.chars().count() > MAX_TEXT)
    {
        return Err(ApiError::BadRequest(
            "invalid_query",
            msg!("err-search-too-long", max = MAX_TEXT),
        ));
    }
    if q.near
        .is_some_and(|p| !p.lat.is_finite() || p.lat.abs() > 90.0 || p.lon.abs() > 180.0)
    {
        return Err(ApiError::BadRequest("invalid_query", msg!("err-position")));
    }
    let (list, hours) = places(&state).await?;
    let l10n = localizer()?;
    let at = now(&state);
    // Hours are evaluated for thousands of places: off the async threads.
    let results =
        tokio::task::spawn_blocking(move || search_in(list.iter(), &q, &at, &hours, l10n))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(JsonResponse(results))
}

/// One place's page now: its state in the reader's language and its week.
#[utoipa::path(get, path = "/directory/places/{id}", tag = "directory",
    params(("id" = String, Path, description = "place id, e.g. osm:node:25191432")),
    responses((status = 200, body = PlaceDetails), (status = 404, body = ErrorBody)))]
pub async fn details(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<JsonResponse<PlaceDetails>, ApiError> {
    let (list, hours) = places(&state).await?;
    let place = list
        .iter()
        .find(|p| p.id.0 == id)
        .cloned()
        .ok_or_else(ApiError::not_found)?;
    let at = now(&state);
    let e = evaluate(&place, &at, &hours, localizer()?);
    let week = week(&place, &at, &hours);
    Ok(JsonResponse(PlaceDetails {
        result: PlaceResult::new(place, e, None),
        week,
    }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct InfoQuery {
    /// An INSEE code.
    pub commune: Option<String>,
}

/// The directory's size, and the centre of a commune.
#[utoipa::path(get, path = "/directory", tag = "directory", params(InfoQuery),
    responses((status = 200, body = DirectoryInfo), (status = 400, body = ErrorBody)))]
pub async fn info(
    State(state): State<AppState>,
    crate::extract::Query(q): crate::extract::Query<InfoQuery>,
) -> Result<JsonResponse<DirectoryInfo>, ApiError> {
    use beffroi_domain::place::{Category, Position};
    let commune = crate::extract::commune_param(q.commune.as_deref())?;
    let (list, _) = places(&state).await?;
    let centre = match commune {
        None => None,
        Some(code) => {
            let mine = || list.iter().filter(|p| p.commune.as_ref() == Some(&code));
            let town_hall = mine()
                .filter(|p| p.category == Category::TownHall)
                .min_by(|a, b| a.id.0.cmp(&b.id.0))
                .map(|p| p.position);
            let n = mine().count() as f64;
            town_hall
                .or_else(|| state.settings.outlines.centroid(&code))
                .or_else(|| {
                    (n > 0.0).then(|| Position {
                        lat: mine().map(|p| p.position.lat).sum::<f64>() / n,
                        lon: mine().map(|p| p.position.lon).sum::<f64>() / n,
                    })
                })
        }
    };
    Ok(JsonResponse(DirectoryInfo {
        places: list.len() as u64,
        centre,
    }))
}
