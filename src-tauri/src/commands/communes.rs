use beffroi_domain::Commune;
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// The communes in the local cache (works offline).
#[tauri::command]
pub fn list_communes(state: State<'_, AppState>) -> Result<Vec<Commune>, CommandError> {
    Ok(state.client.communes()?)
}

/// How the town hall's maps are drawn (its base map, if any), as of the last sync.
#[tauri::command]
pub fn map_settings(
    state: State<'_, AppState>,
) -> Result<beffroi_domain::api::MapSettings, CommandError> {
    Ok(state.client.map_settings()?)
}
