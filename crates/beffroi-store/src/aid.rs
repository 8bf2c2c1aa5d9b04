//! Mutual aid as stored, with no backend in it: what a posting, a
//! moderation, an answer does, decided once here for every backend.
//!
//! A post's row keeps its public form ([`AidPost`], as JSON), its state,
//! the hash of its device's posting key (never the key), the digest of
//! what was sent (a resend is recognised), and a cursor taken at every
//! change of state: the public delta sends published posts, and a
//! tombstone for every post that was published and no longer is.

use beffroi_domain::aid::{AidPost, AidState, NewAidMessage};
use beffroi_domain::msg;
use time::OffsetDateTime;

use crate::StoreError;

/// A post, checked and rounded by the server, to keep.
#[derive(Debug, Clone)]
pub struct AidSubmission {
    /// What anyone will read once it is published (`published_at`: now).
    pub post: AidPost,
    /// The SHA-256 (hex) of the device's posting key.
    pub key_hash: String,
    /// Of what was sent: the same post sent again is recognised.
    pub digest: String,
}

/// What a posting did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AidSubmitted {
    /// Kept now, in this state (published at once where the town hall
    /// moderates its commune after the fact).
    New(AidState),
    /// The same post was kept before: nothing new.
    Again(AidState),
    /// Another post has this id.
    Clash,
    /// Staff blocked this device's posting key.
    Blocked,
}

/// A change of a post's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AidAction {
    /// Staff publish it (a pending or hidden post).
    Approve,
    /// Staff hide it.
    Hide,
    /// Its author takes it back: only the key that posted it may.
    Withdraw { key_hash: String },
}

impl AidAction {
    /// The audit log's name of a staff action.
    pub fn audit(&self) -> Option<&'static str> {
        match self {
            AidAction::Approve => Some("aid-approved"),
            AidAction::Hide => Some("aid-hidden"),
            AidAction::Withdraw { .. } => None,
        }
    }
}

/// What `action` makes at `now` of a post in `state` ending at `expires`:
/// `None` when it changes nothing (approving a published post), a conflict
/// when it cannot apply (approving a withdrawn one). A post approved past
/// its end is over, not published.
pub fn transition(
    state: AidState,
    action: &AidAction,
    expires: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Option<AidState>, StoreError> {
    use AidState::*;
    let to = match (action, state) {
        (AidAction::Approve, Pending | Hidden) if expires <= now => Expired,
        (AidAction::Approve, Pending | Hidden) => Published,
        (AidAction::Hide, Pending | Published) => Hidden,
        (AidAction::Withdraw { .. }, Pending | Published | Hidden) => Withdrawn,
        (AidAction::Approve, Published)
        | (AidAction::Hide, Hidden)
        | (AidAction::Withdraw { .. }, Withdrawn | Expired) => return Ok(None),
        (_, state) => {
            return Err(StoreError::Conflict(msg!(
                "aid-state-conflict",
                state = state.as_str()
            )));
        }
    };
    Ok(Some(to))
}

/// A message to relay, from the device whose key hash is `key_hash`.
#[derive(Debug, Clone)]
pub struct AidMessageWrite {
    pub message: NewAidMessage,
    pub key_hash: String,
    pub at: OffsetDateTime,
}

/// What sending a message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AidSent {
    /// Relayed; the key hashes of the thread's two sides (the post's
    /// author, the resident who answered), to tell them.
    New {
        sides: [String; 2],
    },
    /// The same message was relayed before.
    Again,
    /// Another message has this id, or the thread is another post's.
    Clash,
    /// No such published post (for a new thread), or no such thread for
    /// this device.
    NotFound,
    /// One does not answer one's own post.
    OwnPost,
    Blocked,
    /// The thread was closed by a side, or its post is no longer published.
    Closed,
    /// The post has [`MAX_THREADS`] conversations already.
    Full,
}

/// The most conversations one post opens (a flood of answers from new
/// keys cannot bury the real ones).
pub const MAX_THREADS: i64 = 100;

/// The first characters of a key hash staff see (enough to tell devices
/// apart in one town hall, not to find the key).
pub fn fingerprint(key_hash: &str) -> String {
    key_hash.chars().take(8).collect()
}

/// Now, to the second (what mutual aid's times keep, on every backend).
pub fn now_secs() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// `t` as Unix seconds (how mutual aid's times are kept).
pub fn secs(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// Unix seconds kept as a time.
pub fn time_of(secs: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|e| StoreError::Corrupt(format!("time {secs}: {e}")))
}

pub fn decode_post(id: &str, data: &str) -> Result<AidPost, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(format!("aid post {id}: {e}")))
}

pub fn encode_post(post: &AidPost) -> Result<String, StoreError> {
    serde_json::to_string(post).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub fn state_of(id: &str, state: &str) -> Result<AidState, StoreError> {
    state
        .parse()
        .map_err(|()| StoreError::Corrupt(format!("aid post {id}: state {state:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_move_only_where_they_may() {
        use AidState::*;
        let withdraw = AidAction::Withdraw {
            key_hash: "k".into(),
        };
        let now = OffsetDateTime::now_utc();
        let later = now + time::Duration::days(1);
        let transition = |s, a: &AidAction| transition(s, a, later, now);
        let ok = |s, a: &AidAction| transition(s, a).ok().flatten();
        assert_eq!(ok(Pending, &AidAction::Approve), Some(Published));
        assert_eq!(ok(Hidden, &AidAction::Approve), Some(Published));
        assert_eq!(ok(Published, &AidAction::Hide), Some(Hidden));
        assert_eq!(ok(Published, &withdraw), Some(Withdrawn));
        assert!(matches!(
            transition(Published, &AidAction::Approve),
            Ok(None)
        ));
        assert!(matches!(transition(Expired, &withdraw), Ok(None)));
        assert!(matches!(
            super::transition(Pending, &AidAction::Approve, now, now),
            Ok(Some(Expired))
        ));
        for state in [Withdrawn, Expired] {
            assert!(matches!(
                transition(state, &AidAction::Approve),
                Err(StoreError::Conflict(_))
            ));
            assert!(matches!(
                transition(state, &AidAction::Hide),
                Err(StoreError::Conflict(_))
            ));
        }
    }
}
