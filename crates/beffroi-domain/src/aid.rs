//! Mutual aid (entraide): neighbours' offers and requests of help during a
//! crisis (shopping for an older person, meals, minding children, homework,
//! a phone call to someone alone, errands, a lift to an appointment), posted
//! with no account and read by residents around, as Nice's and Lyon's 2020
//! platforms did.
//!
//! Private by design: a post says a commune or a point rounded to about 200
//! m ([`round_point`]), never an address; its text is checked for one
//! ([`looks_like_address`]); the public form of a post ([`AidPost`]) has no
//! field for its author's device, contact or exact position. This module is
//! the rules every part applies; moderation, the relay of answers and the
//! sync are built on it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::commune::InseeCode;
use crate::lang::Lang;
use crate::place::Position;

/// The most characters of a post's text: a few lines.
pub const MAX_AID_TEXT: usize = 500;
/// The most characters of "when" (`weekday mornings`, `from Monday`).
pub const MAX_AID_WHEN: usize = 100;
/// How coarse a posted point is: about this many metres.
pub const GRID_METRES: f64 = 200.0;
/// How long a post lasts at most, and unless its author says less.
pub const MAX_AID_DAYS: i64 = 30;
pub const DEFAULT_AID_DAYS: i64 = 14;

/// What help is offered or asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AidKind {
    Shopping,
    Meals,
    Childcare,
    Homework,
    /// Company, or a phone call to someone alone.
    Company,
    Errands,
    /// A lift to an appointment.
    Transport,
    Other,
}

impl AidKind {
    pub const ALL: [AidKind; 8] = [
        AidKind::Shopping,
        AidKind::Meals,
        AidKind::Childcare,
        AidKind::Homework,
        AidKind::Company,
        AidKind::Errands,
        AidKind::Transport,
        AidKind::Other,
    ];

    /// Its wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            AidKind::Shopping => "shopping",
            AidKind::Meals => "meals",
            AidKind::Childcare => "childcare",
            AidKind::Homework => "homework",
            AidKind::Company => "company",
            AidKind::Errands => "errands",
            AidKind::Transport => "transport",
            AidKind::Other => "other",
        }
    }
}

/// Help offered, or help asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AidSide {
    Offer,
    Request,
}

/// Where a post is, as its author gives it: a commune, or a point near
/// them (rounded before it is stored or shown). `address` exists only to
/// refuse one with a clear reason: an exact address is never public.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidPlace {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub commune: Option<InseeCode>,
    #[serde(default)]
    pub near: Option<Position>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub address: Option<String>,
}

/// A post as a resident's device sends it (no account: the device's
/// posting key travels apart, in a header, and is never part of a post).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NewAidPost {
    /// Made on the device (a UUID): sending again never posts twice.
    pub id: String,
    pub side: AidSide,
    pub kind: AidKind,
    pub text: String,
    /// When: free words (`weekday mornings`); may be empty.
    #[serde(default)]
    pub when: String,
    pub place: AidPlace,
    /// When it ends (at most [`MAX_AID_DAYS`] ahead; [`DEFAULT_AID_DAYS`]
    /// when not said).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub expires: Option<OffsetDateTime>,
    #[serde(default)]
    pub lang: Lang,
}

/// A post as anyone reads it: what it offers or asks, where roughly, until
/// when. Nothing else exists in it to leak.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidPost {
    pub id: String,
    pub side: AidSide,
    pub kind: AidKind,
    pub text: String,
    pub when: String,
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub commune: Option<InseeCode>,
    /// Rounded to about [`GRID_METRES`].
    pub near: Option<Position>,
    pub lang: Lang,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub published_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires: OffsetDateTime,
}

