//! Residents' reports (a pothole, illegal dumping, a neighbour in need), as in
//! FixMyStreet and Open311 GeoReport v2: a category the town hall configures,
//! a description, a location, optional private contact details, and a status
//! history whose kinds are open (received, in progress, planned), fixed and
//! closed (not fixed, with a reason; duplicate of another report).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::place::Position;
use crate::{InseeCode, Lang};

/// The most characters of a report's description.
pub const MAX_DESCRIPTION: usize = 4000;

/// A label in each language the product speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Labels {
    pub fr: String,
    pub en: String,
    pub it: String,
}

impl Labels {
    fn new(fr: &str, en: &str, it: &str) -> Self {
        Self {
            fr: fr.into(),
            en: en.into(),
            it: it.into(),
        }
    }
}

/// An extra question a category asks (Open311 "service definition").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Question {
    pub id: String,
    pub label: Labels,
    pub required: bool,
}

/// A kind of report the town hall accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportCategory {
    pub id: String,
    pub label: Labels,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// Whether the town hall publishes this kind of report (Open311 reads
    /// without an api_key: the description, a blurred position). Private
    /// unless chosen: a report about a person (mutual aid, a neighbour's
    /// noise) or free text never is by default.
    #[serde(default)]
    pub public: bool,
}

/// The demo set of categories.
pub fn demo_categories() -> Vec<ReportCategory> {
    const PRIVATE: [&str; 3] = ["mutual-aid", "noise", "other"];
    let c = |id: &str, fr: &str, en: &str, it: &str, questions: Vec<Question>| ReportCategory {
        id: id.into(),
        label: Labels::new(fr, en, it),
        questions,
        public: !PRIVATE.contains(&id),
    };
    let q = |id: &str, fr: &str, en: &str, it: &str, required: bool| Question {
        id: id.into(),
        label: Labels::new(fr, en, it),
        required,
    };
    vec![
        c(
            "roads",
            "Voirie et trottoirs",
            "Roads and pavements",
            "Strade e marciapiedi",
            vec![q(
                "danger",
                "Y a-t-il un danger immédiat ?",
                "Is there an immediate danger?",
                "C'è un pericolo immediato?",
                false,
            )],
        ),
        c(
            "cleanliness",
            "Propreté, dépôts sauvages",
            "Cleanliness, illegal dumping",
            "Pulizia, discariche abusive",
            vec![],
        ),
        c(
            "lighting",
            "Éclairage public",
            "Street lighting",
            "Illuminazione pubblica",
            vec![],
        ),
        c(
            "furniture",
            "Mobilier urbain",
            "Street furniture",
            "Arredo urbano",
            vec![],
        ),
        c(
            "green",
            "Espaces verts",
            "Green spaces",
            "Aree verdi",
            vec![],
        ),
        c("noise", "Bruit", "Noise", "Rumore", vec![]),
        c("parking", "Stationnement", "Parking", "Parcheggio", vec![]),
        c(
            "mutual-aid",
            "Personne vulnérable, entraide",
            "Vulnerable person, mutual aid",
            "Persona vulnerabile, mutuo aiuto",
            vec![q(
                "urgent",
                "La personne a-t-elle besoin d'aide aujourd'hui ?",
                "Does the person need help today?",
                "La persona ha bisogno di aiuto oggi?",
                true,
            )],
        ),
        c("other", "Autre", "Other", "Altro", vec![]),
    ]
}

/// Where the problem is: coordinates, an address typed by the resident, or both.
/// Both may be absent when the report names its commune ([`NewReport::commune`]):
/// a report located by the commune only (the resident's home commune, the
/// app's default) says where in its description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportLocation {
    #[serde(default)]
    pub position: Option<Position>,
    #[serde(default)]
    pub address: Option<String>,
}

/// How the town hall may reach the reporter. Never public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Contact {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// A report as the device sends it. `id` is made on the device (UUIDv7), so
/// sending it again can never make a second report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NewReport {
    pub id: String,
    pub category: String,
    pub description: String,
    pub location: ReportLocation,
    /// The commune concerned (INSEE), when the resident or the device knows it.
    /// Enough on its own to locate a report (with the description saying
    /// where in the commune); the server checks it is one of the territory's.
    #[serde(default)]
    pub commune: Option<InseeCode>,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub lang: Lang,
    /// Answers to the category's questions, by question id.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// The staff member who filed it (a field agent's one-tap report): set
    /// by the server from their sign-in, never taken from the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    #[cfg_attr(feature = "openapi", schema(read_only))]
    pub filed_by: Option<String>,
}

