//! How a device reads an alert's thread (the alert, its updates, its
//! cancellation): the order of its messages along the CAP chain, the text in
//! force, and whether the alert is active, expired, cancelled or just over.
//! The resident app computes this from the messages it verified and stored;
//! the server computes the same for the web app, which verifies each message
//! again in the browser.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::alert::{AlertLevel, AlertMessage, AlertState, MsgType};

/// An alert as the resident sees it: the last message of its thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ResidentAlert {
    /// The first message's identifier: the alert's id on this device.
    pub thread: String,
    pub state: AlertState,
    pub read: bool,
    /// Whether it targets the resident's commune or one of their places
    /// (or the whole territory).
    pub concerns_me: bool,
    /// Its level: information, watch and act, emergency.
    pub level: AlertLevel,
    /// The danger is over (a cancellation, or a final update) since less
    /// than [`ALL_CLEAR_HOURS`]: shown in green among the alerts in force,
    /// then in the history.
    pub all_clear: bool,
    /// Whether it reaches the home commune.
    pub at_home: bool,
    /// The resident's saved places it reaches, by name (none for a
    /// whole-territory alert).
    pub places: Vec<String>,
    /// Whether it deserves a notification where the resident is (home, or a
    /// place that asks for this severity).
    pub notify: bool,
    /// The latest message (an update replaces the text; a cancellation keeps it).
    pub message: AlertMessage,
    /// Every message of the thread, oldest first: (identifier, type, sent).
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HistoryEntry {
    pub identifier: String,
    pub msg_type: MsgType,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub sent: OffsetDateTime,
}

/// How long an all-clear stays among the alerts in force.
pub const ALL_CLEAR_HOURS: i64 = 6;

/// A message with its arrival order (a cursor, a local sequence).
pub type Arrived = (i64, AlertMessage);

/// What a thread says at `now`, before it is placed for a resident.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The arrival of its newest message (threads are listed newest first).
    pub newest: i64,
    pub state: AlertState,
    pub all_clear: bool,
    /// The text in force: the last message that is not a cancellation.
    pub message: AlertMessage,
    pub history: Vec<HistoryEntry>,
}

/// Reads a thread's messages (in any order; they are put in chain order).
/// `None` for no message.
pub fn read(messages: &mut [Arrived], now: OffsetDateTime) -> Option<Reading> {
    chain_order(messages);
    let newest = messages.iter().map(|(seq, _)| *seq).max()?;
    let cancelled = messages.iter().any(|(_, m)| m.msg_type == MsgType::Cancel);
    let history = messages
        .iter()
        .map(|(_, m)| HistoryEntry {
            identifier: m.identifier.clone(),
            msg_type: m.msg_type,
            sent: m.sent,
        })
        .collect();
    let (_, message) = messages
        .iter()
        .rev()
        .find(|(_, m)| m.msg_type != MsgType::Cancel)
        .or(messages.last())
        .cloned()?;
    // The danger is over: shown as such for some hours, then history.
    let (over, over_since) = messages
        .last()
        .map_or((false, now), |(_, m)| (m.is_all_clear(), m.sent));
    let recent = now - over_since < time::Duration::hours(ALL_CLEAR_HOURS);
    let state = if cancelled {
        AlertState::Cancelled
    } else if message.is_expired(now) || (over && !recent) {
        AlertState::Expired
    } else {
        AlertState::Active
    };
    Some(Reading {
        newest,
        state,
        all_clear: over && recent,
        message,
        history,
    })
}

/// Orders a thread's messages along the CAP chain: after every message it
/// references (its depth in the chain), then by sending time, then arrival.
pub fn chain_order(messages: &mut [Arrived]) {
    let index: std::collections::HashMap<&str, usize> = messages
        .iter()
        .enumerate()
        .map(|(i, (_, m))| (m.identifier.as_str(), i))
        .collect();
    let refs: Vec<Vec<usize>> = messages
        .iter()
        .map(|(_, m)| {
            m.references
                .iter()
                .filter_map(|r| index.get(r.identifier.as_str()).copied())
                .collect()
        })
        .collect();
    // Relaxed at most once per message, so a (forged) cycle cannot loop.
    let mut depth = vec![0usize; messages.len()];
    for _ in 0..messages.len() {
        let mut changed = false;
        for (i, r) in refs.iter().enumerate() {
            let d = r.iter().map(|&j| depth[j] + 1).max().unwrap_or(0);
            if d > depth[i] {
                depth[i] = d;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut keyed: Vec<(usize, Arrived)> =
        depth.into_iter().zip(messages.iter().cloned()).collect();
    keyed.sort_by(|(da, (sa, ma)), (db, (sb, mb))| {
        da.cmp(db).then(ma.sent.cmp(&mb.sent)).then(sa.cmp(sb))
    });
    for (slot, (_, m)) in messages.iter_mut().zip(keyed) {
        *slot = m;
    }
}

/// A thread for the web app: the server's reading of it, and each of its
/// messages as signed, in chain order. The browser checks every signature
/// against the keys it pinned and shows the text of the signed message, not
/// the server's copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SignedThread {
    pub alert: ResidentAlert,
    pub signed: Vec<crate::alert::SignedAlert>,
}
