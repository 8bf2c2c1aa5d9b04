//! Alerts on the resident's device: checked against the town hall's pinned
//! keys, stored once (duplicates dropped by identifier), grouped in threads
//! (an alert, its updates, its cancellation), with read/unread state and the
//! native notification each new or updated alert deserves.

use beffroi_domain::LangTag;
use beffroi_domain::alert::{
    AlertMessage, AlertState, MsgType, NotificationPreview, PublicKey, SignedAlert, signing,
};
use beffroi_domain::thread::{self, Arrived};
use rusqlite::{OptionalExtension, params};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::places::Whereabouts;
use crate::store::{Store, StoreError, keys, set_meta};

pub use beffroi_domain::thread::{ALL_CLEAR_HOURS, HistoryEntry, ResidentAlert};

/// Why an alert was refused (it is logged; the cursor stays before it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub key_id: String,
    pub reason: String,
    /// Signed by a trusted key but not readable by this version (a newer
    /// server's message): genuine, so it does not hold the cursor back.
    pub unreadable: bool,
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

    /// Forgets every pinned key (an explicit reset by the resident).
    pub fn forget_keys(&self) -> Result<(), StoreError> {
        self.set_meta(keys::ALERT_KEYS, &Vec::<PublicKey>::new())
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

    /// Checks and stores delivered alerts in one transaction. They were
    /// delivered after `since`, up to `next_cursor`; the stored cursor moves
    /// there only when every one of them verified and the device already held
    /// everything up to `since`. A refused message (unsigned, unknown key,
    /// altered) is asked for again next time rather than skipped, and the
    /// cursor it claims can never silence later alerts. A message the town
    /// hall did sign but this version cannot read (a newer server's) is
    /// skipped: holding the cursor there would silence every later alert
    /// until the app is updated. Returns the threads that got a new message,
    /// and the alerts refused.
    pub fn apply_alerts(
        &self,
        delivered: &[SignedAlert],
        since: beffroi_domain::Cursor,
        next_cursor: beffroi_domain::Cursor,
    ) -> Result<(Vec<String>, Vec<Rejected>), StoreError> {
        let trusted = self.trusted_keys()?;
        let now = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut verified = Vec::new();
        let mut rejected = Vec::new();
        for signed in delivered {
            match signing::verify(signed, &trusted) {
                Ok(m) => verified.push((m, signed)),
                Err(e) => {
                    let unreadable = matches!(e, signing::VerifyError::Unreadable(_));
                    tracing::warn!(key = %signed.key_id, reason = %e, unreadable, "alert refused");
                    rejected.push(Rejected {
                        key_id: signed.key_id.clone(),
                        reason: e.to_string(),
                        unreadable,
                    });
                }
            }
        }
        let mut conn = self.conn();
        let tx = conn.transaction()?;
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
        let held_back = rejected.iter().any(|r| !r.unreadable);
        let cursor = if !held_back && current >= since {
            current.max(next_cursor)
        } else {
            current
        };
        let mut threads = Vec::new();
        for (message, signed) in verified {
            let thread = thread_of(&tx, &message)?;
            let data = serde_json::to_string(&message).map_err(corrupt("alert"))?;
            let raw = serde_json::to_string(signed).map_err(corrupt("alert"))?;
            let inserted = tx.execute(
                "INSERT INTO alerts (identifier, thread, msg_type, data, signed, received_at, cursor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (identifier) DO NOTHING",
                params![
                    message.identifier,
                    thread,
                    message.msg_type.cap(),
                    data,
                    raw,
                    now,
                    sql_cursor(cursor)
                ],
            )?;
            if inserted == 0 {
                continue;
            }
            // Messages that arrived before this one and named it as their
            // thread join the thread it belongs to.
            if thread != message.identifier {
                tx.execute(
                    "UPDATE alerts SET thread = ?1 WHERE thread = ?2",
                    params![thread, message.identifier],
                )?;
            }
            if !threads.contains(&thread) {
                threads.push(thread);
            }
        }
        set_meta(&tx, keys::ALERTS_CURSOR, &cursor)?;
        tx.commit()?;
        Ok((threads, rejected))
    }

    /// Goes back to the cursor the device held when it stored its newest
    /// message at or below `latest` (the server's newest cursor), or to the
    /// start: messages asked for again are dropped as duplicates.
    pub fn rewind_alerts_cursor(
        &self,
        latest: beffroi_domain::Cursor,
    ) -> Result<beffroi_domain::Cursor, StoreError> {
        let conn = self.conn();
        let back: Option<i64> = conn.query_row(
            "SELECT max(cursor) FROM alerts WHERE cursor <= ?1",
            [sql_cursor(latest)],
            |r| r.get(0),
        )?;
        let back = beffroi_domain::Cursor(back.map_or(0, |c| c.max(0) as u64));
        set_meta(&conn, keys::ALERTS_CURSOR, &back)?;
        Ok(back)
    }

    /// Every alert (thread), the most recent first. A thread's messages are
    /// put in the order of the CAP chain (a message comes after those it
    /// references), whatever order they arrived in; a cancelled thread stays
    /// cancelled.
    pub fn alerts(
        &self,
        now: OffsetDateTime,
        whereabouts: &Whereabouts,
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
        // (thread, read up to, messages with their arrival)
        let mut threads: Vec<(String, i64, Vec<Arrived>)> = Vec::new();
        for row in rows {
            let (seq, thread, data, read_seq) = row?;
            let message: AlertMessage = serde_json::from_str(&data).map_err(corrupt(&thread))?;
            match threads.iter_mut().find(|(t, _, _)| *t == thread) {
                Some((_, _, messages)) => messages.push((seq, message)),
                None => threads.push((thread, read_seq, vec![(seq, message)])),
            }
        }
        let mut out: Vec<(i64, ResidentAlert)> = Vec::new();
        for (thread, read_seq, mut messages) in threads {
            let Some(thread::Reading {
                newest,
                state,
                all_clear,
                message,
                history,
            }) = thread::read(&mut messages, now)
            else {
                continue;
            };
            let concern = whereabouts.concern(&message);
            out.push((
                newest,
                ResidentAlert {
                    thread,
                    state,
                    read: read_seq >= newest,
                    concerns_me: concern.concerns_me,
                    level: message.level(),
                    all_clear,
                    at_home: concern.at_home,
                    places: concern.places,
                    notify: concern.notify,
                    message,
                    history,
                },
            ));
        }
        out.sort_by_key(|(newest, _)| std::cmp::Reverse(*newest));
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

/// The thread of a message: that of the first message it references that
/// this device holds, else its first reference (the server lists the
/// thread's first message first), else its own.
fn thread_of(tx: &rusqlite::Transaction<'_>, message: &AlertMessage) -> Result<String, StoreError> {
    for r in &message.references {
        let known: Option<String> = tx
            .query_row(
                "SELECT thread FROM alerts WHERE identifier = ?1",
                [&r.identifier],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(thread) = known {
            return Ok(thread);
        }
    }
    Ok(message.thread().to_owned())
}

/// Cursors are u64 on the wire and i64 in SQLite; one beyond i64 is bogus
/// anyway and kept as the largest.
fn sql_cursor(c: beffroi_domain::Cursor) -> i64 {
    i64::try_from(c.0).unwrap_or(i64::MAX)
}

/// How notifications read and which are wanted.
#[allow(missing_debug_implementations)]
pub struct NotifyWith<'a> {
    /// The languages closest to the resident's (see `beffroi_domain::reading_langs`).
    pub reading: &'a [LangTag],
    /// Before an update's headline ("Mise à jour :").
    pub update_prefix: &'a str,
    /// The summary naming the places it reaches: (places, headline) → text.
    pub at_places: &'a dyn Fn(&str, &str) -> String,
    /// Whether test and exercise alerts are notified.
    pub tests: bool,
    /// Whether an extreme alert may ask for critical treatment (through
    /// do-not-disturb); when not, every notification is normal.
    pub critical: bool,
}

/// The notifications a batch of new messages deserves: one per thread whose
/// latest message is a new or updated alert in force where the resident
/// wants to hear of it, in the language closest to theirs, naming the
/// resident's places it reaches.
pub fn notifications(
    alerts: &[ResidentAlert],
    threads: &[String],
    with: &NotifyWith<'_>,
) -> Vec<(String, NotificationPreview)> {
    use beffroi_domain::alert::AlertStatus;
    alerts
        .iter()
        .filter(|a| threads.contains(&a.thread))
        .filter(|a| a.state == AlertState::Active && a.notify)
        .filter(|a| with.tests || a.message.body.status == AlertStatus::Actual)
        .filter(|a| {
            a.history
                .last()
                .is_some_and(|h| h.msg_type != MsgType::Cancel)
        })
        .filter_map(|a| {
            let prefix = (a.message.msg_type == MsgType::Update).then_some(with.update_prefix);
            let mut n = a.message.notification(with.reading, prefix)?;
            if !with.critical {
                n.urgency = "normal".into();
            }
            // Named only when it is not at home anyway.
            if !a.places.is_empty() && !a.at_home {
                n.summary = (with.at_places)(&a.places.join(", "), &n.summary);
            }
            Some((a.thread.clone(), n))
        })
        .collect()
}

/// The languages of the desktop session, most preferred first (`LANGUAGE`,
/// then `LC_ALL`, `LC_MESSAGES`, `LANG`, as gettext reads them).
pub fn system_langs() -> Vec<LangTag> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut langs: Vec<LangTag> = Vec::new();
    let listed = var("LANGUAGE")
        .into_iter()
        .flat_map(|l| l.split(':').map(str::to_owned).collect::<Vec<_>>());
    let single = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(var);
    for locale in listed.chain(single) {
        if let Some(tag) = LangTag::from_locale(&locale)
            && !langs.contains(&tag)
        {
            langs.push(tag);
        }
    }
    langs
}

/// Shows notifications on the desktop.
pub trait Notifier: Send + Sync + std::fmt::Debug {
    fn notify(&self, thread: &str, n: &NotificationPreview) -> Result<(), String>;
}

/// Native desktop notifications (freedesktop D-Bus) through notify-rust.
#[cfg(not(any(target_os = "android", target_os = "ios")))]
#[derive(Debug, Default)]
pub struct DesktopNotifier;

#[cfg(not(any(target_os = "android", target_os = "ios")))]
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

    fn signed(key: &SigningKey, json: &str) -> SignedAlert {
        signing::sign_text(json.to_owned(), key)
    }

    fn cursor(store: &Store) -> beffroi_domain::Cursor {
        store
            .get_meta::<beffroi_domain::Cursor>(keys::ALERTS_CURSOR)
            .expect("meta")
            .unwrap_or_default()
    }

    fn message_json(id: &str, msg_type: &str, urgency: &str, sent: &str, refs: &str) -> String {
        serde_json::json!({
            "identifier": id, "sender": "s", "sent": sent, "msg_type": msg_type,
            "references": serde_json::from_str::<serde_json::Value>(refs).expect("refs"),
            "status": "actual", "category": "fire", "event": "Feu", "urgency": urgency,
            "severity": "extreme", "certainty": "observed",
            "texts": [{"lang": "fr", "headline": "Feu", "description": ""}],
            "area": {"kind": "territory"}
        })
        .to_string()
    }

    #[test]
    fn only_an_extreme_alert_asks_for_a_critical_notification_unless_turned_off() {
        let extreme: AlertMessage = serde_json::from_str(&message_json(
            "a",
            "alert",
            "immediate",
            "2026-12-06T10:00:00Z",
            "[]",
        ))
        .expect("a message");
        let mut severe = extreme.clone();
        severe.body.severity = beffroi_domain::alert::Severity::Severe;
        let alert = |m: AlertMessage, thread: &str| ResidentAlert {
            thread: thread.into(),
            state: AlertState::Active,
            read: false,
            concerns_me: true,
            level: m.level(),
            all_clear: false,
            at_home: true,
            places: vec![],
            notify: true,
            history: vec![HistoryEntry {
                identifier: m.identifier.clone(),
                msg_type: m.msg_type,
                sent: m.sent,
            }],
            message: m,
        };
        let alerts = [alert(extreme, "x"), alert(severe, "s")];
        let threads = ["x".to_owned(), "s".to_owned()];
        let urgencies = |critical: bool| -> Vec<String> {
            let with = NotifyWith {
                reading: &[],
                update_prefix: "",
                at_places: &|_, h| h.to_owned(),
                tests: true,
                critical,
            };
            notifications(&alerts, &threads, &with)
                .into_iter()
                .map(|(_, n)| n.urgency)
                .collect()
        };
        assert_eq!(urgencies(true), ["critical", "normal"]);
        assert_eq!(urgencies(false), ["normal", "normal"]);
    }

    #[test]
    fn the_all_clear_shows_for_six_hours_then_goes_to_the_history() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let key = SigningKey::from_bytes(&[1; 32]);
        store.pin_keys(&[public(&key, None)]).expect("pin");
        let first = r#"[{"sender":"s","identifier":"a","sent":"2026-12-06T10:00:00Z"}]"#;
        let messages = [
            message_json("a", "alert", "immediate", "2026-12-06T10:00:00Z", "[]"),
            // The final update: urgency Past.
            message_json("b", "update", "past", "2026-12-06T12:00:00Z", first),
        ];
        let signed: Vec<SignedAlert> = messages.iter().map(|m| signed(&key, m)).collect();
        let at = |hour: u8| {
            time::macros::datetime!(2026-12-06 00:00 UTC) + time::Duration::hours(i64::from(hour))
        };
        let here = Whereabouts::default();
        store
            .apply_alerts(
                &signed[..1],
                beffroi_domain::Cursor(0),
                beffroi_domain::Cursor(1),
            )
            .expect("applied");
        let before = &store.alerts(at(11), &here).expect("alerts")[0];
        assert_eq!(
            (before.state, before.all_clear),
            (AlertState::Active, false)
        );
        assert_eq!(before.level, beffroi_domain::alert::AlertLevel::Emergency);
        store
            .apply_alerts(
                &signed[1..],
                beffroi_domain::Cursor(1),
                beffroi_domain::Cursor(2),
            )
            .expect("applied");
        let over = &store.alerts(at(13), &here).expect("alerts")[0];
        assert_eq!((over.state, over.all_clear), (AlertState::Active, true));
        let later = &store.alerts(at(19), &here).expect("alerts")[0];
        assert_eq!((later.state, later.all_clear), (AlertState::Expired, false));
    }

    #[test]
    fn a_genuine_message_this_version_cannot_read_does_not_silence_later_alerts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let key = SigningKey::from_bytes(&[1; 32]);
        store.pin_keys(&[public(&key, None)]).expect("pin");
        // Signed by the town hall, in a shape a newer server may send.
        let newer = signed(&key, r#"{"identifier":"x","future":true}"#);
        let (_, rejected) = store
            .apply_alerts(
                &[newer],
                beffroi_domain::Cursor(0),
                beffroi_domain::Cursor(1),
            )
            .expect("applied");
        assert!(rejected[0].unreadable, "{rejected:?}");
        assert_eq!(
            cursor(&store),
            beffroi_domain::Cursor(1),
            "the cursor moves past it"
        );
        // A forgery still holds the cursor where it was.
        let stranger = SigningKey::from_bytes(&[9; 32]);
        let forged = signed(&stranger, r#"{"identifier":"y"}"#);
        let (_, rejected) = store
            .apply_alerts(
                &[forged],
                beffroi_domain::Cursor(1),
                beffroi_domain::Cursor(2),
            )
            .expect("applied");
        assert!(!rejected[0].unreadable);
        assert_eq!(cursor(&store), beffroi_domain::Cursor(1));
    }
}
