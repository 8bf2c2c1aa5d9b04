//! Sending Web Push: at each alert message (publication, update,
//! cancellation), one encrypted push per matching subscription.
//!
//! - The payload is the alert's id and cursor, nothing personal: the device
//!   fetches the signed alert and verifies it (`docs/push.md`).
//! - `Urgency: high` for severe and extreme alerts; `TTL` until the alert
//!   expires (a day when it names no expiry, at most 28 days); `Topic` the
//!   alert's thread, so an update replaces a push still waiting on the
//!   service; VAPID-signed (RFC 8292), encrypted for the device (RFC 8291).
//! - A push service answering 404 or 410 has forgotten the subscription: it
//!   is removed. 429 and 5xx are retried with backoff (`Retry-After` when
//!   given), three times in all.
//! - Requests go only to public addresses (the resolver drops the others, so
//!   a name that changed its address since it was checked cannot reach the
//!   town hall's network), follow no redirect, and have deadlines. Each push
//!   service gets its own task: a slow or hanging one never delays the
//!   others, nor the live streams.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use beffroi_domain::alert::{AlertMessage, Area, Severity};
use beffroi_domain::push::{PushSubscription, base64url, endpoint_host, is_public};
use beffroi_domain::{Cursor, InseeCode};
use futures::StreamExt;
use sha2::{Digest, Sha256};
use web_push_native::jwt_simple::algorithms::ES256KeyPair;
use web_push_native::{Auth, WebPushBuilder};

use crate::store::Store;

/// Pushes in flight to one push service at once.
const PER_SERVICE: usize = 16;
/// Pushes in flight at once, all services together: however many services
/// the subscriptions name, the server opens at most this many connections.
static IN_FLIGHT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(128);
/// Name lookups at once (subscriptions and pushes): each holds one of the
/// blocking threads the store also needs, until the system's resolver gives
/// up, so a name server that never answers cannot take them all.
pub static LOOKUPS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(8);
/// Tries per push (the first and two retries).
const TRIES: u32 = 3;
/// How long a push service may take to answer.
const DEADLINE: Duration = Duration::from_secs(15);

/// What a push service said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// 404 or 410: the subscription is gone.
    Gone,
    /// Refused for good (4xx), or still failing after the retries.
    Failed,
}

/// One push: its (clear) payload and how the push service treats it.
#[derive(Debug, Clone, Copy)]
pub struct Push<'a> {
    pub payload: &'a [u8],
    /// How long the service keeps it for an offline device.
    pub ttl: Duration,
    /// `high` or `normal` (RFC 8030).
    pub urgency: &'static str,
    /// A later push with the same topic replaces this one while it waits.
    pub topic: &'a str,
}

/// The town hall's push sender: its HTTP client and VAPID key.
pub struct Pusher {
    http: reqwest::Client,
    vapid: ES256KeyPair,
    /// The VAPID `sub` claim: how a push service reaches the operator.
    contact: String,
    allow_private: bool,
    retry_base: Duration,
    /// The VAPID `Authorization` per push service, and when it was made.
    jwts: std::sync::Mutex<
        std::collections::HashMap<String, (std::time::Instant, axum::http::HeaderValue)>,
    >,
}

impl std::fmt::Debug for Pusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pusher")
            .field("contact", &self.contact)
            .finish_non_exhaustive()
    }
}

