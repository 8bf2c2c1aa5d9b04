use beffroi_client::reports::FiledReport;
use beffroi_domain::place::Position;
use beffroi_domain::report::{NearbyReport, NewReport, ReportCategory, ReporterView};
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// The kinds of report the town hall takes (from the last sync; works offline).
#[tauri::command]
pub fn report_categories(state: State<'_, AppState>) -> Result<Vec<ReportCategory>, CommandError> {
    Ok(state.client.report_categories()?)
}

/// Prepares a photo the resident picked (sent as the raw request body):
/// upright, at most 2048 px, no metadata. Returns its token for `file_report`.
#[tauri::command]
pub fn stage_photo(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<String, CommandError> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::Invalid(crate::error::say(
            &beffroi_domain::msg!("app-photo-bytes"),
        )));
    };
    Ok(state.client.stage_photo(bytes)?)
}

/// Files a report on this device (it is sent when the town hall is
/// reachable; the listener tries at once). Returns its id.
#[tauri::command]
pub async fn file_report(
    state: State<'_, AppState>,
    report: NewReport,
    photos: Vec<String>,
) -> Result<String, CommandError> {
    let id = state.client.file_report_staged(report, &photos)?;
    // Sent now if the town hall answers; otherwise it waits in the outbox.
    if let Err(e) = state.client.sync().await {
        tracing::info!(error = %e, "report queued; it will be sent when the town hall is reachable");
    }
    Ok(id)
}

/// The reports filed on this device, the newest first, with their status.
#[tauri::command]
pub fn filed_reports(state: State<'_, AppState>) -> Result<Vec<FiledReport>, CommandError> {
    Ok(state.client.filed_reports()?)
}

/// Photo `n` (from 1) of a report filed here, as prepared on this device
/// (JPEG bytes, sent as a raw response).
#[tauri::command]
pub fn report_photo(
    state: State<'_, AppState>,
    id: String,
    n: u32,
) -> Result<tauri::ipc::Response, CommandError> {
    // Only photos of reports filed here: the id is never taken as a path.
    let photos = state
        .client
        .store()
        .filed_photo_count(&id)
        .map_err(beffroi_client::ClientError::from)?;
    if !photos.is_some_and(|count| (1..=count).contains(&n)) {
        return Err(CommandError::Invalid(crate::error::say(
            &beffroi_domain::msg!("err-no-photo", name = n.to_string(), id = id.as_str()),
        )));
    }
    let bytes = std::fs::read(state.client.photo_path(&id, n))
        .map_err(|e| CommandError::Storage(e.to_string()))?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// The open reports of this category within 50 m (online only; offline the
/// resident just files theirs).
#[tauri::command]
pub async fn nearby_reports(
    state: State<'_, AppState>,
    category: String,
    at: Position,
) -> Result<Vec<NearbyReport>, CommandError> {
    Ok(state.client.nearby_reports(&category, at).await?)
}

/// Follows a report someone else filed instead of filing the same.
#[tauri::command]
pub async fn follow_report(
    state: State<'_, AppState>,
    id: String,
) -> Result<ReporterView, CommandError> {
    Ok(state.client.follow_report(&id).await?)
}

/// The reports filed by others that this device follows.
#[tauri::command]
pub fn followed_reports(state: State<'_, AppState>) -> Result<Vec<ReporterView>, CommandError> {
    Ok(state.client.followed_public_reports()?)
}