/// Why a post is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AidError {
    #[error("the post id {0:?} is not a UUID made on the device")]
    InvalidId(String),
    #[error("the text is empty: say what you offer or need")]
    EmptyText,
    #[error("the text has {len} characters: at most {max}")]
    TextTooLong { len: usize, max: usize },
    #[error("\"when\" has {len} characters: at most {max}")]
    WhenTooLong { len: usize, max: usize },
    #[error("an exact address is never public: give a commune or a point near you")]
    ExactAddress,
    #[error("give a commune or a point near you (one of them)")]
    NoPlace,
    #[error("the point is not a position on Earth")]
    InvalidPoint,
    #[error("a post lasts at most {max} days")]
    ExpiresTooLate { max: i64 },
    #[error("the post would end before it is published")]
    ExpiresInPast,
    #[error("a control character in the text: only line breaks")]
    ControlCharacter,
    #[error(
        "a phone number, email or address in the text: share your contact with the button, it crosses only when both of you choose to"
    )]
    ContactInText,
}

/// A point snapped to the centre of its cell of a grid of about
/// [`GRID_METRES`]: a post's point says the neighbourhood, not the door.
/// Every point of a cell gives the same centre, so nothing finer leaks,
/// whatever the number of posts.
pub fn round_point(p: Position) -> Position {
    const METRES_PER_DEGREE: f64 = 111_320.0;
    let lat_step = GRID_METRES / METRES_PER_DEGREE;
    let lat = ((p.lat / lat_step).floor() + 0.5) * lat_step;
    // Longitude cells as wide as latitude ones at the cell's own latitude.
    let lon_step = GRID_METRES / (METRES_PER_DEGREE * lat.to_radians().cos().max(0.01));
    let lon = ((p.lon / lon_step).floor() + 0.5) * lon_step;
    Position { lat, lon }
}

/// Street words written after the house number (`12 rue de France`).
const NUMBER_THEN_STREET: [&str; 25] = [
    "rue",
    "avenue",
    "av",
    "ave",
    "bd",
    "boulevard",
    "bld",
    "chemin",
    "ch",
    "route",
    "rte",
    "place",
    "pl",
    "impasse",
    "imp",
    "allée",
    "allee",
    "quai",
    "cours",
    "montée",
    "montee",
    "traverse",
    "corniche",
    "promenade",
    "square",
];
/// Street words before the street's name, the number after it (`via Roma 5`).
const STREET_NAME_NUMBER: [&str; 6] = ["via", "viale", "corso", "piazza", "vicolo", "largo"];
/// Street words after the street's name, the number before it (`221 Baker Street`).
const NUMBER_NAME_STREET: [&str; 6] = ["street", "st", "road", "rd", "lane", "avenue"];

/// Whether a text gives what reads as a street address: a house number
/// (`12`, `12 bis`, `12b`) with a street word where French (`12 rue de
/// France`, `3 bd Gambetta`), Italian (`via Roma 5`) or English (`221b Baker
/// Street`) put it.
pub fn looks_like_address(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.trim_matches(|c: char| c.is_ascii_punctuation() && c != '-')
                .to_lowercase()
        })
        .collect();
    let digits = |w: &str| {
        let d = w.trim_end_matches(|c: char| c.is_alphabetic());
        (!d.is_empty() && d.len() <= 4 && d.chars().all(|c| c.is_ascii_digit()))
            .then_some(w.len() - d.len())
    };
    let at = |i: Option<usize>| i.and_then(|i| words.get(i)).map(String::as_str);
    words.iter().enumerate().any(|(i, w)| {
        let Some(suffix) = digits(w) else {
            return false;
        };
        if suffix > 3 {
            return false;
        }
        let (next, after) = (at(Some(i + 1)), at(Some(i + 2)));
        let in_list = |w: Option<&str>, list: &[&str]| w.is_some_and(|w| list.contains(&w));
        in_list(next, &NUMBER_THEN_STREET)
            || (matches!(next, Some("bis" | "ter")) && in_list(after, &NUMBER_THEN_STREET))
            || (suffix == 0 && in_list(at(i.checked_sub(2)), &STREET_NAME_NUMBER))
            || in_list(after, &NUMBER_NAME_STREET)
    })
}