/// Resolves names to their public addresses only.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let _slot = LOOKUPS.acquire().await?;
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addresses.is_empty() {
                return Err(format!("{} has no public address", name.as_str()).into());
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl Pusher {
    /// A sender signing with `vapid_secret`; `contact` is a `mailto:` or an
    /// `https:` address; `allow_private` for a push service on this machine.
    pub fn new(
        vapid_secret: &[u8; 32],
        contact: String,
        allow_private: bool,
        retry_base: Duration,
    ) -> Result<Self, String> {
        let mut http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(DEADLINE)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("beffroi-server/", env!("CARGO_PKG_VERSION")));
        if !allow_private {
            http = http.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            http: http.build().map_err(|e| e.to_string())?,
            vapid: ES256KeyPair::from_bytes(vapid_secret).map_err(|e| e.to_string())?,
            contact,
            allow_private,
            retry_base,
            jwts: Default::default(),
        })
    }

    /// Sends `push` to one subscription, retrying what may pass later.
    pub async fn push(&self, sub: &PushSubscription, push: &Push<'_>) -> Outcome {
        for attempt in 1..=TRIES {
            match self.try_push(sub, push).await {
                Ok(outcome) => return outcome,
                Err(wait) if attempt < TRIES => {
                    let backoff = self.retry_base * 4u32.pow(attempt - 1);
                    tokio::time::sleep(wait.unwrap_or(backoff).min(Duration::from_secs(60))).await;
                }
                Err(_) => {}
            }
        }
        Outcome::Failed
    }

    /// One try: `Err` when it is worth trying again (after the wait the
    /// service asked for, if any).
    async fn try_push(
        &self,
        sub: &PushSubscription,
        push: &Push<'_>,
    ) -> Result<Outcome, Option<Duration>> {
        let Push {
            payload,
            ttl,
            urgency,
            topic,
        } = *push;
        let Some(request) = self.request(sub, payload, ttl) else {
            return Ok(Outcome::Failed);
        };
        let (mut parts, body) = request.into_parts();
        // The real TTL replaces the builder's (its JWT's, at most 12 hours).
        parts.headers.remove("ttl");
        let sent = self
            .http
            .post(&sub.endpoint)
            .headers(parts.headers)
            .header("TTL", ttl.as_secs())
            .header("Urgency", urgency)
            .header("Topic", topic)
            .body(body)
            .send()
            .await;
        let resp = match sent {
            Ok(resp) => resp,
            Err(e) => {
                tracing::debug!(error = %e, "push service unreachable");
                return Err(None);
            }
        };
        let status = resp.status().as_u16();
        match status {
            200..=299 => Ok(Outcome::Delivered),
            404 | 410 => Ok(Outcome::Gone),
            429 | 500..=599 => Err(resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs)),
            _ => {
                tracing::debug!(status, "push refused");
                Ok(Outcome::Failed)
            }
        }
    }

    /// The encrypted, signed request; `None` for a subscription that cannot
    /// be pushed to (checked when it was stored, so never in practice).
    fn request(
        &self,
        sub: &PushSubscription,
        payload: &[u8],
        ttl: Duration,
    ) -> Option<axum::http::Request<Vec<u8>>> {
        let (_, host, _) = endpoint_host(&sub.endpoint)?;
        // A literal address is never resolved: check it here.
        if let Ok(ip) = host.parse::<std::net::IpAddr>()
            && !self.allow_private
            && !is_public(ip)
        {
            return None;
        }
        let key = web_push_native::p256::PublicKey::from_sec1_bytes(&base64url(&sub.keys.p256dh)?)
            .ok()?;
        let auth = base64url(&sub.keys.auth)?;
        if auth.len() != 16 {
            return None;
        }
        let endpoint: axum::http::Uri = sub.endpoint.parse().ok()?;
        let vapid = self.vapid_for(&endpoint)?;
        let mut request = WebPushBuilder::new(endpoint, key, Auth::clone_from_slice(&auth))
            .with_valid_duration(ttl)
            .build(payload.to_vec())
            .ok()?;
        request
            .headers_mut()
            .insert(axum::http::header::AUTHORIZATION, vapid);
        Some(request)
    }

    /// The VAPID `Authorization` for a push service: one JWT per service,
    /// valid 12 hours and made again after one (signing is a third of a
    /// push's work, and a service takes the same JWT for all its pushes).
    fn vapid_for(&self, endpoint: &axum::http::Uri) -> Option<axum::http::HeaderValue> {
        let audience = format!("{}://{}", endpoint.scheme_str()?, endpoint.authority()?);
        let mut cache = self.jwts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((made, value)) = cache.get(&audience)
            && made.elapsed() < JWT_REUSE
        {
            return Some(value.clone());
        }
        let signature = web_push_native::vapid::VapidSignature::sign(
            endpoint,
            JWT_LIFE,
            &self.contact,
            &self.vapid,
        )
        .ok()?;
        let value = axum::http::HeaderValue::from_str(&signature.to_string()).ok()?;
        // A bounded cache: push services are few; an odd one out is signed anew.
        if cache.len() >= 1024 {
            cache.clear();
        }
        cache.insert(audience, (std::time::Instant::now(), value.clone()));
        Some(value)
    }
}

