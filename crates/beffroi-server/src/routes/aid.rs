//! Mutual aid: residents' offers and requests of help, posted with no
//! account, moderated by staff, read by everyone as a delta feed, answered
//! through the town hall.
//!
//! A device identifies itself only by its posting key: a random secret it
//! makes once and sends in the `Beffroi-Aid-Key` header (never in a URL).
//! The server keeps its SHA-256 (what staff can block), never the key, and
//! nothing of it goes out but to staff, as a short fingerprint. A post's
//! point is rounded on arrival (about 200 m); its commune is found from
//! the exact point, which is then dropped: nothing stores or answers it.

use axum::Json as JsonResponse;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use beffroi_domain::aid::{
    self, AidInbox, AidPost, AidState, NewAidMessage, NewAidPost, StaffAidPost,
};
use beffroi_domain::api::ErrorBody;
use beffroi_domain::l10n::Localize;
use beffroi_domain::sync::page_limit;
use beffroi_domain::{Cursor, InseeCode, SyncPage, msg};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{AnyStaff, Authorized, Json, Publisher, Query};
use crate::limits::{self, Peer};
use crate::routes::communes::SinceQuery;
use crate::service::reports::hex;
use crate::store::aid::{AidAction, AidMessageWrite, AidSent, AidSubmission, AidSubmitted};

/// The header a device sends its posting key in.
pub const KEY_HEADER: &str = "beffroi-aid-key";

/// A device's posting key, as the server keeps it: its SHA-256, in hex.
#[derive(Debug, Clone)]
pub struct AidKey(pub String);

/// The hash of a posting key: 32 to 128 characters of the URL-safe Base64
/// alphabet (a device makes 32 random bytes).
pub fn key_hash(key: &str) -> Option<String> {
    let ok = (32..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| hex(&Sha256::digest(key.as_bytes())))
}

impl FromRequestParts<AppState> for AidKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .headers
            .get(KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|k| key_hash(k.trim()))
            .map(AidKey)
            .ok_or(ApiError::BadRequest("aid_key", msg!("aid-key-missing")))
    }
}

/// Refuses a device that writes too much (posts, messages, abuse
/// reports), once what it sent is found valid (a resident's mistakes do
/// not use up their budget); the per-address budget, checked before
/// anything is read, bounds a device that makes new keys, this one a
/// device behind an address many share.
fn check_key(limiter: &limits::AccountLimiter, key: &AidKey) -> Result<(), ApiError> {
    if limiter.check_key(&key.0).is_err() {
        return Err(ApiError::TooManyRequests(msg!(
            "err-too-many",
            what = "aid"
        )));
    }
    Ok(())
}

fn invalid(e: &aid::AidError) -> ApiError {
    ApiError::Unprocessable("invalid_aid", e.msg())
}

/// What a posting did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AidPosted {
    pub id: String,
    /// `pending` (waiting for moderation) or `published`.
    pub state: AidState,
}

/// Posts an offer or a request of help. The same post sent again answers
/// the same (200) and keeps nothing more.
#[utoipa::path(post, path = "/aid/posts", tag = "aid", request_body = NewAidPost,
    params(("Beffroi-Aid-Key" = String, Header, description = "the device's posting key")),
    responses(
        (status = 201, body = AidPosted, description = "kept"),
        (status = 200, body = AidPosted, description = "kept before"),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "this device is blocked"),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    peer: Peer,
    key: AidKey,
    Json(new): Json<NewAidPost>,
) -> Result<(StatusCode, JsonResponse<AidPosted>), ApiError> {
    limits::check(&state.aid_address_limiter, &peer, "aid")?;
    let now = crate::store::aid::now_secs();
    new.validate(now).map_err(|e| invalid(&e))?;
    // The exact point goes no further than this line: the commune and the
    // digest are made from the rounded one (a cell across a border says no
    // more than the cell; the digest cannot be searched for the door).
    let mut new = new;
    new.place.near = new.place.near.map(aid::round_point);
    let commune: InseeCode = match (&new.place.commune, &new.place.near) {
        (Some(code), _) => {
            crate::service::in_territory(&state, std::slice::from_ref(code), "invalid_aid").await?;
            code.clone()
        }
        (None, Some(at)) => state
            .settings
            .outlines
            .commune_near(at)
            .cloned()
            .ok_or_else(|| {
                ApiError::Unprocessable(
                    "outside_territory",
                    msg!("err-report-outside", lat = at.lat, lon = at.lon),
                )
            })?,
        (None, None) => return Err(invalid(&aid::AidError::NoPlace)),
    };
    limits::check(&state.aid_post_address_limiter, &peer, "aid")?;
    check_key(&state.aid_post_limiter, &key)?;
    let digest = hex(&Sha256::digest(
        serde_json::to_vec(&new).map_err(|e| ApiError::Internal(e.to_string()))?,
    ));
    let mut post = new.published(now);
    post.commune = Some(commune);
    let id = post.id.clone();
    let answer = |status, state| Ok((status, JsonResponse(AidPosted { id, state })));
    match state
        .store
        .submit_aid(AidSubmission {
            post,
            key_hash: key.0,
            digest,
        })
        .await?
    {
        AidSubmitted::New(s) => answer(StatusCode::CREATED, s),
        AidSubmitted::Again(s) => answer(StatusCode::OK, s),
        AidSubmitted::Clash => Err(ApiError::Conflict("aid_clash", msg!("aid-post-clash"))),
        AidSubmitted::Blocked => Err(ApiError::Forbidden(msg!("aid-key-blocked"))),
    }
}