fn is_uuid(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl NewAidPost {
    /// Checks a post, at `now`; the server checks the commune is the
    /// territory's and the point in it.
    pub fn validate(&self, now: OffsetDateTime) -> Result<(), AidError> {
        if !is_uuid(&self.id) {
            return Err(AidError::InvalidId(self.id.chars().take(40).collect()));
        }
        check_text(&self.text, MAX_AID_TEXT)?;
        let len = self.when.trim().chars().count();
        if len > MAX_AID_WHEN {
            return Err(AidError::WhenTooLong {
                len,
                max: MAX_AID_WHEN,
            });
        }
        if self
            .text
            .chars()
            .chain(self.when.chars())
            .any(|c| c.is_control() && c != '\n')
        {
            return Err(AidError::ControlCharacter);
        }
        if self.place.address.is_some()
            || looks_like_address(&self.text)
            || looks_like_address(&self.when)
        {
            return Err(AidError::ExactAddress);
        }
        if looks_like_contact(&self.text) || looks_like_contact(&self.when) {
            return Err(AidError::ContactInText);
        }
        match (&self.place.commune, &self.place.near) {
            (None, None) | (Some(_), Some(_)) => return Err(AidError::NoPlace),
            (None, Some(p))
                if !(p.lat.is_finite()
                    && p.lon.is_finite()
                    && (-90.0..=90.0).contains(&p.lat)
                    && (-180.0..=180.0).contains(&p.lon)) =>
            {
                return Err(AidError::InvalidPoint);
            }
            _ => {}
        }
        if let Some(expires) = self.expires {
            if expires <= now {
                return Err(AidError::ExpiresInPast);
            }
            if expires > now + time::Duration::days(MAX_AID_DAYS) {
                return Err(AidError::ExpiresTooLate { max: MAX_AID_DAYS });
            }
        }
        Ok(())
    }

    /// The post as published at `at`: its point rounded, its end set, its
    /// text trimmed. Only what [`AidPost`] has goes out.
    pub fn published(&self, at: OffsetDateTime) -> AidPost {
        AidPost {
            id: self.id.clone(),
            side: self.side,
            kind: self.kind,
            text: self.text.trim().to_owned(),
            when: self.when.trim().to_owned(),
            commune: self.place.commune.clone(),
            near: self.place.near.map(round_point),
            lang: self.lang,
            published_at: at,
            expires: self
                .expires
                .unwrap_or(at + time::Duration::days(DEFAULT_AID_DAYS)),
        }
    }
}

/// Where a post is in its life. Only `published` posts are public;
/// `hidden`, `withdrawn` and `expired` ones leave devices at their next
/// sync (tombstones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AidState {
    /// Waiting for staff moderation.
    Pending,
    Published,
    /// Hidden by staff.
    Hidden,
    /// Withdrawn by its author.
    Withdrawn,
    /// Past its end.
    Expired,
}

impl AidState {
    pub const ALL: [AidState; 5] = [
        AidState::Pending,
        AidState::Published,
        AidState::Hidden,
        AidState::Withdrawn,
        AidState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AidState::Pending => "pending",
            AidState::Published => "published",
            AidState::Hidden => "hidden",
            AidState::Withdrawn => "withdrawn",
            AidState::Expired => "expired",
        }
    }

    /// Whether it may still be published or read (not ended for good).
    pub fn live(self) -> bool {
        matches!(self, AidState::Pending | AidState::Published)
    }
}

impl std::str::FromStr for AidState {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        AidState::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// A post as staff moderate it: the public post, its state, when it came,
/// how many residents reported it, and a short fingerprint of the device's
/// posting key (to see that posts come from one device, and block it) —
/// never the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StaffAidPost {
    pub post: AidPost,
    pub state: AidState,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_at: OffsetDateTime,
    /// The first characters of the posting key's hash.
    pub device: String,
    /// Whether that device may no longer post or answer.
    pub blocked: bool,
    /// The abuse reports' reasons (one per reporting device).
    pub abuse: Vec<String>,
}

/// One's own post, as its author's device follows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OwnAidPost {
    pub post: AidPost,
    pub state: AidState,
}

/// A message of a conversation about a post, as a device sends it: the
/// first one from a resident answering a post opens the thread (both ids
/// made on the device, so a resend never sends twice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NewAidMessage {
    pub id: String,
    pub thread: String,
    pub post: String,
    pub text: String,
}

