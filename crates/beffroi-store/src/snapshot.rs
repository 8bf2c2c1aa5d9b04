//! A whole town hall's stored data, row for row, as every backend keeps it:
//! what `beffroi-server migrate` copies from one database into another.
//!
//! Rows keep what devices depend on exactly: every cursor (`rev`), the
//! tombstones, the sequence's position, the signed alerts' bytes, the ids
//! of the audit log and of the report histories (their order is their
//! meaning). Times are kept to the microsecond (what PostgreSQL keeps);
//! [`Snapshot::normalised`] rounds a snapshot so that two backends'
//! snapshots of the same data compare equal.
//!
//! A store takes a snapshot only into an empty database
//! ([`crate::Store::import`]), in one transaction: a copy is whole or is not.

use time::OffsetDateTime;

/// Every table a town hall's data is in (the cursor sequence aside), in
/// the order a copy fills them.
pub const TABLES: [&str; 19] = [
    "communes",
    "staff",
    "sessions",
    "places",
    "alerts",
    "alert_messages",
    "audit_log",
    "reports",
    "report_status",
    "push_subscriptions",
    "secrets",
    "measures",
    "advice",
    "aid_posts",
    "aid_threads",
    "aid_messages",
    "aid_abuse",
    "aid_blocked",
    "aid_publish_first",
];

/// A column of a table copied cell by cell ([`PLAIN`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Text,
    /// Text or NULL.
    OptText,
    /// A 64-bit integer (cursors; times as Unix seconds).
    Int,
    Bool,
}

/// A table whose columns are all plain ([`Col`]): both backends copy it
/// the same way from this description alone, so a new one needs no code.
#[derive(Debug, Clone, Copy)]
pub struct PlainTable {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Col)],
}

/// The tables copied cell by cell, in the order a copy fills them.
pub const PLAIN: [PlainTable; 6] = [
    PlainTable {
        name: "aid_posts",
        columns: &[
            ("id", Col::Text),
            ("data", Col::Text),
            ("state", Col::Text),
            ("key_hash", Col::Text),
            ("digest", Col::Text),
            ("commune", Col::OptText),
            ("received_at", Col::Int),
            ("expires", Col::Int),
            ("was_published", Col::Bool),
            ("rev", Col::Int),
        ],
    },
    PlainTable {
        name: "aid_threads",
        columns: &[
            ("id", Col::Text),
            ("post_id", Col::Text),
            ("answerer", Col::Text),
            ("author_contact", Col::OptText),
            ("answerer_contact", Col::OptText),
            ("created_at", Col::Int),
            ("closed", Col::Bool),
        ],
    },
    PlainTable {
        name: "aid_messages",
        columns: &[
            ("id", Col::Text),
            ("thread_id", Col::Text),
            ("from_author", Col::Bool),
            ("text", Col::Text),
            ("at", Col::Int),
            ("rev", Col::Int),
        ],
    },
    PlainTable {
        name: "aid_abuse",
        columns: &[
            ("post_id", Col::Text),
            ("reporter", Col::Text),
            ("reason", Col::Text),
            ("at", Col::Int),
        ],
    },
    PlainTable {
        name: "aid_blocked",
        columns: &[
            ("key_hash", Col::Text),
            ("post_id", Col::Text),
            ("actor", Col::Text),
            ("at", Col::Int),
        ],
    },
    PlainTable {
        name: "aid_publish_first",
        columns: &[("commune", Col::Text)],
    },
];

