use beffroi_domain::advice::AdvicePage;
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// The town hall's advice pages for home and the places followed (the
/// territory's and their communes'), rendered here from what was synced:
/// works offline.
#[tauri::command]
pub fn advice_pages(state: State<'_, AppState>) -> Result<Vec<AdvicePage>, CommandError> {
    Ok(state.client.advice_pages()?)
}

/// One advice page (an alert's link may name any), from what was synced.
#[tauri::command]
pub fn advice_page(state: State<'_, AppState>, id: String) -> Result<AdvicePage, CommandError> {
    state.client.advice_page(&id)?.ok_or_else(|| {
        CommandError::Invalid(crate::error::say(&beffroi_domain::msg!(
            "err-no-advice",
            id = &id
        )))
    })
}
