//! Alerts, mapped onto CAP 1.2 (OASIS Common Alerting Protocol) without loss:
//! every field here has its CAP element, and a CAP message the town hall's own
//! tools send maps back onto these types (see `docs/alerts.md`).
//!
//! Staff compose an [`AlertDraft`]; publishing it makes an [`AlertMessage`]
//! (CAP `<alert>`), which the server signs ([`SignedAlert`]). An update or a
//! cancellation is a new message that references the earlier ones, as in CAP.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::place::Position;
use crate::shape::{Circle, Polygon, ShapeError, Shapes};
use crate::{InseeCode, Lang, LangTag};

/// The most characters of a headline staff write (CAP recommends fewer than 160).
pub const MAX_HEADLINE: usize = 160;
/// The most characters of a headline in a message from elsewhere (CAP import):
/// CAP only recommends 160, and real senders write longer ones.
pub const MAX_IMPORTED_HEADLINE: usize = 1000;
/// The most characters of a block's own event or audience.
pub const MAX_LABEL: usize = 500;
/// The most characters of a description or an instruction.
pub const MAX_TEXT: usize = 4000;

macro_rules! cap_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $cap:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as CAP 1.2 spells it.
            pub fn cap(self) -> &'static str {
                match self { $($name::$variant => $cap),+ }
            }

            /// Parses the CAP spelling (case as in the standard).
            pub fn from_cap(s: &str) -> Option<Self> {
                match s { $($cap => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.cap())
            }
        }
    };
}

cap_enum!(
    /// CAP `<status>`. Drafts are Beffroi's own state, never sent.
    AlertStatus {
        Actual = "Actual",
        Exercise = "Exercise",
        Test = "Test",
    }
);

cap_enum!(
    /// CAP `<msgType>`.
    MsgType {
        Alert = "Alert",
        Update = "Update",
        Cancel = "Cancel",
    }
);

cap_enum!(
    /// CAP `<category>`. A confinement measure is a `Health` alert with its
    /// own event code.
    AlertCategory {
        Geo = "Geo",
        Met = "Met",
        Safety = "Safety",
        Security = "Security",
        Rescue = "Rescue",
        Fire = "Fire",
        Health = "Health",
        Env = "Env",
        Transport = "Transport",
        Infra = "Infra",
        Cbrne = "CBRNE",
        Other = "Other",
    }
);

cap_enum!(
    /// CAP `<urgency>`.
    Urgency {
        Immediate = "Immediate",
        Expected = "Expected",
        Future = "Future",
        Past = "Past",
        Unknown = "Unknown",
    }
);

cap_enum!(
    /// CAP `<severity>`.
    Severity {
        Extreme = "Extreme",
        Severe = "Severe",
        Moderate = "Moderate",
        Minor = "Minor",
        Unknown = "Unknown",
    }
);

cap_enum!(
    /// CAP `<certainty>`.
    Certainty {
        Observed = "Observed",
        Likely = "Likely",
        Possible = "Possible",
        Unlikely = "Unlikely",
        Unknown = "Unknown",
    }
);

impl Severity {
    /// Its rank, from `Unknown` (0) to `Extreme` (4).
    pub fn rank(self) -> u8 {
        match self {
            Severity::Unknown => 0,
            Severity::Minor => 1,
            Severity::Moderate => 2,
            Severity::Severe => 3,
            Severity::Extreme => 4,
        }
    }

    /// Whether residents see it in a banner (and get an urgent notification).
    pub fn is_severe(self) -> bool {
        matches!(self, Severity::Extreme | Severity::Severe)
    }
}

/// How strongly an alert asks residents to act, on one scale of three (the
/// Australian Warning System's, which NINA and Alertswiss resemble): each
/// has its colour, icon and standard call to action in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AlertLevel {
    /// Stay informed.
    Information,
    /// Conditions are changing: prepare to act.
    WatchAndAct,
    /// Act now to protect yourself.
    Emergency,
}

impl AlertLevel {
    /// The level of an alert of this severity and urgency: extreme, or
    /// severe and immediate, is an emergency; severe, or moderate and
    /// immediate or expected, asks to watch and act; the rest informs.
    pub fn of(severity: Severity, urgency: Urgency) -> Self {
        use Severity::*;
        let soon = matches!(urgency, Urgency::Immediate | Urgency::Expected);
        match severity {
            Extreme => AlertLevel::Emergency,
            Severe if urgency == Urgency::Immediate => AlertLevel::Emergency,
            Severe => AlertLevel::WatchAndAct,
            Moderate if soon => AlertLevel::WatchAndAct,
            Moderate | Minor | Unknown => AlertLevel::Information,
        }
    }

