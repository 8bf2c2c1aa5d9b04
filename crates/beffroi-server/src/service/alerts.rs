//! The alerts' workflows, whoever asks: staff through the console's JSON,
//! the town hall's tools through CAP 1.2, the tests. Each checks what it is
//! given against the domain rules and the territory, signs, stores (one
//! transaction with the audit entry), then announces: to this server's live
//! streams, to the other servers through the bus, and to phones by Web Push.
//! The HTTP handlers (`routes::alerts`) only read requests and shape answers.

use beffroi_domain::alert::{AlertDraft, AlertMessage, AlertText, MsgType, StaffAlert};
use beffroi_domain::l10n::Localize;
use beffroi_domain::msg;
use time::OffsetDateTime;

use crate::AppState;
use crate::cap;
use crate::error::ApiError;
use crate::store::{Expect, Publication};

/// Now, to the second (CAP times have no fractions).
fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

fn truncate(t: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    t.map(|t| t.replace_nanosecond(0).unwrap_or(t))
}

/// Who wrote a draft: staff get CAP's recommended headline length (except on
/// the blocks they keep as they were sent), a CAP message from the town
/// hall's other tools is taken as CAP allows it.
#[derive(Clone, Copy)]
enum Author<'a> {
    Staff { kept: &'a [AlertText] },
    CapImport,
}

/// Checks a draft against the domain rules and the territory's communes.
async fn checked(
    state: &AppState,
    mut draft: AlertDraft,
    author: Author<'_>,
) -> Result<AlertDraft, ApiError> {
    draft.effective = truncate(draft.effective);
    draft.onset = truncate(draft.onset);
    draft.expires = truncate(draft.expires);
    // A blank event or audience is none.
    for t in &mut draft.texts {
        for label in [&mut t.event, &mut t.audience] {
            if label.as_deref().is_some_and(|l| l.trim().is_empty()) {
                *label = None;
            }
        }
    }
    match author {
        Author::Staff { kept } => draft.validate_staff(kept),
        Author::CapImport => draft.validate(),
    }
    .map_err(|e| ApiError::invalid("invalid_alert", &e))?;
    if let Some(shapes) = draft.area.shapes()
        && !state.settings.outlines.is_empty()
        && state.settings.outlines.reached(&shapes).is_empty()
    {
        return Err(ApiError::Unprocessable(
            "invalid_alert",
            msg!("err-shapes-outside"),
        ));
    }
    if let beffroi_domain::alert::Area::Communes { communes, .. } = &mut draft.area {
        let known = state.store.communes().await?;
        if let Some(unknown) = communes
            .iter()
            .find(|c| !known.iter().any(|k| &k.code == *c))
        {
            return Err(ApiError::Unprocessable(
                "invalid_alert",
                msg!("err-commune-outside", code = unknown.as_str()),
            ));
        }
        communes.sort();
        communes.dedup();
    }
    Ok(draft)
}

pub(crate) fn no_alert(id: &str) -> ApiError {
    ApiError::NotFound(msg!("err-no-alert", id = id))
}

/// Signs, stores, then announces a message.
async fn send(
    state: &AppState,
    alert_id: String,
    expect: Expect,
    message: AlertMessage,
    actor: &str,
    action: &'static str,
) -> Result<(), ApiError> {
    message
        .validate()
        .map_err(|e| ApiError::invalid("invalid_alert", &e))?;
    let signed = state
        .keys
        .sign(&message)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let signed = serde_json::to_string(&signed).map_err(|e| ApiError::Internal(e.to_string()))?;
    let sent = state
        .store
        .publish(Publication {
            alert_id: alert_id.clone(),
            expect,
            draft: message.body.clone(),
            message: message.clone(),
            signed,
            actor: actor.to_owned(),
            action,
        })
        .await?;
    state.metrics.published.inc();
    tracing::info!(staff = actor, alert = %alert_id, message = %message.identifier,
        kind = %message.msg_type, cursor = sent.cursor.0, "alert message sent");
    let cursor = sent.cursor;
    // Stored: whatever happens next, devices get it at their next catch-up.
    if let Err(e) = state.hub.catch_up(state.store.as_ref()).await {
        tracing::warn!(error = %e, "cannot announce the alerts stored");
    }
    if let Err(e) = state.bus.notify(cursor).await {
        tracing::warn!(error = %e, "cannot tell the other servers of an alert");
    }
    // Phones whose app or page is closed: pushed apart, never delaying this.
    tokio::spawn(crate::webpush::dispatch(
        state.pusher.clone(),
        state.store.clone(),
        state.settings.outlines.clone(),
        message,
        cursor,
    ));
    Ok(())
}

/// A message of this town hall: its name as the issuer, and its contact in
/// every text that names none.
pub fn new_message(
    state: &AppState,
    msg_type: MsgType,
    mut body: AlertDraft,
    references: Vec<beffroi_domain::alert::Reference>,
) -> AlertMessage {
    if let Some(contact) = &state.settings.issuer_contact {
        for t in body.texts.iter_mut().filter(|t| t.contact.is_none()) {
            t.contact = Some(contact.clone());
        }
    }
    AlertMessage {
        identifier: format!("bf-{}", uuid::Uuid::now_v7()),
        sender: state.settings.sender.clone(),
        sent: now(),
        msg_type,
        references,
        sender_name: Some(state.settings.sender_name.clone()),
        body,
    }
}

/// One alert, or 404.
pub async fn get(state: &AppState, id: &str) -> Result<StaffAlert, ApiError> {
    state
        .store
        .get_alert(id.to_owned())
        .await?
        .ok_or_else(|| no_alert(id))
}

