//! Push on a phone whose app is closed (UnifiedPush on Android, the APNs
//! relay on iOS: `docs/mobile.md`), the device's half.
//!
//! The phone's push system hands the app an endpoint, and later each push's
//! body as bytes. This module does the rest, the same way a browser does for
//! the web app: it makes the device's keys (RFC 8291: a P-256 key pair and a
//! 16-byte authentication secret, kept in the device's store), subscribes to
//! the town hall with them, and reads each push: decrypted with those keys,
//! it says only that something changed (an alert's id and cursor, the rules
//! in force, or the subscription's confirmation); the device then fetches the
//! signed alerts itself, verifies them against the pinned keys and notifies
//! as the live stream would. A push's words are never shown: anyone who
//! learns the endpoint can send bytes to it, so a push that does not decrypt
//! is ignored, and one that does only makes the device look.
//!
//! The subscription follows every commune of the territory when there are
//! at most 100 (the server's limit): the server then never learns which the
//! resident follows, as with the live stream, and the device decides which
//! alerts concern them. A larger territory gets the communes the resident
//! follows (the app renews after they change).

use base64::Engine;
use beffroi_domain::alert::Severity;
use beffroi_domain::push::{PushKeys, PushSubscription, PushUnsubscribe};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use web_push_native::p256;
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;

use crate::Client;
use crate::error::ClientError;
use crate::store::keys::PUSH;

/// The largest push a push service delivers (RFC 8030 §7.2: 4,096 bytes);
/// anything longer is not the town hall's.
pub const MAX_PUSH: usize = 4096;
/// A subscription not renewed for 30 days expires on the server; the app
/// asks for a renewal at each start and daily, made once this much has passed.
pub const RENEW_AFTER: time::Duration = time::Duration::days(1);

/// The most subscriptions left behind kept to end later.
const MAX_RETIRED: usize = 8;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What the device keeps: its keys and where it is subscribed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kept {
    /// The P-256 private key's scalar, base64url (32 bytes).
    secret: String,
    /// The authentication secret, base64url (16 bytes).
    auth: String,
    /// The town hall subscribed to: renewals and the end go there, even
    /// after the resident chose another.
    #[serde(default)]
    server: Option<String>,
    /// Where it is subscribed, since when, and what came (its fields kept
    /// beside the keys, in one JSON object).
    #[serde(flatten)]
    status: PushStatus,
    /// Earlier subscriptions still to end on their town hall (it was
    /// unreachable when they were left).
    #[serde(default)]
    retired: Vec<Retired>,
}

/// A subscription left behind: where it is, and the secret that ends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Retired {
    server: String,
    endpoint: String,
    auth: String,
}

impl Kept {
    fn new() -> Self {
        use rand::RngCore;
        let mut rng = rand::rng();
        // A uniformly random scalar: 32 random bytes, again in the rare case
        // (2^-32) they are not below the curve's order.
        let secret = loop {
            let mut bytes = [0u8; 32];
            rng.fill_bytes(&mut bytes);
            if let Ok(key) = p256::SecretKey::from_slice(&bytes) {
                break key;
            }
        };
        let mut auth = [0u8; 16];
        rng.fill_bytes(&mut auth);
        Kept {
            secret: B64.encode(secret.to_bytes()),
            auth: B64.encode(auth),
            server: None,
            status: PushStatus::default(),
            retired: Vec::new(),
        }
    }

    /// Leaves a subscription behind, to end on its town hall; the oldest
    /// are forgotten past [`MAX_RETIRED`] (they expire there after 30 days).
    fn retire(&mut self, old: Retired) {
        self.retired.push(old);
        let extra = self.retired.len().saturating_sub(MAX_RETIRED);
        self.retired.drain(..extra);
    }

    fn secret(&self) -> Option<p256::SecretKey> {
        p256::SecretKey::from_slice(&B64.decode(&self.secret).ok()?).ok()
    }

    fn keys(&self) -> Option<PushKeys> {
        let public = self.secret()?.public_key();
        Some(PushKeys {
            p256dh: B64.encode(public.to_encoded_point(false).as_bytes()),
            auth: self.auth.clone(),
        })
    }

    /// The push's plain text, if it was encrypted for these keys.
    fn decrypt(&self, body: &[u8]) -> Option<Vec<u8>> {
        if body.len() > MAX_PUSH {
            return None;
        }
        let auth = B64.decode(&self.auth).ok()?;
        if auth.len() != 16 {
            return None;
        }
        let auth = web_push_native::Auth::clone_from_slice(&auth);
        web_push_native::decrypt(body.to_vec(), &self.secret()?, &auth).ok()
    }
}

