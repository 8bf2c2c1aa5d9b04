//! Mutual aid: the neighbours' posts and the town hall's initiatives near a
//! place (offline), this device's posts and conversations, and what it
//! sends (written to its outbox first, then sent when the town hall answers).

use beffroi_client::aid::{AidListing, AidMine};
use beffroi_domain::aid::{AidKind, AidPost, NewAidPost};
use beffroi_domain::place::Position;
use tauri::State;

use crate::AppState;
use crate::error::CommandError;

/// Sends what waits now if the town hall answers; offline it stays queued
/// (the listener sends it at the next connection).
async fn send(state: &AppState) {
    if let Err(e) = state.client.send_aid_now().await {
        tracing::info!(error = %e, "mutual aid queued; sent when the town hall is reachable");
    }
}

/// The posts (not ended) and the initiatives nearest `from`, of one kind or all.
#[tauri::command]
pub fn aid_nearby(
    state: State<'_, AppState>,
    from: Position,
    kind: Option<AidKind>,
) -> Result<Vec<AidListing>, CommandError> {
    let now = chrono::Utc::now().fixed_offset();
    Ok(state.client.aid_nearby(from, kind, &now)?)
}

/// This device's posts, conversations and outbox.
#[tauri::command]
pub fn aid_mine(state: State<'_, AppState>) -> Result<AidMine, CommandError> {
    Ok(state.client.aid_mine()?)
}

/// Posts an offer or a request (checked here: a refusal queues nothing);
/// returns it as it will be shown (its point rounded).
#[tauri::command]
pub async fn aid_post(
    state: State<'_, AppState>,
    post: NewAidPost,
) -> Result<AidPost, CommandError> {
    let shown = state.client.post_aid(post)?;
    send(&state).await;
    Ok(shown)
}

/// Takes back one of this device's posts.
#[tauri::command]
pub async fn aid_withdraw(state: State<'_, AppState>, id: String) -> Result<(), CommandError> {
    state.client.withdraw_aid(&id)?;
    send(&state).await;
    Ok(())
}

/// Writes about a post: an answer (in this device's conversation about it),
/// or a reply in `thread`. Returns the thread's id.
#[tauri::command]
pub async fn aid_write(
    state: State<'_, AppState>,
    post: String,
    thread: Option<String>,
    text: String,
) -> Result<String, CommandError> {
    let thread = state.client.write_aid(&post, thread.as_deref(), &text)?;
    send(&state).await;
    Ok(thread)
}

/// Shares this device's contact in a conversation (`None`: takes it back).
#[tauri::command]
pub async fn aid_share(
    state: State<'_, AppState>,
    thread: String,
    contact: Option<String>,
) -> Result<(), CommandError> {
    state
        .client
        .share_aid_contact(&thread, contact.as_deref())?;
    send(&state).await;
    Ok(())
}

/// Closes a conversation.
#[tauri::command]
pub async fn aid_close(state: State<'_, AppState>, thread: String) -> Result<(), CommandError> {
    state.client.close_aid_thread(&thread)?;
    send(&state).await;
    Ok(())
}

/// Reports a post as abusive.
#[tauri::command]
pub async fn aid_abuse(
    state: State<'_, AppState>,
    post: String,
    reason: String,
) -> Result<(), CommandError> {
    state.client.report_aid_abuse(&post, &reason)?;
    send(&state).await;
    Ok(())
}

/// Forgets the requests the town hall refused (the resident read why).
#[tauri::command]
pub fn aid_dismiss(state: State<'_, AppState>) -> Result<(), CommandError> {
    state
        .client
        .store()
        .forget_refused_aid()
        .map_err(beffroi_client::ClientError::from)?;
    Ok(())
}
