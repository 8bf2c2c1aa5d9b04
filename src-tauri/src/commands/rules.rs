use beffroi_domain::measure::RulesAt;
use tauri::State;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::CommandError;

/// The rules in force (and coming within a week) at home and at each place
/// followed, from what was synced: works offline. At the app's fixed clock
/// when it has one.
#[tauri::command]
pub fn rules_in_force(state: State<'_, AppState>) -> Result<RulesAt, CommandError> {
    let now = state
        .clock
        .and_then(|c| OffsetDateTime::from_unix_timestamp(c.timestamp()).ok())
        .unwrap_or_else(OffsetDateTime::now_utc);
    Ok(RulesAt {
        at: now,
        places: state.client.rules(now)?,
    })
}