    /// Its name in ids (`level-…`, `cta-…` messages; CSS classes).
    pub fn id(self) -> &'static str {
        match self {
            AlertLevel::Information => "information",
            AlertLevel::WatchAndAct => "watch_and_act",
            AlertLevel::Emergency => "emergency",
        }
    }
}

/// The path of an alert's public page on its town hall's server, from its
/// first message's identifier.
pub fn public_path(identifier: &str) -> String {
    format!("/alerts/{}", path_segment(identifier))
}

/// A CAP identifier as one URL path segment, percent-encoded: an imported
/// identifier may hold any character but spaces, commas, `<` and `&`.
pub fn path_segment(identifier: &str) -> String {
    let mut out = String::with_capacity(identifier.len());
    for b in identifier.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The value name of Beffroi's event codes in CAP `<eventCode>`.
pub const EVENT_CODE_NAME: &str = "beffroi";
/// The CAP geocode value name of a commune.
pub const GEOCODE_INSEE: &str = "INSEE";
/// The CAP geocode value name of the whole territory (an EPCI's SIREN number).
pub const GEOCODE_TERRITORY: &str = "EPCI";

/// Where an alert applies: the whole territory, or some of its communes
/// and/or shapes drawn on the map (CAP `<geocode>`, `<polygon>`, `<circle>`).
/// A place is concerned when its commune is listed, or when it lies in one
/// of the shapes (a commune, when one of them meets its outline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Area {
    Territory,
    Communes {
        communes: Vec<InseeCode>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Polygon>>", optional))]
        polygons: Vec<Polygon>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[cfg_attr(feature = "ts", ts(as = "Option<Vec<Circle>>", optional))]
        circles: Vec<Circle>,
    },
}

/// A place a resident follows, as an alert's area sees it: a commune (with
/// its outline when the device has it), or a point (with its commune when
/// known).
#[derive(Debug, Clone, Copy)]
pub struct Spot<'a> {
    pub commune: Option<&'a InseeCode>,
    pub point: Option<Position>,
    pub outline: Option<&'a geo::MultiPolygon<f64>>,
}

impl Area {
    /// Communes only (no shape).
    pub fn communes(communes: Vec<InseeCode>) -> Self {
        Area::Communes {
            communes,
            polygons: vec![],
            circles: vec![],
        }
    }

    /// Whether a resident of any of `communes` may be concerned (a resident
    /// with no commune chosen gets every alert). The server filters live
    /// streams with it: an alert with shapes passes, and the device decides
    /// with [`Area::reaches`].
    pub fn concerns(&self, communes: &[InseeCode]) -> bool {
        match self {
            Area::Territory => true,
            Area::Communes {
                communes: targeted,
                polygons,
                circles,
            } => {
                communes.is_empty()
                    || !polygons.is_empty()
                    || !circles.is_empty()
                    || targeted.iter().any(|c| communes.contains(c))
            }
        }
    }

    /// The shapes, ready to compare with places (`None` without any).
    pub fn shapes(&self) -> Option<Shapes> {
        match self {
            Area::Communes {
                polygons, circles, ..
            } if !(polygons.is_empty() && circles.is_empty()) => {
                Some(Shapes::new(polygons, circles))
            }
            _ => None,
        }
    }

    /// Whether the alert concerns `spot`: its commune is listed, or it lies
    /// in a shape (a commune: a shape meets its outline; with no outline
    /// known, any shape counts, so that nothing is missed).
    pub fn reaches(&self, spot: &Spot<'_>, shapes: Option<&Shapes>) -> bool {
        let Area::Communes { communes, .. } = self else {
            return true;
        };
        if spot.commune.is_some_and(|c| communes.contains(c)) {
            return true;
        }
        let Some(shapes) = shapes else {
            return false;
        };
        match (spot.point, spot.outline) {
            (Some(at), _) => shapes.hold(at),
            (None, Some(outline)) => shapes.meet(outline),
            (None, None) => true,
        }
    }
}

/// One language's text of an alert (CAP `<info>`'s text elements). A
/// message may have several blocks in one language when they differ by
/// event or audience, as CAP allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AlertText {
    /// Any BCP 47 language tag.
    pub lang: LangTag,
    /// This block's event when it differs from the message's (CAP `<event>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub event: Option<String>,
    /// Who this block is for (CAP `<audience>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub audience: Option<String>,
    /// At most [`MAX_HEADLINE`] characters from staff, [`MAX_IMPORTED_HEADLINE`]
    /// from a CAP import.
    pub headline: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub instruction: Option<String>,
    /// A web page with more (CAP `<web>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub web: Option<String>,
    /// Who to contact (CAP `<contact>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub contact: Option<String>,
}

