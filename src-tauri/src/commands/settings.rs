use beffroi_client::{ServerCheck, Settings, TrustedKey};
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
        return Err(CommandError::Invalid(crate::error::say(
            &beffroi_domain::msg!("app-unknown-commune", code = home_commune.as_str()),
        )));
    }
    let mut settings = state.client.settings()?;
    settings.lang = Some(lang);
    settings.home_commune = Some(home_commune);
    state.client.set_settings(&settings)?;
    crate::error::set_lang(lang);
    crate::tray::relabel(&app, lang);
    Ok(settings)
}

/// The town hall keys this device trusts, with the fingerprints the resident
/// can compare with the town hall's poster.
#[tauri::command]
pub fn trusted_keys(state: State<'_, AppState>) -> Result<Vec<TrustedKey>, CommandError> {
    Ok(state.client.trusted_keys()?)
}

/// Checks a town hall the resident typed (an address) or pasted (the link on
/// its poster): it answers as Beffroi, names its territory, and holds the key
/// the link gave. Nothing is saved.
#[tauri::command]
pub async fn check_server(
    state: State<'_, AppState>,
    address: String,
) -> Result<ServerCheck, CommandError> {
    Ok(state.client.check_server(&address).await?)
}

/// Chooses the town hall the resident checked (checked again here: what is
/// saved is what answered), then listens to its alerts.
#[tauri::command]
pub async fn choose_server(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    address: String,
) -> Result<Settings, CommandError> {
    let check = state.client.check_server(&address).await?;
    state.client.choose_server(&check)?;
    crate::listen(&app, &state.client);
    Ok(state.client.settings()?)
}

/// When the page's first screen came, by the page's own clock: its time
/// origin (the navigation's start, milliseconds since the Unix epoch) and
/// milliseconds after it. Each may be missing (a webview without the clock):
/// the first screen is said all the same.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PageMarks {
    origin: Option<f64>,
    script: Option<f64>,
    settings: Option<f64>,
    drawn: Option<f64>,
}

/// The front end's first screen is on the window: the syncs may start (see
/// `FIRST_SCREEN_WAIT`), and it is said once in the log, so a measure of
/// cold start (`scripts/bench-app.mjs`) can time it from outside, with the
/// page's steps (`marks`) to say where the time went.
#[tauri::command]
pub fn painted(state: State<'_, AppState>, marks: Option<PageMarks>) {
    state.first_screen.notify_one();
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let m = marks.unwrap_or_default();
        tracing::info!(
            page_origin_ms = m.origin,
            script_ms = m.script,
            settings_ms = m.settings,
            drawn_ms = m.drawn,
            "first screen painted"
        );
    });
}
