use beffroi_client::{Settings, TrustedKey};
use beffroi_domain::{InseeCode, Lang};
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> Result<Settings, CommandError> {
    Ok(state.client.settings()?)
}

/// Saves the first-run (or settings screen) choices. The commune must be one
/// of the synced communes.
#[tauri::command]
pub fn save_settings(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    lang: Lang,
    home_commune: InseeCode,
) -> Result<Settings, CommandError> {
    let known = state
        .client
        .communes()?
        .iter()
        .any(|c| c.code == home_commune);
    if !known {
        return Err(CommandError::Invalid(format!(
            "unknown commune {home_commune}: choose one from the list"
        )));
    }
    let mut settings = state.client.settings()?;
    settings.lang = Some(lang);
    settings.home_commune = Some(home_commune);
    state.client.set_settings(&settings)?;
    crate::tray::relabel(&app, lang);
    Ok(settings)
}

/// The town hall keys this device trusts, with the fingerprints the resident
/// can compare with the town hall's poster.
#[tauri::command]
pub fn trusted_keys(state: State<'_, AppState>) -> Result<Vec<TrustedKey>, CommandError> {
    Ok(state.client.trusted_keys()?)
}