/// What staff compose: everything of a message but its identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AlertDraft {
    pub status: AlertStatus,
    pub category: AlertCategory,
    /// What happens, in a few words (CAP `<event>`), e.g. "Confinement".
    pub event: String,
    /// Beffroi's event code (CAP `<eventCode>` named `beffroi`), e.g. `confinement`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub event_code: Option<String>,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    /// One block per language; French first when there is one.
    pub texts: Vec<AlertText>,
    pub area: Area,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub effective: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub onset: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires: Option<OffsetDateTime>,
}

/// A CAP reference to an earlier message: `sender,identifier,sent`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Reference {
    pub sender: String,
    pub identifier: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub sent: OffsetDateTime,
}

/// A published message (CAP `<alert>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AlertMessage {
    /// Unique for this sender; no spaces, commas or `<&`.
    pub identifier: String,
    pub sender: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub sent: OffsetDateTime,
    pub msg_type: MsgType,
    /// The messages this one updates or cancels, oldest first.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Who issues it, as residents know them (CAP `<senderName>`): the town
    /// hall's name, shown on every alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub sender_name: Option<String>,
    #[serde(flatten)]
    pub body: AlertDraft,
}

impl AlertMessage {
    /// The identifier of the first message of this alert's thread: an update
    /// or a cancellation references it first.
    pub fn thread(&self) -> &str {
        self.references
            .first()
            .map_or(&self.identifier, |r| &r.identifier)
    }

    /// The text in `lang`, else French, else the first one.
    pub fn text(&self, lang: Lang) -> Option<&AlertText> {
        self.texts_for(&[lang.into()]).into_iter().next()
    }

    /// What a resident whose languages are `prefs` (most preferred first)
    /// reads: every block in the first of them the message has (the same tag,
    /// else the same primary language: `fr` finds `fr-FR`), else in French,
    /// else in the message's first language. Several blocks when the message
    /// has several in that language (one per event or audience).
    pub fn texts_for(&self, prefs: &[LangTag]) -> Vec<&AlertText> {
        let texts = &self.body.texts;
        let french = LangTag::from(Lang::Fr);
        let chosen = prefs
            .iter()
            .chain(std::iter::once(&french))
            .find_map(|want| {
                texts
                    .iter()
                    .find(|t| &t.lang == want)
                    .or_else(|| texts.iter().find(|t| t.lang.primary() == want.primary()))
            })
            .or_else(|| texts.first())
            .map(|t| &t.lang);
        texts.iter().filter(|t| Some(&t.lang) == chosen).collect()
    }

    /// Its level on the three-step scale.
    pub fn level(&self) -> AlertLevel {
        AlertLevel::of(self.body.severity, self.body.urgency)
    }

    /// Whether it says the danger is over: a cancellation, or an update
    /// whose urgency is `Past` (CAP's way of a final update).
    pub fn is_all_clear(&self) -> bool {
        self.msg_type == MsgType::Cancel
            || (self.msg_type == MsgType::Update && self.body.urgency == Urgency::Past)
    }

    /// Whether the message no longer applies at `now` (past its expiry).
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.body.expires.is_some_and(|e| e <= now)
    }

    /// The reference another message uses to point at this one.
    pub fn reference(&self) -> Reference {
        Reference {
            sender: self.sender.clone(),
            identifier: self.identifier.clone(),
            sent: self.sent,
        }
    }
}

/// Why a draft or a message is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlertError {
    #[error("an alert needs at least one language block (headline and description)")]
    NoText,
    #[error(
        "language {0} appears twice with the same event and audience: one block per language, event and audience"
    )]
    DuplicateLang(LangTag),
    #[error("the {lang} headline is empty")]
    EmptyHeadline { lang: LangTag },
    #[error("the {lang} headline has {len} characters: at most {max}")]
    HeadlineTooLong {
        lang: LangTag,
        len: usize,
        max: usize,
    },
    #[error("the {lang} {field} has {len} characters: at most {max}")]
    TextTooLong {
        lang: LangTag,
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("the event is empty: say in a few words what happens")]
    EmptyEvent,
    #[error("the event code {0:?} is not valid: use lowercase letters, digits and '-'")]
    InvalidEventCode(String),
    #[error("no commune is targeted: choose communes or the whole territory")]
    NoCommune,
    #[error("the link {0:?} is not a web address (http:// or https://)")]
    InvalidWeb(String),
    #[error("the alert expires before it takes effect")]
    ExpiresBeforeEffective,
    #[error("identifier {0:?} is not valid: no spaces, commas, '<' or '&'")]
    InvalidIdentifier(String),
    #[error("a {0} message must reference the message it updates or cancels")]
    MissingReference(MsgType),
    #[error(transparent)]
    Shape(#[from] ShapeError),
}

