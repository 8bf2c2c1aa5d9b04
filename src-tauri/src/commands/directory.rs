use beffroi_client::directory::{PlaceResult, SearchQuery};
use beffroi_domain::directory::PlaceDetails;
use beffroi_domain::hours::TIMEZONE;
use beffroi_domain::place::PlaceId;
use chrono::{DateTime, FixedOffset};
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// `at` (RFC 3339), else the app's fixed clock, else now in the territory's time zone.
fn moment(state: &AppState, at: Option<String>) -> Result<DateTime<FixedOffset>, CommandError> {
    match at {
        Some(s) => DateTime::parse_from_rfc3339(&s).map_err(|_| {
            CommandError::Invalid(crate::error::say(&beffroi_domain::msg!(
                "app-not-a-time",
                value = s.as_str()
            )))
        }),
        None => Ok(state
            .clock
            .unwrap_or_else(|| chrono::Utc::now().with_timezone(&TIMEZONE).fixed_offset())),
    }
}

fn lang(state: &AppState) -> Result<beffroi_domain::Lang, CommandError> {
    Ok(state.client.settings()?.lang.unwrap_or_default())
}

/// Searches the offline directory, evaluating hours at `at` (default: now).
#[tauri::command]
pub fn search_places(
    state: State<'_, AppState>,
    query: SearchQuery,
    at: Option<String>,
) -> Result<Vec<PlaceResult>, CommandError> {
    let at = moment(&state, at)?;
    Ok(state.client.search(&query, &at, lang(&state)?)?)
}

#[tauri::command]
pub fn get_place(
    state: State<'_, AppState>,
    id: String,
    at: Option<String>,
) -> Result<PlaceDetails, CommandError> {
    let at = moment(&state, at)?;
    let result = state
        .client
        .place(&PlaceId(id.clone()), &at, lang(&state)?)?
        .ok_or_else(|| {
            CommandError::Invalid(crate::error::say(&beffroi_domain::msg!(
                "app-no-place",
                id = id.as_str()
            )))
        })?;
    let week = state.client.place_week(&result.place, &at);
    Ok(PlaceDetails { result, week })
}

/// How many places the device holds (the last sync's time is in `sync_status`).
#[tauri::command]
pub fn directory_size(state: State<'_, AppState>) -> Result<u64, CommandError> {
    Ok(state
        .client
        .store()
        .place_count()
        .map_err(beffroi_client::ClientError::from)?)
}

/// Every category with its group, in the taxonomy's order (for filters).
#[tauri::command]
pub fn list_categories() -> Vec<beffroi_domain::place::CategoryInfo> {
    beffroi_domain::place::CategoryInfo::all()
}

/// Where "nearest to my commune" measures from: the home commune's town hall
/// in the directory, else the centre of its places; `None` when unknown.
#[tauri::command]
pub fn home_centre(
    state: State<'_, AppState>,
) -> Result<Option<beffroi_domain::place::Position>, CommandError> {
    let Some(home) = state.client.settings()?.home_commune else {
        return Ok(None);
    };
    Ok(state
        .client
        .store()
        .commune_centre(&home)
        .map_err(beffroi_client::ClientError::from)?)
}