impl NewAidMessage {
    pub fn validate(&self) -> Result<(), AidError> {
        for id in [&self.id, &self.thread] {
            if !is_uuid(id) {
                return Err(AidError::InvalidId(id.chars().take(40).collect()));
            }
        }
        check_text(&self.text, MAX_AID_TEXT)?;
        if looks_like_contact(&self.text) || looks_like_address(&self.text) {
            return Err(AidError::ContactInText);
        }
        Ok(())
    }
}

/// A message as both sides read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidMessage {
    pub id: String,
    pub thread: String,
    /// Whether the reader wrote it.
    pub mine: bool,
    pub text: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: OffsetDateTime,
}

/// A conversation about a post between its author and one resident, as
/// one of them reads it. Contacts cross only when both chose to share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidThread {
    pub id: String,
    pub post: String,
    /// Whether the reader wrote the post (else they answered it).
    pub author: bool,
    /// The contact the reader chose to share, if any.
    pub my_contact: Option<String>,
    /// Whether the other side chose to share theirs.
    pub they_share: bool,
    /// The other side's contact: only once both chose to share.
    pub their_contact: Option<String>,
    /// Closed by one side: no more messages either way.
    pub closed: bool,
}

/// What a device's key sees of mutual aid beyond the public posts: its own
/// posts and their state, its conversations, and their messages after a
/// cursor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AidInbox {
    pub posts: Vec<OwnAidPost>,
    pub threads: Vec<AidThread>,
    pub messages: Vec<AidMessage>,
    /// Where the next read starts (`since`).
    pub next_cursor: crate::Cursor,
}

/// The most characters of a contact one shares (a phone number, an email).
pub const MAX_AID_CONTACT: usize = 200;
/// The most characters of an abuse report's reason.
pub const MAX_AID_REASON: usize = 300;

/// Checks a contact a resident chose to share.
pub fn check_contact(contact: &str) -> Result<(), AidError> {
    check_text(contact, MAX_AID_CONTACT)
}

/// Checks an abuse report's reason (may be empty).
pub fn check_reason(reason: &str) -> Result<(), AidError> {
    if reason.trim().is_empty() {
        return Ok(());
    }
    check_text(reason, MAX_AID_REASON)
}

fn check_text(text: &str, max: usize) -> Result<(), AidError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(AidError::EmptyText);
    }
    let len = trimmed.chars().count();
    if len > max {
        return Err(AidError::TextTooLong { len, max });
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AidError::ControlCharacter);
    }
    Ok(())
}

/// Whether a text gives what reads as a contact: an email address, or a
/// phone number (9 digits or more in a run, any number of spaces, dots,
/// dashes, slashes, brackets and `+` between them, as `06 12 34 56 78`,
/// `06/12/34/56/78`, `+39 333 1234567` or `0612345678` are written). Contacts cross only when both sides
/// choose to, never through a post or a message.
pub fn looks_like_contact(text: &str) -> bool {
    let email = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            w.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !host.ends_with('.')
            })
        });
    if email {
        return true;
    }
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= 9 {
                return true;
            }
        } else if !(c.is_whitespace() || matches!(c, '.' | '-' | '+' | '(' | ')' | '/')) {
            digits = 0;
        }
    }
    false
}