fn valid_identifier(s: &str) -> bool {
    !s.is_empty() && !s.contains([' ', ',', '<', '&']) && !s.chars().any(char::is_control)
}

impl AlertDraft {
    /// Checks what staff compose: [`AlertDraft::validate`] with headlines of
    /// at most [`MAX_HEADLINE`] characters, as CAP recommends. Blocks that
    /// are `kept` as they were (an imported alert's, which staff update
    /// without rewriting them) keep their length.
    pub fn validate_staff(&self, kept: &[AlertText]) -> Result<(), AlertError> {
        self.validate()?;
        for t in self.texts.iter().filter(|t| !kept.contains(t)) {
            let len = t.headline.chars().count();
            if len > MAX_HEADLINE {
                return Err(AlertError::HeadlineTooLong {
                    lang: t.lang.clone(),
                    len,
                    max: MAX_HEADLINE,
                });
            }
        }
        Ok(())
    }

    /// Checks what a resident will see, whoever wrote it (staff or a CAP
    /// import); the server checks the communes exist.
    pub fn validate(&self) -> Result<(), AlertError> {
        if self.event.trim().is_empty() {
            return Err(AlertError::EmptyEvent);
        }
        if let Some(code) = &self.event_code {
            let ok = !code.is_empty()
                && code.len() <= 64
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                return Err(AlertError::InvalidEventCode(code.clone()));
            }
        }
        if self.texts.is_empty() {
            return Err(AlertError::NoText);
        }
        let mut seen = HashSet::new();
        for t in &self.texts {
            if !seen.insert((&t.lang, &t.event, &t.audience)) {
                return Err(AlertError::DuplicateLang(t.lang.clone()));
            }
            let len = t.headline.chars().count();
            if t.headline.trim().is_empty() {
                return Err(AlertError::EmptyHeadline {
                    lang: t.lang.clone(),
                });
            }
            if len > MAX_IMPORTED_HEADLINE {
                return Err(AlertError::HeadlineTooLong {
                    lang: t.lang.clone(),
                    len,
                    max: MAX_IMPORTED_HEADLINE,
                });
            }
            for (field, text, max) in [
                ("description", Some(&t.description), MAX_TEXT),
                ("instruction", t.instruction.as_ref(), MAX_TEXT),
                ("event", t.event.as_ref(), MAX_LABEL),
                ("audience", t.audience.as_ref(), MAX_LABEL),
            ] {
                let len = text.map_or(0, |s| s.chars().count());
                if len > max {
                    return Err(AlertError::TextTooLong {
                        lang: t.lang.clone(),
                        field,
                        len,
                        max,
                    });
                }
            }
            if let Some(web) = &t.web
                && !(web.starts_with("https://") || web.starts_with("http://"))
            {
                return Err(AlertError::InvalidWeb(web.clone()));
            }
        }
        if let Area::Communes {
            communes,
            polygons,
            circles,
        } = &self.area
        {
            if communes.is_empty() && polygons.is_empty() && circles.is_empty() {
                return Err(AlertError::NoCommune);
            }
            crate::shape::check_all(polygons, circles)?;
        }
        if let (Some(from), Some(to)) = (self.effective.or(self.onset), self.expires)
            && to <= from
        {
            return Err(AlertError::ExpiresBeforeEffective);
        }
        Ok(())
    }
}

impl AlertMessage {
    pub fn validate(&self) -> Result<(), AlertError> {
        for id in std::iter::once(&self.identifier)
            .chain(std::iter::once(&self.sender))
            .chain(self.references.iter().map(|r| &r.identifier))
        {
            if !valid_identifier(id) {
                return Err(AlertError::InvalidIdentifier(id.clone()));
            }
        }
        if self.msg_type != MsgType::Alert && self.references.is_empty() {
            return Err(AlertError::MissingReference(self.msg_type));
        }
        self.body.validate()
    }
}

