//! The directory: a public delta feed for residents' devices, and staff
//! routes to keep it current (list, create, edit, delete, import a file).

use axum::Json as JsonResponse;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use beffroi_domain::api::ErrorBody;
use beffroi_domain::l10n::Localize;
use beffroi_domain::place::{
    CategoryInfo, DIRECTORY_VERSION, ImportReport, NEWER_CATEGORIES, Place, PlaceId, PlaceInput,
    Source, Writer,
};
use beffroi_domain::sync::page_limit;
use beffroi_domain::{Cursor, SyncPage};
use serde::Deserialize;
use serde_json::value::RawValue;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AnyStaff, Authorized, Json, Query, media_type};
use crate::import::{CommuneLocator, Format, ImportError, import_places};
use crate::routes::communes::SinceQuery;

/// The most a staff listing returns at once.
const MAX_LIST: u32 = 200;

/// Changes to the directory after a cursor: upserts, then deletions as ids.
#[utoipa::path(get, path = "/places", tag = "directory", params(SinceQuery),
    responses((status = 200, body = SyncPage<Place>), (status = 400, body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SinceQuery>,
) -> Result<JsonResponse<SyncPage<Box<RawValue>>>, ApiError> {
    let mut page = state
        .store
        .places_since_json(Cursor(q.since.unwrap_or(0)), page_limit(q.limit))
        .await?;
    let current = headers
        .get(DIRECTORY_HEADER)
        .is_some_and(|v| v.as_bytes() == DIRECTORY_VERSION.as_bytes());
    if !current {
        for item in &mut page.items {
            if let Some(older) = for_older_devices(item.get()) {
                *item =
                    RawValue::from_string(older).map_err(|e| ApiError::Internal(e.to_string()))?;
            }
        }
    }
    Ok(JsonResponse(page))
}

/// The header in which a device says which directory it knows.
pub const DIRECTORY_HEADER: &str = "beffroi-directory";

/// A place's JSON as a device of the first release reads it: a category
/// added since named as it knows it. The JSON is the store's (serde's
/// compact form): `"category":"farm"` can only be the category field, as
/// quotes inside strings are escaped.
fn for_older_devices(json: &str) -> Option<String> {
    NEWER_CATEGORIES.iter().find_map(|(newer, older)| {
        let field = format!("\"category\":\"{}\"", newer.as_str());
        json.contains(&field)
            .then(|| json.replacen(&field, &format!("\"category\":\"{}\"", older.as_str()), 1))
    })
}

/// The fixed taxonomy of place categories (see docs/directory.md).
#[utoipa::path(get, path = "/categories", tag = "directory",
    responses((status = 200, body = Vec<CategoryInfo>)))]
pub async fn categories() -> JsonResponse<Vec<CategoryInfo>> {
    JsonResponse(CategoryInfo::all())
}

fn no_place(id: &str) -> ApiError {
    ApiError::NotFound(beffroi_domain::msg!("err-no-place", id = id))
}

/// One place.
#[utoipa::path(get, path = "/places/{id}", tag = "directory",
    params(("id" = String, Path, description = "place id, e.g. osm:node:25191432")),
    responses((status = 200, body = Place), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<JsonResponse<Place>, ApiError> {
    let place = state
        .store
        .get_place(&PlaceId(id.clone()))
        .await?
        .ok_or_else(|| no_place(&id))?;
    Ok(JsonResponse(place))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Part of the name, any case.
    q: Option<String>,
    /// At most this many (1 to 200, default 50).
    limit: Option<u32>,
    offset: Option<u32>,
}

/// Staff listing and search by name.
#[utoipa::path(get, path = "/admin/places", tag = "directory", params(ListQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<Place>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _staff: Authorized<AnyStaff>,
    Query(q): Query<ListQuery>,
) -> Result<JsonResponse<Vec<Place>>, ApiError> {
    let query = q.q.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_LIST);
    Ok(JsonResponse(
        state
            .store
            .list_places(query, limit, q.offset.unwrap_or(0))
            .await?,
    ))
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

