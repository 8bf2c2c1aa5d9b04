use beffroi_client::{SyncReport, SyncStatus};
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// Pulls changes from the town hall server; `offline` when it cannot be reached.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncReport, CommandError> {
    Ok(state.client.sync().await?)
}

/// When the last sync succeeded and whether the last attempt reached the server.
#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, CommandError> {
    Ok(state.client.sync_status()?)
}