/// Where a report stands. The kind (open, fixed, closed) is what Open311 shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ReportStatus {
    Received,
    InProgress,
    Planned,
    Fixed,
    NotFixed { reason: String },
    Duplicate { of: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum StatusKind {
    Open,
    Fixed,
    Closed,
}

impl ReportStatus {
    /// The status as its JSON `status` tag (`in_progress`, `duplicate`…).
    pub fn tag(&self) -> &'static str {
        match self {
            ReportStatus::Received => "received",
            ReportStatus::InProgress => "in_progress",
            ReportStatus::Planned => "planned",
            ReportStatus::Fixed => "fixed",
            ReportStatus::NotFixed { .. } => "not_fixed",
            ReportStatus::Duplicate { .. } => "duplicate",
        }
    }

    pub fn kind(&self) -> StatusKind {
        match self {
            ReportStatus::Received | ReportStatus::InProgress | ReportStatus::Planned => {
                StatusKind::Open
            }
            ReportStatus::Fixed => StatusKind::Fixed,
            ReportStatus::NotFixed { .. } | ReportStatus::Duplicate { .. } => StatusKind::Closed,
        }
    }
}

/// One step of a report's history, with the town hall's public message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StatusChange {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: OffsetDateTime,
    #[serde(flatten)]
    pub status: ReportStatus,
    #[serde(default)]
    pub message: Option<String>,
}

/// The answer to a submission: sent only once the report is durable. The
/// secret lets the reporter follow the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportReceipt {
    pub id: String,
    pub secret: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_at: OffsetDateTime,
}

/// What the reporter sees with the secret (no contact details).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReporterView {
    pub id: String,
    pub category: String,
    pub description: String,
    pub location: ReportLocation,
    pub commune: Option<InseeCode>,
    pub history: Vec<StatusChange>,
}

/// An open report near a point, as anyone may see it before filing the same
/// one (as Open311 shows it, without its position).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NearbyReport {
    pub id: String,
    pub category: String,
    pub description: String,
    pub status: ReportStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_at: OffsetDateTime,
}

/// A report as staff triage it: everything, contact details included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StaffReport {
    pub report: NewReport,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub received_at: OffsetDateTime,
    /// The current status (the last of the history).
    pub status: ReportStatus,
    pub kind: StatusKind,
    pub history: Vec<StatusChange>,
}

/// A status change by staff, with its public message to the reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StatusUpdate {
    #[serde(flatten)]
    pub status: ReportStatus,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    #[error("the report id {0:?} is not a UUID made on the device")]
    InvalidId(String),
    #[error("unknown category {0:?}: see GET /api/v1/report-categories")]
    UnknownCategory(String),
    #[error("the description is empty: say what is wrong")]
    EmptyDescription,
    #[error("the description has {0} characters: at most {MAX_DESCRIPTION}")]
    DescriptionTooLong(usize),
    #[error("the report has no location: give coordinates, an address or a commune")]
    NoLocation,
    #[error("coordinates {lat},{lon} are not valid: latitude -90..90, longitude -180..180")]
    InvalidPosition { lat: f64, lon: f64 },
    #[error("question {0:?} needs an answer")]
    MissingAnswer(String),
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: &'static str, max: usize },
}