/// How long a VAPID JWT is valid (RFC 8292 allows up to 24 hours).
const JWT_LIFE: Duration = Duration::from_secs(12 * 3600);
/// How long one is used before another is made.
const JWT_REUSE: Duration = Duration::from_secs(3600);

/// The payload of the push that confirms a new subscription.
pub const CONFIRMATION: &[u8] = br#"{"subscribed":true}"#;

/// The payload of an alert's push: which alert, and its cursor (the device
/// fetches `since` the one before it).
pub fn payload(message: &AlertMessage, cursor: Cursor) -> Vec<u8> {
    serde_json::json!({
        "alert": message.thread(),
        "message": message.identifier,
        "cursor": cursor.0,
    })
    .to_string()
    .into_bytes()
}

/// How long the push service keeps the push for an offline device: until
/// the alert expires (a day when it names no expiry), between a minute and
/// 28 days.
pub fn ttl(message: &AlertMessage, now: time::OffsetDateTime) -> Duration {
    let seconds = message
        .body
        .expires
        .map_or(24 * 3600, |e| (e - now).whole_seconds());
    Duration::from_secs(seconds.clamp(60, 28 * 24 * 3600).unsigned_abs())
}

/// `high` for severe and extreme alerts (and for their cancellation), else
/// `normal`.
pub fn urgency(message: &AlertMessage) -> &'static str {
    if message.body.severity.rank() >= Severity::Severe.rank() {
        "high"
    } else {
        "normal"
    }
}

/// The RFC 8030 topic of an alert's pushes (at most 32 base64url
/// characters): the same for every message of a thread.
pub fn topic(message: &AlertMessage) -> String {
    use base64::Engine;
    let digest = Sha256::digest(message.thread().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..24])
}

/// Whether an alert reaching `communes` (`None`: the whole territory)
/// should be pushed to `sub` (a cancellation keeps its alert's area and
/// severity, so it goes where the alert went).
pub fn wants(
    sub: &PushSubscription,
    communes: Option<&[InseeCode]>,
    message: &AlertMessage,
) -> bool {
    message.body.severity.rank() >= sub.min_severity.rank()
        && communes.is_none_or(|codes| sub.communes.iter().any(|c| codes.contains(c)))
}

/// The communes an alert reaches (`None`: the whole territory), its shapes'
/// included.
pub fn reached(
    message: &AlertMessage,
    outlines: &crate::geography::Outlines,
) -> Option<Vec<InseeCode>> {
    match &message.body.area {
        Area::Territory => None,
        area @ Area::Communes { communes, .. } => {
            let mut codes = communes.clone();
            if let Some(shapes) = area.shapes() {
                codes.extend(outlines.reached(&shapes));
            }
            Some(codes)
        }
    }
}

/// Pushes `message` to every matching subscription, a task per push
/// service; removes the subscriptions their service forgot. Returns the
/// counts (delivered, gone, failed).
pub async fn dispatch(
    pusher: Arc<Pusher>,
    store: Arc<dyn Store>,
    outlines: Arc<crate::geography::Outlines>,
    message: AlertMessage,
    cursor: Cursor,
) -> (usize, usize, usize) {
    let communes = reached(&message, &outlines);
    let counts = send_all(
        pusher,
        store,
        |sub| wants(sub, communes.as_deref(), &message),
        payload(&message, cursor),
        ttl(&message, time::OffsetDateTime::now_utc()),
        urgency(&message),
        topic(&message),
    )
    .await;
    let (delivered, gone, failed) = counts;
    tracing::info!(message = %message.identifier, delivered, gone, failed, "pushes sent");
    counts
}

/// The payload of the push saying the rules in force changed (which, the
/// device asks: `GET /api/v1/measures/in-force`).
pub const MEASURES: &[u8] = br#"{"measures":true}"#;