/// Posts of `kind` (all kinds when `None`), not ended at `now`, nearest
/// `from` first: a post's point, else its commune's centre (`centre`); one
/// placed nowhere known comes last.
pub fn nearest(
    posts: &[AidPost],
    from: Position,
    kind: Option<AidKind>,
    now: OffsetDateTime,
    centre: impl Fn(&InseeCode) -> Option<Position>,
) -> Vec<(&AidPost, Option<f64>)> {
    let mut found: Vec<(&AidPost, Option<f64>)> = posts
        .iter()
        .filter(|p| kind.is_none_or(|k| p.kind == k) && p.expires > now)
        .map(|p| {
            let at = p.near.or_else(|| p.commune.as_ref().and_then(&centre));
            (p, at.map(|at| from.distance_m(at)))
        })
        .collect();
    found.sort_by(|(a, da), (b, db)| {
        match (da, db) {
            (Some(x), Some(y)) => x.total_cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(b.published_at.cmp(&a.published_at))
        .then(a.id.cmp(&b.id))
    });
    found
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2020-03-20 10:00 UTC);

    fn post(text: &str, place: AidPlace) -> NewAidPost {
        NewAidPost {
            id: "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1d".into(),
            side: AidSide::Offer,
            kind: AidKind::Shopping,
            text: text.into(),
            when: "En semaine le matin".into(),
            place,
            expires: None,
            lang: Lang::Fr,
        }
    }

    fn in_nice() -> AidPlace {
        AidPlace {
            commune: Some("06088".parse().unwrap()),
            ..AidPlace::default()
        }
    }

    #[test]
    fn a_point_says_the_neighbourhood_not_the_door() {
        let door = Position {
            lat: 43.697_123,
            lon: 7.270_456,
        };
        let shown = round_point(door);
        // (The web app's port, `ui/src/web/aidpoint.ts`, is tested on the same values.)
        assert!((shown.lat - 43.696_550_485).abs() < 1e-8, "{shown:?}");
        assert!((shown.lon - 7.269_647_513).abs() < 1e-8, "{shown:?}");
        let moved = door.distance_m(shown);
        assert!(moved > 0.0 && moved <= GRID_METRES, "{moved} m");
        // Every door of the cell gives the same point.
        let neighbour = Position {
            lat: shown.lat + 0.0003,
            lon: shown.lon - 0.0004,
        };
        assert_eq!(round_point(neighbour), shown);
        assert_eq!(round_point(shown), shown, "rounding twice changes nothing");
    }

    #[test]
    fn addresses_are_recognised_in_three_languages() {
        for text in [
            "J'habite au 12 rue de France",
            "3 bd Gambetta, Nice",
            "12 bis avenue Jean Médecin",
            "45, chemin des Oliviers",
            "Appartement 4B, 7 pl. Garibaldi",
            "via Roma 5",
            "corso Vittorio 12",
            "221b Baker street",
        ] {
            assert!(looks_like_address(text), "{text}");
        }
        for text in [
            "Courses pour une personne âgée, 2 fois par semaine",
            "Quartier du port, près de la place Garibaldi",
            "Je peux aider 3 enfants en maths",
            "Rue calme, 5e étage sans ascenseur",
            "Via les réseaux, 3 voisins au plus",
            "",
        ] {
            assert!(!looks_like_address(text), "{text}");
        }
    }

    #[test]
    fn contacts_are_recognised_and_look_alikes_are_not() {
        for text in [
            "Appelez le 06 12 34 56 78",
            "+39 333 1234567",
            "0612345678",
            "06.12.34.56.78",
            "06  12  34  56  78",
            "06/12/34/56/78",
            "écrivez à marie.dupont@example.fr.",
            "jean@orange.fr",
        ] {
            assert!(looks_like_contact(text), "{text}");
        }
        for text in [
            "Du 20/03 au 27/03",
            "Du 20/03/2020 au 27/03/2020",
            "le 20.03.2020 à 10 h",
            "2 fois par semaine, 3 enfants",
            "@ bientôt",
            "",
        ] {
            assert!(!looks_like_contact(text), "{text}");
        }
        let message = |text: &str| NewAidMessage {
            id: "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1d".into(),
            thread: "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1e".into(),
            post: "p".into(),
            text: text.into(),
        };
        assert_eq!(message("Je peux passer mardi").validate(), Ok(()));
        assert_eq!(
            message("Mon numéro : 06 12 34 56 78").validate(),
            Err(AidError::ContactInText)
        );
        assert_eq!(
            message("Je suis au 3 rue Rossini").validate(),
            Err(AidError::ContactInText)
        );
        assert_eq!(
            post("Appelez-moi au 0612345678", in_nice()).validate(NOW),
            Err(AidError::ContactInText)
        );
    }

    #[test]
    fn bad_posts_say_why() {
        assert_eq!(post("Je fais vos courses", in_nice()).validate(NOW), Ok(()));
        let address = AidPlace {
            address: Some("12 rue de France".into()),
            ..in_nice()
        };
        assert_eq!(
            post("Je fais vos courses", address).validate(NOW),
            Err(AidError::ExactAddress)
        );
        assert_eq!(
            post("Passez au 12 rue de France", in_nice()).validate(NOW),
            Err(AidError::ExactAddress)
        );
        assert_eq!(
            post(&"a".repeat(MAX_AID_TEXT + 1), in_nice()).validate(NOW),
            Err(AidError::TextTooLong {
                len: MAX_AID_TEXT + 1,
                max: MAX_AID_TEXT
            })
        );
        assert_eq!(
            post("  ", in_nice()).validate(NOW),
            Err(AidError::EmptyText)
        );
        assert_eq!(
            post("Courses", AidPlace::default()).validate(NOW),
            Err(AidError::NoPlace)
        );
        let nowhere = AidPlace {
            near: Some(Position {
                lat: f64::NAN,
                lon: 7.0,
            }),
            ..AidPlace::default()
        };
        assert_eq!(
            post("Courses", nowhere).validate(NOW),
            Err(AidError::InvalidPoint)
        );
        let mut late = post("Courses", in_nice());
        late.expires = Some(NOW + time::Duration::days(MAX_AID_DAYS + 1));
        assert_eq!(
            late.validate(NOW),
            Err(AidError::ExpiresTooLate { max: MAX_AID_DAYS })
        );
        let mut bad_id = post("Courses", in_nice());
        bad_id.id = "1".into();
        assert!(matches!(bad_id.validate(NOW), Err(AidError::InvalidId(_))));
        // An unknown kind is refused by the wire format itself.
        let json = serde_json::json!({
            "id": "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1d", "side": "offer",
            "kind": "babysitting_for_money", "text": "x", "place": {"commune": "06088"}
        });
        assert!(serde_json::from_value::<NewAidPost>(json).is_err());
    }

    #[test]
    fn what_is_published_has_no_exact_point_and_an_end() {
        let door = Position {
            lat: 43.697_123,
            lon: 7.270_456,
        };
        let p = post(
            "Je promène votre chien",
            AidPlace {
                near: Some(door),
                ..AidPlace::default()
            },
        );
        let out = p.published(NOW);
        assert_eq!(out.near, Some(round_point(door)));
        assert_eq!(out.expires, NOW + time::Duration::days(DEFAULT_AID_DAYS));
        let json = serde_json::to_string(&out).unwrap();
        assert!(
            !json.contains("697123") && !json.contains("270456"),
            "{json}"
        );
    }

    #[test]
    fn nearest_first_by_kind_and_never_an_ended_one() {
        let at = |lat: f64, lon: f64| Position { lat, lon };
        let mk =
            |id: &str, kind, near: Option<Position>, commune: Option<&str>, days: i64| AidPost {
                id: id.into(),
                side: AidSide::Request,
                kind,
                text: "x".into(),
                when: String::new(),
                commune: commune.map(|c| c.parse().unwrap()),
                near,
                lang: Lang::Fr,
                published_at: NOW,
                expires: NOW + time::Duration::days(days),
            };
        let posts = [
            mk("far", AidKind::Meals, Some(at(43.75, 7.30)), None, 5),
            mk("near", AidKind::Meals, Some(at(43.70, 7.27)), None, 5),
            mk("cagnes", AidKind::Meals, None, Some("06027"), 5),
            mk("ended", AidKind::Meals, Some(at(43.70, 7.27)), None, -1),
            mk(
                "shopping",
                AidKind::Shopping,
                Some(at(43.70, 7.27)),
                None,
                5,
            ),
        ];
        let centre = |c: &InseeCode| (c.as_str() == "06027").then(|| at(43.66, 7.15));
        let ids: Vec<&str> = nearest(&posts, at(43.701, 7.268), Some(AidKind::Meals), NOW, centre)
            .into_iter()
            .map(|(p, _)| p.id.as_str())
            .collect();
        assert_eq!(ids, ["near", "far", "cagnes"]);
    }
}