/// Drafts an alert (nothing is sent).
pub async fn create_draft(
    state: &AppState,
    draft: AlertDraft,
    actor: &str,
) -> Result<StaffAlert, ApiError> {
    let draft = checked(state, draft, Author::Staff { kept: &[] }).await?;
    let id = uuid::Uuid::now_v7().to_string();
    Ok(state
        .store
        .create_alert(id, draft, actor.to_owned())
        .await?)
}

/// Replaces a draft's content (before it is sent).
pub async fn edit_draft(
    state: &AppState,
    id: String,
    draft: AlertDraft,
    actor: &str,
) -> Result<StaffAlert, ApiError> {
    let draft = checked(state, draft, Author::Staff { kept: &[] }).await?;
    Ok(state.store.edit_alert(id, draft, actor.to_owned()).await?)
}

/// Sends a draft to residents. With `reviewed` (the draft's `updated_at` as
/// the publisher reviewed it), a draft changed since is refused: what the
/// publisher reviewed is what goes out.
pub async fn publish(
    state: &AppState,
    id: &str,
    reviewed: Option<OffsetDateTime>,
    actor: &str,
) -> Result<StaffAlert, ApiError> {
    let a = get(state, id).await?;
    if reviewed.is_some_and(|r| r != a.updated_at) {
        return Err(ApiError::Conflict(
            "draft_changed",
            msg!("err-draft-changed", who = &a.created_by),
        ));
    }
    let draft = checked(state, a.draft, Author::Staff { kept: &[] }).await?;
    let m = new_message(state, MsgType::Alert, draft, vec![]);
    send(state, id.to_owned(), Expect::Draft, m, actor, "publish").await?;
    get(state, id).await
}

/// Sends an update of a sent alert with new content.
pub async fn update(
    state: &AppState,
    id: &str,
    draft: AlertDraft,
    actor: &str,
) -> Result<StaffAlert, ApiError> {
    follow_up(state, id, MsgType::Update, Some(draft), actor).await
}

/// Cancels a sent alert.
pub async fn cancel(state: &AppState, id: &str, actor: &str) -> Result<StaffAlert, ApiError> {
    follow_up(state, id, MsgType::Cancel, None, actor).await
}

/// Publishes a CAP 1.2 document from the town hall's own tools at once: an
/// `Alert` starts a new alert, an `Update` or `Cancel` applies to the alert
/// of the message it references. Hostile XML is refused before anything is
/// read of it (`cap::decode`, `cap::from_xml`).
pub async fn publish_cap(
    state: &AppState,
    document: &[u8],
    actor: &str,
) -> Result<StaffAlert, ApiError> {
    let text = cap::decode(document).map_err(|e| ApiError::BadRequest("invalid_cap", e.msg()))?;
    let mut message = cap::from_xml(&text, &state.settings.territory_code)
        .map_err(|e| ApiError::BadRequest("invalid_cap", e.msg()))?;
    message.body = checked(state, message.body, Author::CapImport).await?;
    let (id, expect) = match message.msg_type {
        MsgType::Alert => (uuid::Uuid::now_v7().to_string(), Expect::New),
        MsgType::Update | MsgType::Cancel => {
            let id = referenced_alert(state, &mut message).await?;
            (id, Expect::Published)
        }
    };
    send(state, id.clone(), expect, message, actor, "publish_cap").await?;
    get(state, &id).await
}

/// A message following a sent alert's: an update (new content, checked
/// against what the alert had) or a cancellation.
async fn follow_up(
    state: &AppState,
    id: &str,
    msg_type: MsgType,
    draft: Option<AlertDraft>,
    actor: &str,
) -> Result<StaffAlert, ApiError> {
    let a = get(state, id).await?;
    let references = references_to(state, id).await?;
    let body = match draft {
        Some(d) => {
            checked(
                state,
                d,
                Author::Staff {
                    kept: &a.draft.texts,
                },
            )
            .await?
        }
        None => a.draft,
    };
    let action = match msg_type {
        MsgType::Cancel => "cancel",
        _ => "update",
    };
    let m = new_message(state, msg_type, body, references);
    send(state, id.to_owned(), Expect::Published, m, actor, action).await?;
    get(state, id).await
}

/// References to every message of alert `id`, the first first (what a
/// message following them carries).
async fn references_to(
    state: &AppState,
    id: &str,
) -> Result<Vec<beffroi_domain::alert::Reference>, ApiError> {
    Ok(state
        .store
        .alert_messages(id.to_owned())
        .await?
        .iter()
        .map(AlertMessage::reference)
        .collect())
}

/// The alert a CAP Update or Cancel applies to: the one alert here its
/// references name (other senders' messages may be named too). Its
/// references are rewritten to that alert's messages, first message first,
/// then the others it named: the feed and every device take an alert's
/// thread from the first reference, so they agree with the console.
async fn referenced_alert(
    state: &AppState,
    message: &mut AlertMessage,
) -> Result<String, ApiError> {
    let mut found: Option<String> = None;
    let mut foreign = Vec::new();
    for r in &message.references {
        match state.store.alert_of_message(r.identifier.clone()).await? {
            Some(id) if found.as_ref().is_some_and(|f| *f != id) => {
                return Err(ApiError::Unprocessable(
                    "ambiguous_reference",
                    msg!("err-ambiguous-reference"),
                ));
            }
            Some(id) => found = Some(id),
            None => foreign.push(r.clone()),
        }
    }
    let id = found.ok_or_else(|| {
        ApiError::Unprocessable("unknown_reference", msg!("err-unknown-reference"))
    })?;
    let mut references = references_to(state, &id).await?;
    references.extend(foreign);
    message.references = references;
    Ok(id)
}