/// A published message as the server delivers it: the exact bytes that were
/// signed and the Ed25519 signature over them. The message's JSON travels as
/// a JSON *string*, so whatever decodes and re-encodes the envelope (a proxy,
/// a JavaScript console, a test) cannot change a byte of what was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SignedAlert {
    /// The id of the key that signed (see `GET /api/v1/keys`).
    pub key_id: String,
    /// Base64 (standard, padded) Ed25519 signature of `message`.
    pub signature: String,
    /// The JSON text of an [`AlertMessage`].
    pub message: String,
}

/// A public key of the town hall, as `GET /api/v1/keys` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PublicKey {
    pub key_id: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created: OffsetDateTime,
    /// For a key made by rotation: the previous key's id and its signature of
    /// this key's public bytes, so a device that pinned the old key can trust
    /// the new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub endorsed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub endorsement: Option<String>,
}

/// Where an alert stands, for the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AlertState {
    /// Composed, not yet sent.
    Draft,
    /// Sent and in force.
    Active,
    /// Sent, then past its expiry.
    Expired,
    /// Sent, then cancelled.
    Cancelled,
}

/// An alert as staff manage it: a draft, then the thread of messages it became.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StaffAlert {
    pub id: String,
    pub state: AlertState,
    /// The current content (the last one sent, once sent).
    pub draft: AlertDraft,
    /// The identifier of the thread's first message, once sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub thread: Option<String>,
    /// The identifiers of the messages sent for it, oldest first.
    #[serde(default)]
    pub messages: Vec<String>,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub updated_at: OffsetDateTime,
}

/// What residents need to follow the town hall with its key checked: the
/// link to print on posters, and its QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TownHallLink {
    /// The address residents reach the server at.
    pub server: String,
    pub key_id: String,
    /// The newest key's fingerprint (SHA-256, 64 hexadecimal digits).
    pub fingerprint: String,
    /// Its first 128 bits grouped by four, for people to compare.
    pub display: String,
    /// `beffroi://connect?server=…&key=…`, opened by the app and the CLI.
    pub link: String,
    /// The link as a QR code (SVG).
    pub qr_svg: String,
}

/// A line of the audit log: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuditEntry {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: OffsetDateTime,
    pub actor: String,
    /// `draft`, `edit`, `publish`, `update`, `cancel`, `publish_cap`, …
    pub action: String,
    /// The alert's id.
    pub target: String,
    /// The message identifier sent, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub message: Option<String>,
}

/// How a notification of an alert reads, for a language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NotificationPreview {
    pub lang: LangTag,
    pub summary: String,
    pub body: String,
    /// `critical` for extreme alerts (an emergency that may break through
    /// do-not-disturb), else `normal`.
    pub urgency: String,
}

/// The most characters of a notification's body.
pub const NOTIFICATION_BODY: usize = 280;

impl AlertMessage {
    /// The desktop notification of this message for a resident whose
    /// languages are `prefs` (see [`AlertMessage::texts_for`]; the first block
    /// when there are several). `prefix` marks updates and cancellations.
    pub fn notification(
        &self,
        prefs: &[LangTag],
        prefix: Option<&str>,
    ) -> Option<NotificationPreview> {
        let text = *self.texts_for(prefs).first()?;
        let summary = match prefix {
            Some(p) => format!("{p} {}", text.headline),
            None => text.headline.clone(),
        };
        let mut body = text
            .instruction
            .as_deref()
            .filter(|i| !i.trim().is_empty())
            .unwrap_or(&text.description)
            .to_owned();
        if body.chars().count() > NOTIFICATION_BODY {
            body = body.chars().take(NOTIFICATION_BODY - 1).collect::<String>() + "…";
        }
        Some(NotificationPreview {
            lang: text.lang.clone(),
            summary,
            body,
            urgency: if self.body.severity == Severity::Extreme {
                "critical"
            } else {
                "normal"
            }
            .into(),
        })
    }
}

/// Signing and checking signatures. The signed bytes are a message's JSON as
/// the server wrote it when publishing: the canonical form is those bytes,
/// never a re-encoding, so a client that does not know a newer field still
/// checks the signature right.
pub mod signing {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
    use sha2::{Digest, Sha256};

    use super::{AlertMessage, PublicKey, SignedAlert};

    #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
    pub enum VerifyError {
        #[error("signed by an unknown key {0:?}")]
        UnknownKey(String),
        #[error("the signature is not valid base64 Ed25519")]
        Malformed,
        #[error("the signature does not match: the message was altered or not signed by the key")]
        BadSignature,
        #[error("the signed message cannot be read: {0}")]
        Unreadable(String),
        #[error("the public key {0:?} is not a valid Ed25519 key")]
        BadKey(String),
    }