async fn save(
    state: &AppState,
    id: PlaceId,
    input: PlaceInput,
    previous: Option<Place>,
) -> Result<Place, ApiError> {
    let communes = state.store.communes().await?;
    let today = time::OffsetDateTime::now_utc().date();
    let last_checked = blank_to_none(input.last_checked).or_else(|| {
        today
            .format(time::macros::format_description!("[year]-[month]-[day]"))
            .ok()
    });
    let place = Place {
        id,
        name: input.name.trim().to_owned(),
        category: input.category,
        commune: CommuneLocator::new(&communes)
            .with_outlines(state.settings.outlines.clone())
            .locate_place(&input.address, &input.position),
        address: input.address,
        position: input.position,
        phone: blank_to_none(input.phone),
        website: blank_to_none(input.website),
        email: blank_to_none(input.email),
        wheelchair: input.wheelchair,
        opening_hours: blank_to_none(input.opening_hours),
        crisis: input.crisis,
        delivery: input.delivery,
        takeaway: input.takeaway,
        drive_through: input.drive_through,
        // As an import implies it, unless staff said otherwise.
        direct_sales: input
            .direct_sales
            .or(input.category.implies_direct_sales().then_some(true)),
        collection_point: input.collection_point,
        // An edit by staff takes precedence over the OSM data it started from.
        source: Source::Staff,
        last_checked,
        tags: previous.map(|p| p.tags).unwrap_or_default(),
    };
    place
        .validate()
        .map_err(|e| ApiError::invalid("invalid_place", &e))?;
    state
        .store
        .upsert_places(vec![place.clone()], Writer::Staff)
        .await?;
    Ok(place)
}

/// Adds a place to the directory.
#[utoipa::path(post, path = "/admin/places", tag = "directory", request_body = PlaceInput, security(("bearer" = [])),
    responses((status = 201, body = Place), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    Json(input): Json<PlaceInput>,
) -> Result<(StatusCode, JsonResponse<Place>), ApiError> {
    let id = PlaceId(format!("bf:{}", uuid::Uuid::now_v7()));
    let place = save(&state, id, input, None).await?;
    tracing::info!(staff = %who.staff.username, place = %place.id, "place created");
    Ok((StatusCode::CREATED, JsonResponse(place)))
}

/// Replaces a place's fields (its OSM tags are kept).
#[utoipa::path(put, path = "/admin/places/{id}", tag = "directory", request_body = PlaceInput, security(("bearer" = [])),
    params(("id" = String, Path, description = "place id")),
    responses((status = 200, body = Place), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    Path(id): Path<String>,
    Json(input): Json<PlaceInput>,
) -> Result<JsonResponse<Place>, ApiError> {
    let id = PlaceId(id);
    let previous = state
        .store
        .get_place(&id)
        .await?
        .ok_or_else(|| no_place(id.as_str()))?;
    let place = save(&state, id, input, Some(previous)).await?;
    tracing::info!(staff = %who.staff.username, place = %place.id, "place updated");
    Ok(JsonResponse(place))
}

/// Removes a place; residents' devices drop it at their next sync.
#[utoipa::path(delete, path = "/admin/places/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = String, Path, description = "place id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if !state.store.delete_place(&PlaceId(id.clone())).await? {
        return Err(no_place(&id));
    }
    tracing::info!(staff = %who.staff.username, place = %id, "place deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Imports a file of places: OSM GeoJSON (`application/geo+json` or
/// `application/json`) or CSV (`text/csv`), with a report per row.
#[utoipa::path(post, path = "/admin/places/import", tag = "directory", security(("bearer" = [])),
    request_body(content = String, content_type = "application/geo+json", description = "OSM GeoJSON, or CSV as text/csv"),
    responses(
        (status = 200, body = ImportReport),
        (status = 400, body = ErrorBody, description = "the file as a whole cannot be read"),
        (status = 401, body = ErrorBody),
        (status = 415, body = ErrorBody),
    ))]
pub async fn import(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<JsonResponse<ImportReport>, ApiError> {
    let mime = media_type(&headers);
    let format = match mime.as_str() {
        "application/geo+json" | "application/json" => Format::GeoJson,
        "text/csv" => Format::Csv,
        _ => {
            return Err(ApiError::UnsupportedMediaType(beffroi_domain::msg!(
                "err-import-media-type"
            )));
        }
    };
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest("invalid_file", beffroi_domain::msg!("err-not-utf8")))?;
    let report = import_places(
        state.store.as_ref(),
        format,
        text,
        crate::l10n::current(),
        state.settings.outlines.clone(),
    )
    .await
    .map_err(|e| match e {
        ImportError::Store(e) => ApiError::from(e),
        other => ApiError::BadRequest("invalid_file", other.msg()),
    })?;
    tracing::info!(staff = %who.staff.username, inserted = report.counts.inserted,
        updated = report.counts.updated, rejected = report.rejected.len(), "places imported");
    Ok(JsonResponse(report))
}