/// Whether push reaches this device, for its settings screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PushStatus {
    /// Where the town hall pushes to; none when not subscribed.
    pub endpoint: Option<String>,
    /// When the town hall last acknowledged the subscription (RFC 3339);
    /// none while it has not (a request that got no answer is made again).
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub subscribed_at: Option<OffsetDateTime>,
    /// When the town hall's confirmation push arrived: until then, the
    /// resident is told push may not work.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub confirmed_at: Option<OffsetDateTime>,
    /// When the last push this device could read arrived.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub last_push_at: Option<OffsetDateTime>,
}

/// What a push made the device do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PushReceived {
    /// The town hall's confirmation: push reaches this device.
    Confirmed,
    /// An alert was published, updated or cancelled: the alerts were
    /// fetched and verified (`new`: the messages received; those that
    /// concern the resident were notified). A push for a message already
    /// here fetches nothing.
    Alerts { new: u32 },
    /// The rules in force changed: they were fetched.
    Rules,
    /// A push this device cannot read (not encrypted for its keys, altered,
    /// too long), or that says nothing it knows: nothing was done.
    Ignored,
}

/// A push's plain text (`crate::webpush::payload` on the server).
#[derive(Debug, Default, Deserialize)]
struct Payload {
    #[serde(default)]
    subscribed: bool,
    #[serde(default)]
    measures: bool,
    alert: Option<String>,
    cursor: Option<u64>,
}

impl Client {
    fn push_kept(&self) -> Result<Option<Kept>, ClientError> {
        Ok(self.store.get_meta(PUSH)?)
    }

