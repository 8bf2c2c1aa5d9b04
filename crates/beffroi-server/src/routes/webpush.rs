//! Web Push subscriptions: a phone's browser (or a UnifiedPush distributor on
//! Android) asks for the alerts of some communes to be pushed to it.
//!
//! Anyone may subscribe (residents have no account), so everything is
//! checked before anything is stored: the endpoint must be `https` on a
//! public internet address (the server resolves the name: a push must never
//! reach into the town hall's own network), the keys must be a P-256 point
//! and a 16-byte secret, the communes the territory's; subscriptions are
//! limited per address. Only the device, which knows the authentication
//! secret, can end its subscription.

use std::net::IpAddr;
use std::time::Duration;

use axum::Json as JsonResponse;
use axum::extract::State;
use axum::http::StatusCode;
use beffroi_domain::api::ErrorBody;
use beffroi_domain::msg;
use beffroi_domain::push::{
    PushError, PushSubscription, PushUnsubscribe, VapidKey, base64url, endpoint_host, is_public,
};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Json;
use crate::limits::{self, Peer};
use crate::store::PushSaved;

/// How long resolving an endpoint's name may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

fn invalid(e: PushError) -> ApiError {
    ApiError::invalid("invalid_subscription", &e)
}

/// The server's VAPID public key: the `applicationServerKey` browsers
/// subscribe with.
#[utoipa::path(get, path = "/push/key", tag = "push",
    responses((status = 200, body = VapidKey)))]
pub async fn key(State(state): State<AppState>) -> JsonResponse<VapidKey> {
    JsonResponse(VapidKey {
        public_key: state.keys.vapid_public_key(),
    })
}

/// Refuses an endpoint whose host is not on the public internet (unless
/// the operator allowed private ones, for a push service on this machine).
async fn check_endpoint(state: &AppState, endpoint: &str) -> Result<(), ApiError> {
    if state.settings.push_allow_private {
        return Ok(());
    }
    let (_, host, port) = endpoint_host(endpoint).ok_or(invalid(PushError::EndpointNotHttps))?;
    let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => {
            let unresolved = || {
                ApiError::Unprocessable(
                    "invalid_subscription",
                    msg!("err-push-unresolved", host = host),
                )
            };
            // Each lookup holds one of the blocking threads the store also
            // uses, until the system's resolver gives up (longer than our
            // timeout): only a few at once, the rest are asked to come back.
            let _slot = crate::webpush::LOOKUPS
                .try_acquire()
                .map_err(|_| ApiError::Unavailable("busy", msg!("err-push-busy")))?;
            tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port)))
                .await
                .map_err(|_| unresolved())?
                .map_err(|_| unresolved())?
                .map(|a| a.ip())
                .collect()
        }
    };
    if addresses.is_empty() || !addresses.iter().all(|ip| is_public(*ip)) {
        return Err(invalid(PushError::EndpointPrivate));
    }
    Ok(())
}

/// Subscribes a device (201), or renews its subscription (200: the device's
/// heartbeat; its communes, language and severity are replaced).
#[utoipa::path(post, path = "/push/subscriptions", tag = "push", request_body = PushSubscription,
    responses(
        (status = 201, body = PushSubscription, description = "subscribed"),
        (status = 200, body = PushSubscription, description = "renewed"),
        (status = 409, body = ErrorBody, description = "this endpoint is subscribed with other keys"),
        (status = 422, body = ErrorBody, description = "a malformed key, a non-https or private endpoint, an unknown commune"),
        (status = 429, body = ErrorBody),
    ))]
pub async fn subscribe(
    State(state): State<AppState>,
    peer: Peer,
    Json(mut sub): Json<PushSubscription>,
) -> Result<(StatusCode, JsonResponse<PushSubscription>), ApiError> {
    limits::check(&state.push_limiter, &peer, "read")?;
    sub.endpoint = sub.endpoint.trim().to_owned();
    sub.check(state.settings.push_allow_private)
        .map_err(invalid)?;
    // A point on the curve (a browser's key always is).
    let point = base64url(&sub.keys.p256dh).unwrap_or_default();
    web_push_native::p256::PublicKey::from_sec1_bytes(&point)
        .map_err(|_| invalid(PushError::Keys))?;
    let known = state.store.communes().await?;
    if let Some(unknown) = sub
        .communes
        .iter()
        .find(|c| !known.iter().any(|k| &k.code == *c))
    {
        return Err(ApiError::Unprocessable(
            "invalid_subscription",
            msg!("err-commune-outside", code = unknown.as_str()),
        ));
    }
    sub.communes.sort();
    sub.communes.dedup();
    check_endpoint(&state, &sub.endpoint).await?;
    let status = match state
        .store
        .save_push_subscription(sub.clone(), OffsetDateTime::now_utc())
        .await?
    {
        PushSaved::Created => StatusCode::CREATED,
        PushSaved::Renewed => StatusCode::OK,
        PushSaved::KeysDiffer => {
            return Err(ApiError::Conflict(
                "push_keys_differ",
                msg!("err-push-keys-differ"),
            ));
        }
    };
    tracing::debug!(
        created = status == StatusCode::CREATED,
        "push subscription saved"
    );
    if status == StatusCode::CREATED {
        // A confirmation push: the device knows at once that pushes reach it
        // (FOSS Warn's users' first complaint: subscriptions dying silently).
        let (pusher, store, sub) = (state.pusher.clone(), state.store.clone(), sub.clone());
        tokio::spawn(async move {
            let confirmation = crate::webpush::Push {
                payload: crate::webpush::CONFIRMATION,
                ttl: Duration::from_secs(24 * 3600),
                urgency: "normal",
                topic: "subscribed",
            };
            let outcome = pusher.push(&sub, &confirmation).await;
            if outcome == crate::webpush::Outcome::Gone {
                let _ = store.remove_push_subscription(sub.endpoint).await;
            }
        });
    }
    Ok((status, JsonResponse(sub)))
}

/// Ends a subscription: its endpoint and authentication secret.
#[utoipa::path(delete, path = "/push/subscriptions", tag = "push", request_body = PushUnsubscribe,
    responses((status = 204, description = "ended"), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    peer: Peer,
    Json(body): Json<PushUnsubscribe>,
) -> Result<StatusCode, ApiError> {
    limits::check(&state.push_limiter, &peer, "read")?;
    if state
        .store
        .delete_push_subscription(body.endpoint.trim().to_owned(), body.auth)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(msg!("err-no-push-subscription")))
    }
}
