use beffroi_client::alerts::ResidentAlert;
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// Every alert received (works offline), the most recent first.
#[tauri::command]
pub fn list_alerts(state: State<'_, AppState>) -> Result<Vec<ResidentAlert>, CommandError> {
    Ok(state.client.alerts()?)
}

/// Marks an alert read up to its latest message.
#[tauri::command]
pub fn mark_alert_read(state: State<'_, AppState>, thread: String) -> Result<bool, CommandError> {
    Ok(state.client.mark_alert_read(&thread)?)
}

/// The public link to an alert, to share.
#[tauri::command]
pub fn alert_link(state: State<'_, AppState>, thread: String) -> Result<String, CommandError> {
    Ok(state.client.alert_link(&thread)?)
}
