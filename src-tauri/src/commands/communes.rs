use beffroi_domain::Commune;
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// The communes in the local cache (works offline).
#[tauri::command]
pub fn list_communes(state: State<'_, AppState>) -> Result<Vec<Commune>, CommandError> {
    Ok(state.client.communes()?)
}