impl NewReport {
    pub fn validate(&self, categories: &[ReportCategory]) -> Result<(), ReportError> {
        let id_ok = self.id.len() == 36
            && self.id.chars().enumerate().all(|(i, c)| {
                matches!(i, 8 | 13 | 18 | 23) == (c == '-') && (c == '-' || c.is_ascii_hexdigit())
            });
        if !id_ok {
            return Err(ReportError::InvalidId(self.id.clone()));
        }
        let category = categories
            .iter()
            .find(|c| c.id == self.category)
            .ok_or_else(|| ReportError::UnknownCategory(self.category.clone()))?;
        let len = self.description.chars().count();
        if self.description.trim().is_empty() {
            return Err(ReportError::EmptyDescription);
        }
        if len > MAX_DESCRIPTION {
            return Err(ReportError::DescriptionTooLong(len));
        }
        let address = self
            .location
            .address
            .as_deref()
            .filter(|a| !a.trim().is_empty());
        if self.location.position.is_none() && address.is_none() && self.commune.is_none() {
            return Err(ReportError::NoLocation);
        }
        if let Some(p) = self.location.position
            && !(p.lat.is_finite()
                && p.lon.is_finite()
                && (-90.0..=90.0).contains(&p.lat)
                && (-180.0..=180.0).contains(&p.lon))
        {
            return Err(ReportError::InvalidPosition {
                lat: p.lat,
                lon: p.lon,
            });
        }
        for q in category.questions.iter().filter(|q| q.required) {
            if self.answers.get(&q.id).is_none_or(|a| a.trim().is_empty()) {
                return Err(ReportError::MissingAnswer(q.id.clone()));
            }
        }
        let short = |field: &'static str, value: Option<&str>, max: usize| match value {
            Some(v) if v.chars().count() > max => Err(ReportError::TooLong { field, max }),
            _ => Ok(()),
        };
        // The fields by their API names (the messages name them in each language).
        short("address", self.location.address.as_deref(), 300)?;
        if let Some(c) = &self.contact {
            short("name", c.name.as_deref(), 200)?;
            short("email", c.email.as_deref(), 200)?;
            short("phone", c.phone.as_deref(), 50)?;
        }
        for a in self.answers.values() {
            short("answer", Some(a), 1000)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> NewReport {
        NewReport {
            id: "01932c07-8f3a-7b2e-9c1d-2f4e6a8b0c1d".into(),
            category: "roads".into(),
            description: "Nid-de-poule devant le 12".into(),
            location: ReportLocation {
                position: Some(Position {
                    lat: 43.70,
                    lon: 7.26,
                }),
                address: None,
            },
            commune: None,
            contact: None,
            lang: Lang::Fr,
            answers: BTreeMap::new(),
            filed_by: None,
        }
    }

    #[test]
    fn reports_are_checked() {
        let cats = demo_categories();
        assert_eq!(report().validate(&cats), Ok(()));
        let mut r = report();
        r.category = "potholes".into();
        assert_eq!(
            r.validate(&cats),
            Err(ReportError::UnknownCategory("potholes".into()))
        );
        let mut r = report();
        r.description = "x".repeat(4001);
        assert_eq!(
            r.validate(&cats),
            Err(ReportError::DescriptionTooLong(4001))
        );
        let mut r = report();
        r.location = ReportLocation::default();
        assert_eq!(r.validate(&cats), Err(ReportError::NoLocation));
        // The commune alone locates a report (its description says where).
        r.commune = Some("06088".parse().expect("an INSEE code"));
        assert_eq!(r.validate(&cats), Ok(()));
        r.description = " ".into();
        assert_eq!(r.validate(&cats), Err(ReportError::EmptyDescription));
        let mut r = report();
        r.location.position = Some(Position {
            lat: 91.0,
            lon: 0.0,
        });
        assert!(matches!(
            r.validate(&cats),
            Err(ReportError::InvalidPosition { .. })
        ));
        let mut r = report();
        r.id = "1".into();
        assert!(matches!(r.validate(&cats), Err(ReportError::InvalidId(_))));
        let mut r = report();
        r.category = "mutual-aid".into();
        assert_eq!(
            r.validate(&cats),
            Err(ReportError::MissingAnswer("urgent".into()))
        );
    }

    #[test]
    fn tags_are_the_json_tags() {
        for s in [
            ReportStatus::Received,
            ReportStatus::InProgress,
            ReportStatus::Planned,
            ReportStatus::Fixed,
            ReportStatus::NotFixed { reason: "r".into() },
            ReportStatus::Duplicate { of: "x".into() },
        ] {
            assert_eq!(serde_json::to_value(&s).expect("json")["status"], s.tag());
        }
    }

    #[test]
    fn statuses_have_kinds() {
        assert_eq!(ReportStatus::Planned.kind(), StatusKind::Open);
        assert_eq!(ReportStatus::Fixed.kind(), StatusKind::Fixed);
        assert_eq!(
            ReportStatus::Duplicate { of: "x".into() }.kind(),
            StatusKind::Closed
        );
    }
}