    /// A key's id: the first 16 hex digits of the SHA-256 of its public bytes.
    pub fn key_id(key: &VerifyingKey) -> String {
        let digest = Sha256::digest(key.as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Encodes and signs a message.
    pub fn sign(message: &AlertMessage, key: &SigningKey) -> serde_json::Result<SignedAlert> {
        Ok(sign_text(serde_json::to_string(message)?, key))
    }

    /// Signs a message's JSON text as it is (what `sign` does once encoded).
    pub fn sign_text(json: String, key: &SigningKey) -> SignedAlert {
        let signature = key.sign(json.as_bytes());
        SignedAlert {
            key_id: key_id(&key.verifying_key()),
            signature: STANDARD.encode(signature.to_bytes()),
            message: json,
        }
    }

    /// A key's fingerprint, as a town hall prints it on posters and links:
    /// the SHA-256 of the public key, in hexadecimal (64 digits).
    pub fn fingerprint(key: &VerifyingKey) -> String {
        Sha256::digest(key.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The fewest hexadecimal digits a given fingerprint must have (128 bits).
    pub const MIN_FINGERPRINT_DIGITS: usize = 32;

    /// A fingerprint as a person typed or scanned it, in canonical form
    /// (lowercase digits, spaces, colons and dashes dropped); `None` when
    /// it is not hexadecimal or shorter than [`MIN_FINGERPRINT_DIGITS`].
    pub fn normalize_fingerprint(given: &str) -> Option<String> {
        let fp: String = given
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '-'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        (fp.len() >= MIN_FINGERPRINT_DIGITS
            && fp.len() <= 64
            && fp.chars().all(|c| c.is_ascii_hexdigit()))
        .then_some(fp)
    }

    /// Whether `key` is the one a (normalized) fingerprint names; a valid
    /// key is needed.
    pub fn matches_fingerprint(key: &PublicKey, fingerprint: &str) -> bool {
        decode_key(key).is_ok_and(|vk| self::fingerprint(&vk).starts_with(fingerprint))
    }

    /// A fingerprint grouped by four for people to compare (`a1b2 c3d4 …`),
    /// its first 128 bits.
    pub fn display_fingerprint(fingerprint: &str) -> String {
        fingerprint
            .chars()
            .take(MIN_FINGERPRINT_DIGITS)
            .collect::<Vec<_>>()
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn decode_key(key: &PublicKey) -> Result<VerifyingKey, VerifyError> {
        let bad = || VerifyError::BadKey(key.key_id.clone());
        let bytes: [u8; 32] = STANDARD
            .decode(&key.public_key)
            .map_err(|_| bad())?
            .try_into()
            .map_err(|_| bad())?;
        let vk = VerifyingKey::from_bytes(&bytes).map_err(|_| bad())?;
        if key_id(&vk) != key.key_id {
            return Err(bad());
        }
        Ok(vk)
    }

    fn check(vk: &VerifyingKey, bytes: &[u8], signature: &str) -> Result<(), VerifyError> {
        let sig: [u8; 64] = STANDARD
            .decode(signature)
            .map_err(|_| VerifyError::Malformed)?
            .try_into()
            .map_err(|_| VerifyError::Malformed)?;
        vk.verify_strict(bytes, &Signature::from_bytes(&sig))
            .map_err(|_| VerifyError::BadSignature)
    }

    /// Checks a delivered alert against trusted keys and decodes it.
    pub fn verify(
        signed: &SignedAlert,
        trusted: &[PublicKey],
    ) -> Result<AlertMessage, VerifyError> {
        let key = trusted
            .iter()
            .find(|k| k.key_id == signed.key_id)
            .ok_or_else(|| VerifyError::UnknownKey(signed.key_id.clone()))?;
        let vk = decode_key(key)?;
        check(&vk, signed.message.as_bytes(), &signed.signature)?;
        serde_json::from_str(&signed.message).map_err(|e| VerifyError::Unreadable(e.to_string()))
    }

    /// The endorsement of `new` by `old`: `old`'s signature of `new`'s public bytes.
    pub fn endorse(old: &SigningKey, new: &VerifyingKey) -> String {
        STANDARD.encode(old.sign(new.as_bytes()).to_bytes())
    }

    /// Whether `key` is endorsed by one of `trusted` (a rotated key).
    pub fn is_endorsed(key: &PublicKey, trusted: &[PublicKey]) -> bool {
        let (Some(by), Some(endorsement)) = (&key.endorsed_by, &key.endorsement) else {
            return false;
        };
        let Ok(new) = decode_key(key) else {
            return false;
        };
        trusted
            .iter()
            .filter(|k| &k.key_id == by)
            .filter_map(|k| decode_key(k).ok())
            .any(|old| check(&old, new.as_bytes(), endorsement).is_ok())
    }

    pub fn encode_key(key: &VerifyingKey) -> String {
        STANDARD.encode(key.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::signing::*;
    use super::*;

    pub(crate) fn draft() -> AlertDraft {
        AlertDraft {
            status: AlertStatus::Actual,
            category: AlertCategory::Health,
            event: "Confinement".into(),
            event_code: Some("confinement".into()),
            urgency: Urgency::Immediate,
            severity: Severity::Severe,
            certainty: Certainty::Observed,
            texts: vec![AlertText {
                lang: Lang::Fr.into(),
                event: None,
                audience: None,
                headline: "Confinement à partir de midi".into(),
                description: "Restez chez vous.".into(),
                instruction: Some("Sortez seulement pour l'essentiel.".into()),
                web: None,
                contact: None,
            }],
            area: Area::Territory,
            effective: None,
            onset: None,
            expires: None,
        }
    }

    fn message() -> AlertMessage {
        AlertMessage {
            identifier: "bf-1".into(),
            sender: "mairie.example".into(),
            sent: OffsetDateTime::from_unix_timestamp(1_795_000_000).expect("time"),
            msg_type: MsgType::Alert,
            references: vec![],
            sender_name: None,
            body: draft(),
        }
    }

    #[test]
    fn levels_follow_severity_and_urgency() {
        use AlertLevel::*;
        for (severity, urgency, level) in [
            (Severity::Extreme, Urgency::Future, Emergency),
            (Severity::Severe, Urgency::Immediate, Emergency),
            (Severity::Severe, Urgency::Expected, WatchAndAct),
            (Severity::Moderate, Urgency::Immediate, WatchAndAct),
            (Severity::Moderate, Urgency::Future, Information),
            (Severity::Minor, Urgency::Immediate, Information),
            (Severity::Unknown, Urgency::Unknown, Information),
        ] {
            assert_eq!(
                AlertLevel::of(severity, urgency),
                level,
                "{severity} {urgency}"
            );
        }
        let mut m = message();
        assert!(!m.is_all_clear());
        m.msg_type = MsgType::Update;
        m.body.urgency = Urgency::Past;
        assert!(m.is_all_clear(), "a final update");
        m.msg_type = MsgType::Cancel;
        assert!(m.is_all_clear());
    }

    fn public(key: &ed25519_dalek::SigningKey) -> PublicKey {
        PublicKey {
            key_id: key_id(&key.verifying_key()),
            public_key: encode_key(&key.verifying_key()),
            created: OffsetDateTime::UNIX_EPOCH,
            endorsed_by: None,
            endorsement: None,
        }
    }

    #[test]
    fn drafts_are_checked() {
        assert_eq!(draft().validate(), Ok(()));
        let mut d = draft();
        d.texts[0].headline = "x".repeat(161);
        // CAP only recommends 160 characters: a message from elsewhere may
        // have more, staff may not.
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(
            d.validate_staff(&[]),
            Err(AlertError::HeadlineTooLong {
                lang: Lang::Fr.into(),
                len: 161,
                max: MAX_HEADLINE,
            })
        );
        // An imported block kept as it was keeps its length.
        assert_eq!(d.validate_staff(&d.texts.clone()), Ok(()));
        d.texts[0].headline = "x".repeat(MAX_IMPORTED_HEADLINE + 1);
        assert!(matches!(
            d.validate(),
            Err(AlertError::HeadlineTooLong { .. })
        ));
        let mut d = draft();
        d.texts.push(d.texts[0].clone());
        assert_eq!(
            d.validate(),
            Err(AlertError::DuplicateLang(Lang::Fr.into()))
        );
        // Two blocks in one language for two audiences are CAP.
        d.texts[1].audience = Some("Établissements scolaires".into());
        assert_eq!(d.validate_staff(&[]), Ok(()));
        let mut d = draft();
        d.area = Area::communes(vec![]);
        assert_eq!(d.validate(), Err(AlertError::NoCommune));
        let mut d = draft();
        d.texts.clear();
        assert_eq!(d.validate(), Err(AlertError::NoText));
        let mut m = message();
        m.msg_type = MsgType::Cancel;
        assert_eq!(
            m.validate(),
            Err(AlertError::MissingReference(MsgType::Cancel))
        );
    }

    #[test]
    fn a_signed_alert_verifies_and_an_altered_one_does_not() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let trusted = [public(&key)];
        let signed = sign(&message(), &key).expect("sign");
        assert_eq!(verify(&signed, &trusted), Ok(message()));

        // Through the wire and back, even as a generic JSON value whose keys
        // get reordered: the signed text is kept.
        let wire = serde_json::to_value(&signed).expect("encode");
        let back: SignedAlert = serde_json::from_value(wire).expect("decode");
        assert_eq!(verify(&back, &trusted), Ok(message()));

        let altered = SignedAlert {
            message: signed.message.replace("midi", "minuit"),
            ..signed.clone()
        };
        assert_eq!(verify(&altered, &trusted), Err(VerifyError::BadSignature));

        let other = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
        assert!(matches!(
            verify(&sign(&message(), &other).expect("sign"), &trusted),
            Err(VerifyError::UnknownKey(_))
        ));
        let unsigned = SignedAlert {
            signature: String::new(),
            ..signed
        };
        assert_eq!(verify(&unsigned, &trusted), Err(VerifyError::Malformed));
    }

    #[test]
    fn a_rotated_key_is_trusted_through_its_endorsement() {
        let old = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let new = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
        let mut rotated = public(&new);
        assert!(!is_endorsed(&rotated, &[public(&old)]));
        rotated.endorsed_by = Some(key_id(&old.verifying_key()));
        rotated.endorsement = Some(endorse(&old, &new.verifying_key()));
        assert!(is_endorsed(&rotated, &[public(&old)]));
        let stranger = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
        assert!(!is_endorsed(&rotated, &[public(&stranger)]));
    }

    #[test]
    fn the_thread_is_the_first_reference() {
        let first = message();
        let mut update = message();
        update.identifier = "bf-2".into();
        update.msg_type = MsgType::Update;
        update.references = vec![first.reference()];
        assert_eq!(first.thread(), "bf-1");
        assert_eq!(update.thread(), "bf-1");
    }

    fn text_in(lang: &str, headline: &str) -> AlertText {
        AlertText {
            lang: LangTag::parse(lang).expect("tag"),
            headline: headline.into(),
            ..draft().texts[0].clone()
        }
    }

    fn tags(prefs: &[&str]) -> Vec<LangTag> {
        prefs
            .iter()
            .map(|p| LangTag::parse(p).expect("tag"))
            .collect()
    }

    fn headlines<'a>(m: &'a AlertMessage, prefs: &[&str]) -> Vec<&'a str> {
        m.texts_for(&tags(prefs))
            .iter()
            .map(|t| t.headline.as_str())
            .collect()
    }

    #[test]
    fn texts_fall_back_to_french() {
        let m = message();
        assert_eq!(
            m.text(Lang::It).map(|t| t.lang.clone()),
            Some(Lang::Fr.into())
        );
    }

    #[test]
    fn a_resident_reads_their_language_or_the_closest_then_french_then_the_first() {
        let mut m = message();
        m.body.texts = vec![
            text_in("de-DE", "Unwetter"),
            text_in("pt-BR", "Tempestade"),
            text_in("fr-FR", "Orages"),
            text_in("zh-Hant", "雷暴"),
        ];
        assert_eq!(headlines(&m, &["pt-BR"]), ["Tempestade"]);
        // The same primary language when the exact tag is missing.
        assert_eq!(headlines(&m, &["pt-PT"]), ["Tempestade"]);
        assert_eq!(headlines(&m, &["de"]), ["Unwetter"]);
        assert_eq!(headlines(&m, &["zh-Hant-TW"]), ["雷暴"]);
        // In order of preference, then French, then the first block.
        assert_eq!(headlines(&m, &["he", "de-AT"]), ["Unwetter"]);
        assert_eq!(headlines(&m, &["it"]), ["Orages"]);
        m.body.texts.remove(2);
        assert_eq!(headlines(&m, &["it"]), ["Unwetter"]);
        assert_eq!(
            m.notification(&tags(&["he"]), None)
                .map(|n| n.lang.to_string()),
            Some("de-DE".to_owned())
        );
        // Every block of the chosen language: one per audience.
        let mut schools = text_in("de-DE", "Schulen geschlossen");
        schools.audience = Some("Schulen".into());
        m.body.texts.push(schools);
        assert_eq!(headlines(&m, &["de"]), ["Unwetter", "Schulen geschlossen"]);
    }
}