    /// Changes what is kept, read again under the lock (a push, a renewal
    /// and a change of endpoint may run at once), if it still holds the
    /// keys `auth`.
    fn update_push(&self, auth: &str, change: impl FnOnce(&mut Kept)) -> Result<(), ClientError> {
        let _one_at_a_time = self.push_lock.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut kept) = self.push_kept()?
            && kept.auth == auth
        {
            change(&mut kept);
            self.store.set_meta(PUSH, &kept)?;
        }
        Ok(())
    }

    /// Whether push reaches this device.
    pub fn push_status(&self) -> Result<PushStatus, ClientError> {
        Ok(self
            .push_kept()?
            .map(|k| k.status)
            .filter(|s| s.endpoint.is_some())
            .unwrap_or_default())
    }

    /// Subscribes this device to the town hall's pushes at `endpoint` (what
    /// the phone's push system gave), or renews the subscription. A new
    /// endpoint, or another town hall, gets new keys (nothing sent to the
    /// old one reads here) and the old subscription is ended once the new
    /// one stands.
    pub async fn subscribe_push(&self, endpoint: &str) -> Result<PushStatus, ClientError> {
        let endpoint = endpoint.trim();
        let settings = self.settings()?;
        let server = settings.server_url.clone().ok_or(ClientError::NoServer)?;
        let api = self.api()?;
        let communes = self.push_communes()?;
        let started = OffsetDateTime::now_utc();
        // Kept before asking: the confirmation may come before the answer,
        // and keys lost with an answer would leave the endpoint subscribed
        // with keys nobody has.
        let kept = {
            let _one_at_a_time = self.push_lock.lock().unwrap_or_else(|e| e.into_inner());
            let previous = self.push_kept()?;
            let same = previous.as_ref().filter(|k| {
                k.status.endpoint.as_deref() == Some(endpoint)
                    && k.server.as_deref() == Some(&server)
            });
            let kept = match (same, previous.clone()) {
                (Some(same), _) => same.clone(),
                (None, previous) => {
                    let mut fresh = Kept::new();
                    if let Some(previous) = previous {
                        fresh.retired = previous.retired;
                        if let (Some(server), Some(endpoint)) =
                            (previous.server, previous.status.endpoint)
                        {
                            fresh.retire(Retired {
                                server,
                                endpoint,
                                auth: previous.auth,
                            });
                        }
                    }
                    fresh.server = Some(server.clone());
                    fresh.status.endpoint = Some(endpoint.to_owned());
                    fresh
                }
            };
            self.store.set_meta(PUSH, &kept)?;
            kept
        };
        let sub = PushSubscription {
            endpoint: endpoint.to_owned(),
            keys: kept.keys().ok_or_else(corrupt_keys)?,
            communes,
            lang: settings.lang.unwrap_or_default(),
            // Which alerts are notified is decided here, per place.
            min_severity: Severity::Unknown,
            measures: Some(true),
        };
        let created = api.push_subscribe(&sub).await?;
        self.update_push(&kept.auth, |k| {
            k.status.subscribed_at = Some(OffsetDateTime::now_utc());
            // New on the server: its confirmation is to come, unless it
            // already came during the request.
            if created && k.status.confirmed_at.is_none_or(|at| at < started) {
                k.status.confirmed_at = None;
            }
        })?;
        self.end_retired().await?;
        self.push_status()
    }

    /// The communes a subscription follows: every one of the territory when
    /// the server takes them all (it then learns nothing of the resident's),
    /// else those the resident follows.
    fn push_communes(&self) -> Result<Vec<beffroi_domain::InseeCode>, ClientError> {
        let mut communes: Vec<_> = self.communes()?.into_iter().map(|c| c.code).collect();
        if communes.is_empty() || communes.len() > beffroi_domain::push::MAX_COMMUNES {
            communes = self
                .followed_communes()?
                .into_iter()
                .map(|(_, c)| c)
                .take(beffroi_domain::push::MAX_COMMUNES)
                .collect();
        }
        if communes.is_empty() {
            return Err(ClientError::PushNoCommune);
        }
        Ok(communes)
    }

    /// Ends the subscriptions left behind, on their own town hall; those it
    /// cannot reach now stay for the next time.
    async fn end_retired(&self) -> Result<(), ClientError> {
        let Some(kept) = self.push_kept()? else {
            return Ok(());
        };
        let lang = self.settings()?.lang.unwrap_or_default();
        for old in &kept.retired {
            let gone = PushUnsubscribe {
                endpoint: old.endpoint.clone(),
                auth: old.auth.clone(),
            };
            let ended = match self.api_at(&old.server, lang) {
                Ok(api) => match api.push_unsubscribe(&gone).await {
                    // Already gone (expired, forgotten by its service) is as good.
                    Ok(()) | Err(ClientError::Server { status: 404, .. }) => true,
                    Err(e) => {
                        tracing::info!("a push subscription left behind is ended later: {e}");
                        false
                    }
                },
                // An address that cannot be asked is dropped.
                Err(_) => true,
            };
            if ended {
                self.update_push(&kept.auth, |k| k.retired.retain(|r| r != old))?;
            }
        }
        Ok(())
    }

    /// Renews the subscription when it is due (the app asks at each start
    /// and daily; it is due once a day has passed, when the last request got
    /// no answer, or when the resident chose another town hall), and ends
    /// the subscriptions left behind. `None` when this device is not
    /// subscribed.
    pub async fn renew_push(&self, now: OffsetDateTime) -> Result<Option<PushStatus>, ClientError> {
        let Some(kept) = self.push_kept()? else {
            return Ok(None);
        };
        let Some(endpoint) = kept.status.endpoint else {
            self.end_retired().await?;
            return Ok(None);
        };
        let server = self.settings()?.server_url;
        let due = kept
            .status
            .subscribed_at
            .is_none_or(|at| now - at >= RENEW_AFTER)
            || kept.server != server
            || !kept.retired.is_empty();
        if due {
            return self.subscribe_push(&endpoint).await.map(Some);
        }
        Ok(Some(self.push_status()?))
    }

    /// Ends this device's subscription; its keys are never used again.
    /// `false` when it had none. Ended on the town hall now, or at the next
    /// renewal when it cannot be reached.
    pub async fn unsubscribe_push(&self) -> Result<bool, ClientError> {
        let left = {
            let _one_at_a_time = self.push_lock.lock().unwrap_or_else(|e| e.into_inner());
            let Some(mut kept) = self.push_kept()? else {
                return Ok(false);
            };
            let (Some(server), Some(endpoint)) = (kept.server.take(), kept.status.endpoint.take())
            else {
                return Ok(false);
            };
            let auth = kept.auth.clone();
            kept.retire(Retired {
                server,
                endpoint,
                auth,
            });
            kept.status.subscribed_at = None;
            kept.status.confirmed_at = None;
            self.store.set_meta(PUSH, &kept)?;
            true
        };
        self.end_retired().await?;
        Ok(left)
    }

    /// Reads one push's body, as the phone's push system handed it over,
    /// and does what it says: fetches and verifies the alerts (notifying the
    /// new ones) or the rules in force, or records the confirmation.
    pub async fn receive_push(&self, body: &[u8]) -> Result<PushReceived, ClientError> {
        let kept = self
            .push_kept()?
            .filter(|k| k.status.endpoint.is_some())
            .ok_or(ClientError::PushNotSubscribed)?;
        let Some(plain) = kept.decrypt(body) else {
            tracing::warn!(
                bytes = body.len(),
                "a push this device cannot read was ignored"
            );
            return Ok(PushReceived::Ignored);
        };
        let payload: Payload = serde_json::from_slice(&plain).unwrap_or_default();
        let now = OffsetDateTime::now_utc();
        if payload.subscribed {
            self.update_push(&kept.auth, |k| {
                k.status.last_push_at = Some(now);
                k.status.confirmed_at.get_or_insert(now);
            })?;
            return Ok(PushReceived::Confirmed);
        }
        // Kept before fetching: it says push arrives, whether or not the
        // town hall answers now.
        self.update_push(&kept.auth, |k| k.status.last_push_at = Some(now))?;
        if payload.alert.is_some() {
            let _one_at_a_time = self.syncing.lock().await;
            // A push again for what is here (a push service's second
            // delivery, or one replayed by whoever saw it): nothing to fetch.
            let here = self.store.alerts_cursor()?.0;
            if payload.cursor.is_some_and(|c| c <= here) {
                return Ok(PushReceived::Alerts { new: 0 });
            }
            let (threads, new, _refused) = self.pull_alerts(&self.api()?).await?;
            self.notify(&threads)?;
            Ok(PushReceived::Alerts { new })
        } else if payload.measures {
            let _one_at_a_time = self.syncing.lock().await;
            self.pull_measures(&self.api()?).await?;
            Ok(PushReceived::Rules)
        } else {
            Ok(PushReceived::Ignored)
        }
    }
}