/// One cell of a [`PlainTable`]'s row.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    /// The last cursor handed out (0: none yet).
    pub last_cursor: i64,
    pub communes: Vec<CommuneRow>,
    pub staff: Vec<StaffRow>,
    pub sessions: Vec<SessionRow>,
    pub places: Vec<PlaceRow>,
    pub alerts: Vec<AlertRow>,
    pub alert_messages: Vec<AlertMessageRow>,
    pub audit_log: Vec<AuditRow>,
    pub reports: Vec<ReportRow>,
    pub report_status: Vec<ReportStatusRow>,
    pub push_subscriptions: Vec<PushRow>,
    pub secrets: Vec<SecretRow>,
    pub measures: Vec<VersionRow>,
    pub advice: Vec<VersionRow>,
    /// The [`PLAIN`] tables' rows, by table name.
    pub plain: std::collections::BTreeMap<&'static str, Vec<Vec<Cell>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommuneRow {
    pub code: String,
    pub name: String,
    pub population: i64,
    /// A JSON array of strings.
    pub postal_codes: String,
    /// `{"outline": …, "centre": …}` as JSON, when known.
    pub geometry: Option<String>,
    pub rev: i64,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaffRow {
    pub username: String,
    pub role: String,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// The SHA-256 of the bearer token (tokens are never stored).
    pub token_hash: Vec<u8>,
    pub username: String,
    /// Unix seconds.
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRow {
    pub id: String,
    /// The place as JSON, as the store keeps it.
    pub data: String,
    pub name: String,
    pub category: String,
    pub commune: Option<String>,
    pub rev: i64,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    pub id: String,
    pub data: String,
    pub state: String,
    pub thread: Option<String>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertMessageRow {
    pub rev: i64,
    pub identifier: String,
    pub alert_id: String,
    pub msg_type: String,
    pub area: String,
    pub sent: OffsetDateTime,
    /// The signed alert's JSON, byte for byte (what its signature covers).
    pub signed: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub id: String,
    pub digest: String,
    pub data: String,
    pub category: String,
    pub commune: Option<String>,
    pub received_at: OffsetDateTime,
    pub kind: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportStatusRow {
    pub id: i64,
    pub report_id: String,
    pub at: OffsetDateTime,
    pub status: String,
    pub message: Option<String>,
    pub actor: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PushRow {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub communes: String,
    pub lang: String,
    pub min_severity: String,
    /// Unix seconds.
    pub created_at: i64,
    pub renewed_at: i64,
    /// The device understands a push saying the rules changed.
    pub measures: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecretRow {
    pub name: String,
    pub value: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// One version of a versioned document (a measure, an advice page).
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRow {
    pub id: String,
    pub version: i64,
    /// The version as JSON (a `Measure`, an `Advice`), as the store keeps it.
    pub data: String,
    pub withdrawn: bool,
    pub rev: i64,
}

impl Snapshot {
    /// How many rows each table has, by the table's name, in import order.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        let rows = [
            self.communes.len(),
            self.staff.len(),
            self.sessions.len(),
            self.places.len(),
            self.alerts.len(),
            self.alert_messages.len(),
            self.audit_log.len(),
            self.reports.len(),
            self.report_status.len(),
            self.push_subscriptions.len(),
            self.secrets.len(),
            self.measures.len(),
            self.advice.len(),
        ];
        let plain = PLAIN
            .iter()
            .map(|t| (t.name, self.plain_rows(t.name).len()));
        TABLES.into_iter().zip(rows).chain(plain).collect()
    }

    /// A [`PLAIN`] table's rows (none when it has none).
    pub fn plain_rows(&self, table: &str) -> &[Vec<Cell>] {
        self.plain.get(table).map_or(&[], Vec::as_slice)
    }

    /// Whether there is nothing in it at all.
    pub fn is_empty(&self) -> bool {
        self.last_cursor == 0 && self.counts().iter().all(|(_, n)| *n == 0)
    }

    /// The same data, rows in key order and times to the microsecond:
    /// what two backends holding the same town hall both answer.
    pub fn normalised(mut self) -> Self {
        self.communes.sort_by(|a, b| a.code.cmp(&b.code));
        self.staff.sort_by(|a, b| a.username.cmp(&b.username));
        self.sessions
            .sort_by(|a, b| a.token_hash.cmp(&b.token_hash));
        self.places.sort_by(|a, b| a.id.cmp(&b.id));
        self.alerts.sort_by(|a, b| a.id.cmp(&b.id));
        self.alert_messages.sort_by_key(|m| m.rev);
        self.audit_log.sort_by_key(|a| a.id);
        self.reports.sort_by(|a, b| a.id.cmp(&b.id));
        self.report_status.sort_by_key(|s| s.id);
        self.push_subscriptions
            .sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
        self.secrets.sort_by(|a, b| a.name.cmp(&b.name));
        for rows in [&mut self.measures, &mut self.advice] {
            rows.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
        }
        for rows in self.plain.values_mut() {
            rows.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        }
        self.plain.retain(|_, rows| !rows.is_empty());
        for s in &mut self.staff {
            s.created_at = micros(s.created_at);
        }
        for a in &mut self.alerts {
            a.created_at = micros(a.created_at);
            a.updated_at = micros(a.updated_at);
        }
        for m in &mut self.alert_messages {
            m.sent = micros(m.sent);
        }
        for a in &mut self.audit_log {
            a.at = micros(a.at);
        }
        for r in &mut self.reports {
            r.received_at = micros(r.received_at);
        }
        for s in &mut self.report_status {
            s.at = micros(s.at);
        }
        self
    }
}

/// `t` rounded down to the microsecond, in UTC.
pub fn micros(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn normalising_orders_rows_and_rounds_times_to_the_microsecond() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        let row = |id: i64| AuditRow {
            id,
            at: t,
            actor: "a".into(),
            action: "b".into(),
            target: "c".into(),
            message: None,
        };
        let s = Snapshot {
            audit_log: vec![row(2), row(1)],
            ..Snapshot::default()
        }
        .normalised();
        assert_eq!(s.audit_log[0].id, 1);
        assert_eq!(s.audit_log[1].at.nanosecond(), 123_456_000);
        assert!(!s.is_empty());
        assert!(Snapshot::default().is_empty());
    }
}
