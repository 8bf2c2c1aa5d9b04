use beffroi_client::Settings;
use beffroi_client::places::SavedPlace;
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// The places the resident follows besides home.
#[tauri::command]
pub fn list_places(state: State<'_, AppState>) -> Result<Vec<SavedPlace>, CommandError> {
    Ok(state.client.places()?)
}

/// Saves a place (replacing the one named `replacing`), checked against the
/// synced territory; returns it as saved (a point with its commune).
#[tauri::command]
pub fn save_place(
    state: State<'_, AppState>,
    place: SavedPlace,
    replacing: Option<String>,
) -> Result<SavedPlace, CommandError> {
    Ok(state.client.save_place(place, replacing.as_deref())?)
}

/// Stops following a place.
#[tauri::command]
pub fn remove_place(state: State<'_, AppState>, name: String) -> Result<bool, CommandError> {
    Ok(state.client.remove_place(&name)?)
}

/// How alerts notify: test and exercise alerts or not, and whether an
/// extreme alert may sound through do-not-disturb.
#[tauri::command]
pub fn set_notifications(
    state: State<'_, AppState>,
    tests: bool,
    critical: bool,
) -> Result<Settings, CommandError> {
    let mut settings = state.client.settings()?;
    settings.notify_tests = tests;
    settings.critical_alerts = critical;
    state.client.set_settings(&settings)?;
    Ok(settings)
}