fn corrupt_keys() -> ClientError {
    ClientError::Store(crate::store::StoreError::Corrupt(
        "the push keys kept on this device".into(),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn encrypt_for(kept: &Kept, plain: &[u8]) -> Vec<u8> {
        let keys = kept.keys().unwrap();
        let public = p256::PublicKey::from_sec1_bytes(&B64.decode(keys.p256dh).unwrap()).unwrap();
        let auth = web_push_native::Auth::clone_from_slice(&B64.decode(keys.auth).unwrap());
        let request = web_push_native::WebPushBuilder::new(
            "https://push.example.net/x".parse().unwrap(),
            public,
            auth,
        )
        .build(plain.to_vec())
        .unwrap();
        request.into_body()
    }

    #[test]
    fn keys_are_a_point_on_the_curve_and_16_bytes() {
        let kept = Kept::new();
        let keys = kept.keys().unwrap();
        let point = B64.decode(&keys.p256dh).unwrap();
        assert_eq!(point.len(), 65);
        assert!(p256::PublicKey::from_sec1_bytes(&point).is_ok());
        assert_eq!(B64.decode(&keys.auth).unwrap().len(), 16);
        assert_ne!(Kept::new().secret, kept.secret, "each device its own key");
    }

    #[test]
    fn only_a_push_encrypted_for_these_keys_and_unaltered_is_read() {
        let kept = Kept::new();
        let body = encrypt_for(&kept, br#"{"alert":"a","cursor":3}"#);
        assert_eq!(kept.decrypt(&body).unwrap(), br#"{"alert":"a","cursor":3}"#);
        // Another device's keys.
        assert!(Kept::new().decrypt(&body).is_none());
        // Every truncation, and every single byte altered: nothing, and no panic.
        for n in 0..body.len() {
            assert!(kept.decrypt(&body[..n]).is_none(), "cut at {n}");
            // Bytes 16..20 are the record size (RFC 8188), not authenticated:
            // any size that still holds the one record reads the same.
            if (16..20).contains(&n) {
                continue;
            }
            let mut altered = body.clone();
            altered[n] ^= 0x40;
            assert!(kept.decrypt(&altered).is_none(), "byte {n} altered");
        }
        // A record size below RFC 8188's 18 (0 made the decryption panic,
        // and a push cut after its header read as empty: the ece-native fork).
        for rs in 0u32..18 {
            let mut altered = body.clone();
            altered[16..20].copy_from_slice(&rs.to_be_bytes());
            assert!(kept.decrypt(&altered).is_none(), "record size {rs}");
        }
        assert!(kept.decrypt(&[0u8; MAX_PUSH + 1]).is_none());
        assert!(kept.decrypt(&[0xff; 300]).is_none());
    }
}