/// Whether a change of the rules in `communes` (`None`: the whole
/// territory) is pushed to `sub`: its page understands such a push (one
/// from before would show it as an alert it cannot read), it follows one
/// of them, and takes news of moderate weight (a change of rules weighs as
/// a moderate alert).
pub fn wants_measures(sub: &PushSubscription, communes: Option<&[InseeCode]>) -> bool {
    sub.measures == Some(true)
        && sub.min_severity.rank() <= Severity::Moderate.rank()
        && communes.is_none_or(|codes| sub.communes.iter().any(|c| codes.contains(c)))
}

/// Pushes "the rules changed" to the subscriptions following `communes`
/// (`None`: all); the same delivery as an alert's.
pub async fn dispatch_measures(
    pusher: Arc<Pusher>,
    store: Arc<dyn Store>,
    communes: Option<Vec<InseeCode>>,
    measure: String,
) -> (usize, usize, usize) {
    let counts = send_all(
        pusher,
        store,
        |sub| wants_measures(sub, communes.as_deref()),
        MEASURES.to_vec(),
        Duration::from_secs(24 * 3600),
        "normal",
        // One topic for every change: a newer one replaces a waiting one.
        "measures".to_owned(),
    )
    .await;
    let (delivered, gone, failed) = counts;
    tracing::info!(%measure, delivered, gone, failed, "rules pushes sent");
    counts
}

/// Sends one payload to every subscription `wanted` keeps, a task per push
/// service; removes the subscriptions their service forgot. Returns the
/// counts (delivered, gone, failed).
async fn send_all(
    pusher: Arc<Pusher>,
    store: Arc<dyn Store>,
    wanted: impl Fn(&PushSubscription) -> bool,
    payload: Vec<u8>,
    ttl: Duration,
    urgency: &'static str,
    topic: String,
) -> (usize, usize, usize) {
    // Every matching subscription, grouped by push service.
    let mut by_service: BTreeMap<String, Vec<PushSubscription>> = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let page = match store.push_subscriptions_after(after.clone(), 1000).await {
            Ok(page) => page,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the push subscriptions");
                break;
            }
        };
        let Some(last) = page.last() else { break };
        after = Some(last.endpoint.clone());
        for sub in page {
            if wanted(&sub) {
                let service = endpoint_host(&sub.endpoint)
                    .map(|(_, h, p)| format!("{h}:{p}"))
                    .unwrap_or_default();
                by_service.entry(service).or_default().push(sub);
            }
        }
    }
    let payload = Arc::new(payload);
    let topic = Arc::new(topic);
    let mut services = tokio::task::JoinSet::new();
    for (_, subs) in by_service {
        let (pusher, store, payload, topic) = (
            pusher.clone(),
            store.clone(),
            payload.clone(),
            topic.clone(),
        );
        services.spawn(async move {
            futures::stream::iter(subs)
                .map(|sub| {
                    let (pusher, store, payload, topic) = (
                        pusher.clone(),
                        store.clone(),
                        payload.clone(),
                        topic.clone(),
                    );
                    // Its own task: encrypting is CPU work, spread over the cores.
                    tokio::spawn(async move {
                        let Ok(_slot) = IN_FLIGHT.acquire().await else {
                            return Outcome::Failed;
                        };
                        let push = Push {
                            payload: &payload,
                            ttl,
                            urgency,
                            topic: &topic,
                        };
                        let outcome = pusher.push(&sub, &push).await;
                        if outcome == Outcome::Gone
                            && let Err(e) = store.remove_push_subscription(sub.endpoint).await
                        {
                            tracing::warn!(error = %e, "cannot remove a gone subscription");
                        }
                        outcome
                    })
                })
                .buffer_unordered(PER_SERVICE)
                .map(|done| done.unwrap_or(Outcome::Failed))
                .collect::<Vec<Outcome>>()
                .await
        });
    }
    let (mut delivered, mut gone, mut failed) = (0, 0, 0);
    while let Some(done) = services.join_next().await {
        for outcome in done.unwrap_or_default() {
            match outcome {
                Outcome::Delivered => delivered += 1,
                Outcome::Gone => gone += 1,
                Outcome::Failed => failed += 1,
            }
        }
    }
    (delivered, gone, failed)
}
