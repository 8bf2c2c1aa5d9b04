//! Alerts on the resident's device: checked against the town hall's pinned
//! keys, stored once (duplicates dropped by identifier), grouped in threads
//! (an alert, its updates, its cancellation), with read/unread state and the
//! native notification each new or updated alert deserves.

use beffroi_domain::alert::{
    AlertMessage, AlertState, MsgType, NotificationPreview, PublicKey, SignedAlert, signing,
};
use beffroi_domain::{InseeCode, Lang};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::{Store, StoreError, keys, set_meta};

/// An alert as the resident sees it: the last message of its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ResidentAlert {
    /// The first message's identifier: the alert's id on this device.
    pub thread: String,
    pub state: AlertState,
    pub read: bool,
    /// Whether it targets the resident's commune (or the whole territory).
    pub concerns_me: bool,
    /// The latest message (an update replaces the text; a cancellation keeps it).
    pub message: AlertMessage,
    /// Every message of the thread, oldest first: (identifier, type, sent).
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HistoryEntry {
    pub identifier: String,
    pub msg_type: MsgType,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub sent: OffsetDateTime,
}

/// Why an alert was refused (it is logged and skipped; the cursor moves on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub key_id: String,
    pub reason: String,
}

fn corrupt(what: &str) -> impl FnOnce(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

impl Store {
    pub fn alerts_cursor(&self) -> Result<beffroi_domain::Cursor, StoreError> {
        Ok(self.get_meta(keys::ALERTS_CURSOR)?.unwrap_or_default())
    }

    /// The keys alerts must be signed with (pinned at first sync).
    pub fn trusted_keys(&self) -> Result<Vec<PublicKey>, StoreError> {
        Ok(self.get_meta(keys::ALERT_KEYS)?.unwrap_or_default())
    }

    /// Pins keys: with none pinned yet, all of `offered`; afterwards only the
    /// ones a pinned key endorsed (a rotation). Returns how many were added.
    pub fn pin_keys(&self, offered: &[PublicKey]) -> Result<usize, StoreError> {
        let mut trusted = self.trusted_keys()?;
        let before = trusted.len();
        if trusted.is_empty() {
            trusted.extend(
                offered
                    .iter()
                    .filter(|k| signing::decode_key(k).is_ok())
                    .cloned(),
            );
        } else {
            // Endorsements may chain (a key rotated twice since the last sync).
            loop {
                let new: Vec<PublicKey> = offered
                    .iter()
                    .filter(|k| !trusted.iter().any(|t| t.key_id == k.key_id))
                    .filter(|k| signing::is_endorsed(k, &trusted))
                    .cloned()
                    .collect();
                if new.is_empty() {
                    break;
                }
                trusted.extend(new);
            }
        }
        if trusted.len() != before {
            self.set_meta(keys::ALERT_KEYS, &trusted)?;
        }
        Ok(trusted.len() - before)
    }

    /// Checks and stores delivered alerts, then moves the cursor, in one
    /// transaction. Returns the threads that got a new message, and the
    /// alerts refused (unsigned, unknown key, altered).
    pub fn apply_alerts(
        &self,
        delivered: &[SignedAlert],
        next_cursor: beffroi_domain::Cursor,
    ) -> Result<(Vec<String>, Vec<Rejected>), StoreError> {
        let trusted = self.trusted_keys()?;
        let now = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut threads = Vec::new();
        let mut rejected = Vec::new();
        for signed in delivered {
            let message = match signing::verify(signed, &trusted) {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(key = %signed.key_id, reason = %e, "alert refused");
                    rejected.push(Rejected {
                        key_id: signed.key_id.clone(),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            // The thread of the message referenced first, when known here.
            let thread = match message.references.first() {
                None => message.identifier.clone(),
                Some(r) => tx
                    .query_row(
                        "SELECT thread FROM alerts WHERE identifier = ?1",
                        [&r.identifier],
                        |row| row.get(0),
                    )
                    .optional()?
                    .unwrap_or_else(|| r.identifier.clone()),
            };
            let data = serde_json::to_string(&message).map_err(corrupt("alert"))?;
            let raw = serde_json::to_string(signed).map_err(corrupt("alert"))?;
            let inserted = tx.execute(
                "INSERT INTO alerts (identifier, thread, msg_type, data, signed, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (identifier) DO NOTHING",
                params![
                    message.identifier,
                    thread,
                    message.msg_type.cap(),
                    data,
                    raw,
                    now
                ],
            )?;
            if inserted == 1 && !threads.contains(&thread) {
                threads.push(thread);
            }
        }
        let current: beffroi_domain::Cursor = tx
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [keys::ALERTS_CURSOR],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(|v| serde_json::from_str(&v).map_err(corrupt("cursor")))
            .transpose()?
            .unwrap_or_default();
        set_meta(&tx, keys::ALERTS_CURSOR, &current.max(next_cursor))?;
        tx.commit()?;
        Ok((threads, rejected))
    }

    /// Every alert (thread), the most recent first.
    pub fn alerts(
        &self,
        now: OffsetDateTime,
        home: Option<&InseeCode>,
    ) -> Result<Vec<ResidentAlert>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT a.seq, a.thread, a.data, coalesce(r.read_seq, 0)
             FROM alerts a LEFT JOIN alert_reads r ON r.thread = a.thread
             ORDER BY a.seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let communes: Vec<InseeCode> = home.cloned().into_iter().collect();
        let mut out: Vec<(i64, ResidentAlert)> = Vec::new();
        for row in rows {
            let (seq, thread, data, read_seq) = row?;
            let message: AlertMessage = serde_json::from_str(&data).map_err(corrupt(&thread))?;
            let entry = HistoryEntry {
                identifier: message.identifier.clone(),
                msg_type: message.msg_type,
                sent: message.sent,
            };
            let pos = out.iter().position(|(_, a)| a.thread == thread);
            let mut alert = match pos {
                Some(i) => out.remove(i).1,
                None => ResidentAlert {
                    thread: thread.clone(),
                    state: AlertState::Active,
                    read: false,
                    concerns_me: false,
                    message: message.clone(),
                    history: Vec::new(),
                },
            };
            alert.history.push(entry);
            alert.read = read_seq >= seq;
            if message.msg_type == MsgType::Cancel {
                alert.state = AlertState::Cancelled;
            } else {
                alert.state = if message.is_expired(now) {
                    AlertState::Expired
                } else {
                    AlertState::Active
                };
                alert.concerns_me = message.body.area.concerns(&communes);
                alert.message = message;
            }
            out.push((seq, alert));
        }
        out.reverse();
        Ok(out.into_iter().map(|(_, a)| a).collect())
    }

    /// Marks an alert read up to its latest message.
    pub fn mark_alert_read(&self, thread: &str) -> Result<bool, StoreError> {
        let conn = self.conn();
        let latest: Option<i64> = conn.query_row(
            "SELECT max(seq) FROM alerts WHERE thread = ?1",
            [thread],
            |r| r.get(0),
        )?;
        let Some(latest) = latest else {
            return Ok(false);
        };
        conn.execute(
            "INSERT INTO alert_reads (thread, read_seq) VALUES (?1, ?2)
             ON CONFLICT (thread) DO UPDATE SET read_seq = excluded.read_seq",
            params![thread, latest],
        )?;
        Ok(true)
    }
}

/// The notifications a batch of new messages deserves: one per thread whose
/// latest message is a new or updated alert in force for the resident, in
/// their language (French when the alert lacks it).
pub fn notifications(
    alerts: &[ResidentAlert],
    threads: &[String],
    lang: Lang,
    update_prefix: &str,
) -> Vec<(String, NotificationPreview)> {
    alerts
        .iter()
        .filter(|a| threads.contains(&a.thread))
        .filter(|a| a.state == AlertState::Active && a.concerns_me)
        .filter(|a| {
            a.history
                .last()
                .is_some_and(|h| h.msg_type != MsgType::Cancel)
        })
        .filter_map(|a| {
            let prefix = (a.message.msg_type == MsgType::Update).then_some(update_prefix);
            a.message
                .notification(lang, prefix)
                .map(|n| (a.thread.clone(), n))
        })
        .collect()
}

/// Shows notifications on the desktop.
pub trait Notifier: Send + Sync + std::fmt::Debug {
    fn notify(&self, thread: &str, n: &NotificationPreview) -> Result<(), String>;
}

/// Native desktop notifications (freedesktop D-Bus) through notify-rust.
#[derive(Debug, Default)]
pub struct DesktopNotifier;

impl Notifier for DesktopNotifier {
    fn notify(&self, _thread: &str, n: &NotificationPreview) -> Result<(), String> {
        let urgency = if n.urgency == "critical" {
            notify_rust::Urgency::Critical
        } else {
            notify_rust::Urgency::Normal
        };
        notify_rust::Notification::new()
            .appname("Beffroi")
            .summary(&n.summary)
            .body(&n.body)
            .urgency(urgency)
            .show()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn public(key: &SigningKey, endorsed_by: Option<&SigningKey>) -> PublicKey {
        let vk = key.verifying_key();
        PublicKey {
            key_id: signing::key_id(&vk),
            public_key: signing::encode_key(&vk),
            created: OffsetDateTime::UNIX_EPOCH,
            endorsed_by: endorsed_by.map(|o| signing::key_id(&o.verifying_key())),
            endorsement: endorsed_by.map(|o| signing::endorse(o, &vk)),
        }
    }

    #[test]
    fn keys_are_pinned_once_then_only_endorsed_rotations_are_added() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let (k1, k2, k3, stranger) = (
            SigningKey::from_bytes(&[1; 32]),
            SigningKey::from_bytes(&[2; 32]),
            SigningKey::from_bytes(&[3; 32]),
            SigningKey::from_bytes(&[9; 32]),
        );
        assert_eq!(store.pin_keys(&[public(&k1, None)]).expect("pin"), 1);
        // A server that now offers a stranger's key cannot make it trusted.
        assert_eq!(store.pin_keys(&[public(&stranger, None)]).expect("pin"), 0);
        // Two rotations since the last sync: k1 endorsed k2, which endorsed k3.
        let offered = [public(&k3, Some(&k2)), public(&k2, Some(&k1))];
        assert_eq!(store.pin_keys(&offered).expect("pin"), 2);
        assert_eq!(store.trusted_keys().expect("keys").len(), 3);
    }
}