/// The published posts changed after a cursor, and the ids of those no
/// longer published (hidden, withdrawn, expired): what devices keep to
/// browse offline. Nothing in a post says who wrote it or where exactly.
#[utoipa::path(get, path = "/aid/posts", tag = "aid", params(SinceQuery),
    responses((status = 200, body = SyncPage<AidPost>), (status = 400, body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    Query(q): Query<SinceQuery>,
) -> Result<JsonResponse<SyncPage<AidPost>>, ApiError> {
    Ok(JsonResponse(
        state
            .store
            .aid_since(Cursor(q.since.unwrap_or(0)), page_limit(q.limit))
            .await?,
    ))
}

/// Its author takes a post back (it leaves every device at their next sync).
#[utoipa::path(delete, path = "/aid/posts/{id}", tag = "aid",
    params(("id" = String, Path), ("Beffroi-Aid-Key" = String, Header, description = "the key it was posted with")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    peer: Peer,
    key: AidKey,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    limits::check(&state.aid_address_limiter, &peer, "aid")?;
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(ApiError::NotFound(msg!("aid-no-post")));
    }
    let action = AidAction::Withdraw { key_hash: key.0 };
    match state.store.moderate_aid(id, action, String::new()).await? {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(ApiError::NotFound(msg!("aid-no-post"))),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AbuseReport {
    /// Why (may be empty; at most 300 characters).
    #[serde(default)]
    pub reason: String,
}

/// Reports a published post as abusive: staff see how many devices did
/// and why. Once per device.
#[utoipa::path(post, path = "/aid/posts/{id}/abuse", tag = "aid", request_body = AbuseReport,
    params(("id" = String, Path), ("Beffroi-Aid-Key" = String, Header)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn abuse(
    State(state): State<AppState>,
    peer: Peer,
    key: AidKey,
    Path(id): Path<String>,
    Json(report): Json<AbuseReport>,
) -> Result<StatusCode, ApiError> {
    limits::check(&state.aid_address_limiter, &peer, "aid")?;
    aid::check_reason(&report.reason).map_err(|e| invalid(&e))?;
    check_key(&state.aid_write_limiter, &key)?;
    match state
        .store
        .report_aid_abuse(
            id,
            key.0,
            report.reason.trim().to_owned(),
            OffsetDateTime::now_utc(),
        )
        .await?
    {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(ApiError::NotFound(msg!("aid-post-not-found"))),
    }
}

/// Sends a message about a post through the town hall: the first one from
/// a resident answering a published post opens a conversation with its
/// author; after that, either side writes in it. The other side is told on
/// its live stream (`event: aid`). No contact crosses: a message that
/// gives one is refused (see `PUT /aid/threads/{id}/contact`).
#[utoipa::path(post, path = "/aid/messages", tag = "aid", request_body = NewAidMessage,
    params(("Beffroi-Aid-Key" = String, Header)),
    responses((status = 201), (status = 200, description = "relayed before"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn message(
    State(state): State<AppState>,
    peer: Peer,
    key: AidKey,
    Json(new): Json<NewAidMessage>,
) -> Result<StatusCode, ApiError> {
    limits::check(&state.aid_address_limiter, &peer, "aid")?;
    new.validate().map_err(|e| invalid(&e))?;
    check_key(&state.aid_write_limiter, &key)?;
    let mut new = new;
    new.text = new.text.trim().to_owned();
    let sent = state
        .store
        .send_aid_message(AidMessageWrite {
            message: new,
            key_hash: key.0.clone(),
            at: OffsetDateTime::now_utc(),
        })
        .await?;
    match sent {
        AidSent::New { sides } => {
            announce(&state, &sides).await;
            Ok(StatusCode::CREATED)
        }
        AidSent::Again => Ok(StatusCode::OK),
        AidSent::Clash => Err(ApiError::Conflict("aid_clash", msg!("aid-message-clash"))),
        AidSent::NotFound => Err(ApiError::NotFound(msg!("aid-post-not-found"))),
        AidSent::OwnPost => Err(ApiError::Unprocessable(
            "aid_own_post",
            msg!("aid-own-post"),
        )),
        AidSent::Blocked => Err(ApiError::Forbidden(msg!("aid-key-blocked"))),
        AidSent::Closed => Err(ApiError::Conflict("aid_closed", msg!("aid-thread-closed"))),
        AidSent::Full => Err(ApiError::Conflict("aid_full", msg!("aid-post-full"))),
    }
}

/// Tells both sides' streams that their thread changed (each reads its
/// inbox: the frame says nothing more).
async fn announce(state: &AppState, sides: &[String; 2]) {
    for key_hash in sides {
        state
            .announce(crate::store::News::Aid {
                key_hash: key_hash.clone(),
            })
            .await;
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SharedContact {
    /// A phone number or an email to give the other side, shown to them
    /// only once they share theirs too; `null` takes it back.
    pub contact: Option<String>,
}

/// Chooses to share (or no longer share) one's contact in a conversation.
#[utoipa::path(put, path = "/aid/threads/{id}/contact", tag = "aid", request_body = SharedContact,
    params(("id" = String, Path), ("Beffroi-Aid-Key" = String, Header)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn share(
    State(state): State<AppState>,
    peer: Peer,
    key: AidKey,
    Path(thread): Path<String>,
    Json(shared): Json<SharedContact>,
) -> Result<StatusCode, ApiError> {
    limits::check(&state.aid_address_limiter, &peer, "aid")?;
    let contact = shared.contact.map(|c| c.trim().to_owned());
    if let Some(c) = &contact {
        aid::check_contact(c).map_err(|e| invalid(&e))?;
    }
    check_key(&state.aid_write_limiter, &key)?;
    match state
        .store
        .share_aid_contact(thread, key.0, contact)
        .await?
    {
        Some(sides) => {
            announce(&state, &sides).await;
            Ok(StatusCode::NO_CONTENT)
        }
        None => Err(ApiError::NotFound(msg!("aid-thread-not-found"))),
    }
}

/// Closes a conversation (either side): no more messages either way. For
/// an author who has found help, or is being pestered.
#[utoipa::path(delete, path = "/aid/threads/{id}", tag = "aid",
    params(("id" = String, Path), ("Beffroi-Aid-Key" = String, Header)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    peer: Peer,
    key: AidKey,
    Path(thread): Path<String>,
) -> Result<StatusCode, ApiError> {
    limits::check(&state.aid_address_limiter, &peer, "aid")?;
    match state.store.close_aid_thread(thread, key.0).await? {
        Some(sides) => {
            announce(&state, &sides).await;
            Ok(StatusCode::NO_CONTENT)
        }
        None => Err(ApiError::NotFound(msg!("aid-thread-not-found"))),
    }
}

/// What this device's key sees: its own posts and their state, its
/// conversations (the other side's contact once both share), and their
/// messages after `since`.
#[utoipa::path(get, path = "/aid/inbox", tag = "aid", params(SinceQuery, ("Beffroi-Aid-Key" = String, Header)),
    responses((status = 200, body = AidInbox), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    peer: Peer,
    key: AidKey,
    Query(q): Query<SinceQuery>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    limits::check(&state.threads_limiter, &peer, "read")?;
    let inbox = state
        .store
        .aid_inbox(key.0, Cursor(q.since.unwrap_or(0)), page_limit(q.limit))
        .await?;
    // Contacts: kept by no cache on the way.
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store, private")],
        JsonResponse(inbox),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StaffQuery {
    /// Only posts in this state (`pending`: the moderation queue).
    state: Option<AidState>,
}

/// Posts for moderation, newest first, with their abuse reports and the
/// fingerprint of the device that posted them.
#[utoipa::path(get, path = "/admin/aid", tag = "aid", security(("bearer" = [])), params(StaffQuery),
    responses((status = 200, body = Vec<StaffAidPost>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
    Query(q): Query<StaffQuery>,
) -> Result<JsonResponse<Vec<StaffAidPost>>, ApiError> {
    Ok(JsonResponse(state.store.list_aid(q.state, 500).await?))
}

async fn moderate(
    state: &AppState,
    id: String,
    action: AidAction,
    actor: &str,
) -> Result<JsonResponse<StaffAidPost>, ApiError> {
    match state
        .store
        .moderate_aid(id.clone(), action, actor.to_owned())
        .await?
    {
        Some(post) => Ok(JsonResponse(post)),
        None => Err(ApiError::NotFound(msg!("err-no-aid-post", id = &id))),
    }
}

/// Publishes a pending (or hidden) post.
#[utoipa::path(post, path = "/admin/aid/{id}/approve", tag = "aid", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = StaffAidPost), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<JsonResponse<StaffAidPost>, ApiError> {
    moderate(&state, id, AidAction::Approve, who.staff.username.as_str()).await
}

/// Hides a post from everyone (it leaves devices at their next sync).
#[utoipa::path(post, path = "/admin/aid/{id}/hide", tag = "aid", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = StaffAidPost), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn hide(
    State(state): State<AppState>,
    who: Authorized<AnyStaff>,
    Path(id): Path<String>,
) -> Result<JsonResponse<StaffAidPost>, ApiError> {
    moderate(&state, id, AidAction::Hide, who.staff.username.as_str()).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Blocking {
    pub blocked: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Blocked {
    /// How many of the device's posts were hidden with it.
    pub hidden: u64,
}

/// Blocks (or unblocks) the device that wrote a post: blocked, it can no
/// longer post or write, and its posts are hidden. Publishers only.
#[utoipa::path(put, path = "/admin/aid/{id}/block", tag = "aid", security(("bearer" = [])),
    request_body = Blocking, params(("id" = String, Path)),
    responses((status = 200, body = Blocked), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn block(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(id): Path<String>,
    Json(b): Json<Blocking>,
) -> Result<JsonResponse<Blocked>, ApiError> {
    match state
        .store
        .block_aid_key(id.clone(), b.blocked, who.staff.username.to_string())
        .await?
    {
        Some(hidden) => Ok(JsonResponse(Blocked { hidden })),
        None => Err(ApiError::NotFound(msg!("err-no-aid-post", id = &id))),
    }
}

/// The communes whose posts are published at once, moderated after.
#[utoipa::path(get, path = "/admin/aid/publish-first", tag = "aid", security(("bearer" = [])),
    responses((status = 200, body = Vec<String>), (status = 401, body = ErrorBody)))]
pub async fn publish_first(
    State(state): State<AppState>,
    _who: Authorized<AnyStaff>,
) -> Result<JsonResponse<Vec<String>>, ApiError> {
    Ok(JsonResponse(state.store.aid_publish_first().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishFirst {
    pub publish_first: bool,
}

/// Switches a commune between moderating posts before they are published
/// (the default) and publishing them at once. Publishers only; audited.
#[utoipa::path(put, path = "/admin/aid/publish-first/{code}", tag = "aid", security(("bearer" = [])),
    request_body = PublishFirst, params(("code" = String, Path, description = "INSEE code")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_publish_first(
    State(state): State<AppState>,
    who: Authorized<Publisher>,
    Path(code): Path<String>,
    Json(p): Json<PublishFirst>,
) -> Result<StatusCode, ApiError> {
    let code: InseeCode = code
        .parse()
        .map_err(|e: beffroi_domain::commune::CommuneError| {
            ApiError::Unprocessable("invalid_commune", e.msg())
        })?;
    crate::service::in_territory(&state, std::slice::from_ref(&code), "invalid_commune").await?;
    state
        .store
        .set_aid_publish_first(
            code.as_str().to_owned(),
            p.publish_first,
            who.staff.username.to_string(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
