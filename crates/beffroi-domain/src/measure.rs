//! The rules in force: what the town hall requires, per commune or for the
//! whole territory, over a period (a curfew, masks, a gathering limit, the
//! markets closed…), as NINA's "Corona-Regelungen" publish them per district.
//!
//! A measure is a typed [`Rule`] (so every device says it in the resident's
//! language, and open data carries values rather than prose) with a short
//! optional text per language, the communes it applies to and its validity.
//! Every change makes a new version; the store keeps them all (the history),
//! devices sync the latest (delta and tombstones, like the directory).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::commune::InseeCode;
use crate::lang::Lang;

/// The most characters of a measure's text in one language: a line or two.
pub const MAX_MEASURE_TEXT: usize = 500;
/// The largest gathering limit staff may set.
pub const MAX_GATHERING: u32 = 100_000;

/// How strict a confinement is, from none to full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ConfinementLevel {
    /// No confinement.
    None,
    /// Reinforced measures: some places closed, outings allowed.
    Reinforced,
    /// Partial: outings limited to a list of reasons, shops open.
    Partial,
    /// Full: outings limited to essentials, most shops closed.
    Full,
}

/// Where masks must be worn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum MaskRule {
    NotRequired,
    /// In shops, transport and public buildings.
    Indoors,
    /// Indoors and in the street.
    Everywhere,
}

/// Whether schools take their pupils.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum SchoolStatus {
    Open,
    /// Half groups, alternating days or pupils of essential workers only.
    Reduced,
    Closed,
}

/// What a measure rules, with its value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Rule {
    Confinement {
        level: ConfinementLevel,
    },
    /// Staying home between two local times (`HH:MM`); `from` after `until`
    /// spans midnight.
    Curfew {
        from: String,
        until: String,
    },
    Masks {
        required: MaskRule,
    },
    /// Whether going out needs a signed attestation.
    Attestation {
        required: bool,
    },
    /// The most people who may gather in public.
    Gatherings {
        max_people: u32,
    },
    Markets {
        open: bool,
    },
    Schools {
        status: SchoolStatus,
    },
    /// Anything else: its text says what.
    Other,
}

impl Rule {
    /// Its kind as the wire and open data name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Rule::Confinement { .. } => "confinement",
            Rule::Curfew { .. } => "curfew",
            Rule::Masks { .. } => "masks",
            Rule::Attestation { .. } => "attestation",
            Rule::Gatherings { .. } => "gatherings",
            Rule::Markets { .. } => "markets",
            Rule::Schools { .. } => "schools",
            Rule::Other => "other",
        }
    }

    /// Where it comes in a list of rules: the strictest constraints on
    /// going out first, then the rest.
    pub fn rank(&self) -> u8 {
        match self {
            Rule::Confinement { .. } => 0,
            Rule::Curfew { .. } => 1,
            Rule::Attestation { .. } => 2,
            Rule::Masks { .. } => 3,
            Rule::Gatherings { .. } => 4,
            Rule::Markets { .. } => 5,
            Rule::Schools { .. } => 6,
            Rule::Other => 7,
        }
    }

    /// Its value alone, as open data's CSV column carries it.
    pub fn value(&self) -> String {
        match self {
            Rule::Confinement { level } => level.as_str().to_owned(),
            Rule::Curfew { from, until } => format!("{from}-{until}"),
            Rule::Masks { required } => required.as_str().to_owned(),
            Rule::Attestation { required } | Rule::Markets { open: required } => {
                required.to_string()
            }
            Rule::Gatherings { max_people } => max_people.to_string(),
            Rule::Schools { status } => status.as_str().to_owned(),
            Rule::Other => String::new(),
        }
    }
}

impl Rule {
    /// The message saying this rule with its value (`locales/*/measures.ftl`).
    pub fn msg(&self) -> crate::l10n::Msg {
        use crate::msg;
        match self {
            Rule::Confinement { level } => msg!("measure-rule-confinement", level = level.as_str()),
            Rule::Curfew { from, until } => {
                msg!("measure-rule-curfew", from = from, until = until)
            }
            Rule::Masks { required } => msg!("measure-rule-masks", required = required.as_str()),
            Rule::Attestation { required } => {
                msg!("measure-rule-attestation", required = required.to_string())
            }
            Rule::Gatherings { max_people } => msg!("measure-rule-gatherings", max = *max_people),
            Rule::Markets { open } => msg!("measure-rule-markets", open = open.to_string()),
            Rule::Schools { status } => msg!("measure-rule-schools", status = status.as_str()),
            Rule::Other => msg!("measure-rule-other"),
        }
    }
}

impl ConfinementLevel {
    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfinementLevel::None => "none",
            ConfinementLevel::Reinforced => "reinforced",
            ConfinementLevel::Partial => "partial",
            ConfinementLevel::Full => "full",
        }
    }
}

impl MaskRule {
    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            MaskRule::NotRequired => "not_required",
            MaskRule::Indoors => "indoors",
            MaskRule::Everywhere => "everywhere",
        }
    }
}

impl SchoolStatus {
    /// Its serde name.
    pub fn as_str(self) -> &'static str {
        match self {
            SchoolStatus::Open => "open",
            SchoolStatus::Reduced => "reduced",
            SchoolStatus::Closed => "closed",
        }
    }
}

/// A measure's text in one of the interface's languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MeasureText {
    pub lang: Lang,
    pub text: String,
}

/// What staff write: everything of a measure but its identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MeasureDraft {
    pub rule: Rule,
    /// The communes it applies to; none means the whole territory.
    #[serde(default)]
    pub communes: Vec<InseeCode>,
    /// Details, at most one per language; may be empty (the rule says itself).
    #[serde(default)]
    pub texts: Vec<MeasureText>,
    /// When it takes effect.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub since: OffsetDateTime,
    /// When it ends, if that is known.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub until: Option<OffsetDateTime>,
}

/// A measure as published: its id, its version and when that version was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Measure {
    pub id: String,
    /// 1 for the first, one more at every change.
    pub version: u32,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub draft: MeasureDraft,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub changed_at: OffsetDateTime,
}

/// One version in a measure's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MeasureVersion {
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub measure: Measure,
    /// This version withdrew the measure (its content is the last one's).
    pub withdrawn: bool,
}

/// Why a measure is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeasureError {
    #[error("language {0} has two texts: one per language")]
    DuplicateLang(Lang),
    #[error("the {lang} text has {len} characters: at most {max}")]
    TextTooLong { lang: Lang, len: usize, max: usize },
    #[error("a measure of kind \"other\" needs a text saying what it is")]
    OtherWithoutText,
    #[error("the measure ends before it takes effect")]
    EndsBeforeStart,
    #[error("{0:?} is not a time of day: use HH:MM, e.g. 18:00")]
    InvalidTime(String),
    #[error("a curfew from {0} until the same time does not end")]
    EmptyCurfew(String),
    #[error("a gathering limit of {0} people: use 1 to {max}", max = MAX_GATHERING)]
    InvalidGathering(u32),
}

/// Minutes after midnight of an `HH:MM` time, if it is one.
pub fn minutes_of_day(t: &str) -> Option<u16> {
    let (h, m) = t.split_once(':')?;
    // Two ASCII digits each (`parse` alone takes "+9").
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

impl MeasureDraft {
    /// Blank texts are dropped and texts trimmed: what a form sends.
    pub fn tidied(mut self) -> Self {
        self.texts.retain(|t| !t.text.trim().is_empty());
        for t in &mut self.texts {
            t.text = t.text.trim().to_owned();
        }
        // The same texts in another order are the same measure.
        self.texts.sort_by_key(|t| t.lang.tag());
        self.communes.sort();
        self.communes.dedup();
        self
    }

    /// Checks what residents will read; the server checks the communes exist.
    pub fn validate(&self) -> Result<(), MeasureError> {
        let mut seen = Vec::new();
        for t in &self.texts {
            if seen.contains(&t.lang) {
                return Err(MeasureError::DuplicateLang(t.lang));
            }
            seen.push(t.lang);
            let len = t.text.chars().count();
            if len > MAX_MEASURE_TEXT {
                return Err(MeasureError::TextTooLong {
                    lang: t.lang,
                    len,
                    max: MAX_MEASURE_TEXT,
                });
            }
        }
        match &self.rule {
            Rule::Other if self.texts.iter().all(|t| t.text.trim().is_empty()) => {
                return Err(MeasureError::OtherWithoutText);
            }
            Rule::Curfew { from, until } => {
                let start = minutes_of_day(from).ok_or(MeasureError::InvalidTime(from.clone()))?;
                let end = minutes_of_day(until).ok_or(MeasureError::InvalidTime(until.clone()))?;
                if start == end {
                    return Err(MeasureError::EmptyCurfew(from.clone()));
                }
            }
            Rule::Gatherings { max_people } if !(1..=MAX_GATHERING).contains(max_people) => {
                return Err(MeasureError::InvalidGathering(*max_people));
            }
            _ => {}
        }
        if self.until.is_some_and(|until| until <= self.since) {
            return Err(MeasureError::EndsBeforeStart);
        }
        Ok(())
    }

    /// Whether it applies to `commune` (a territory-wide one applies everywhere).
    pub fn applies_to(&self, commune: &InseeCode) -> bool {
        self.communes.is_empty() || self.communes.contains(commune)
    }

    /// Whether it is in force at `at`: taken effect and not ended.
    pub fn in_force(&self, at: OffsetDateTime) -> bool {
        self.since <= at && self.until.is_none_or(|until| at < until)
    }

    /// Its text for a reader of `lang`: theirs, else French, else the first.
    pub fn text_for(&self, lang: Lang) -> Option<&str> {
        self.texts
            .iter()
            .find(|t| t.lang == lang)
            .or_else(|| self.texts.iter().find(|t| t.lang == Lang::Fr))
            .or_else(|| self.texts.first())
            .map(|t| t.text.as_str())
    }
}

/// The measures that apply to `commune` at `at`, in a stable order (by
/// [`Rule::rank`], then the most local first, then the latest to take effect).
pub fn in_force_for<'a>(
    measures: &'a [Measure],
    commune: &InseeCode,
    at: OffsetDateTime,
) -> Vec<&'a Measure> {
    let mut found: Vec<&Measure> = measures
        .iter()
        .filter(|m| m.draft.applies_to(commune) && m.draft.in_force(at))
        .collect();
    found.sort_by(|a, b| {
        a.draft
            .rule
            .rank()
            .cmp(&b.draft.rule.rank())
            .then(
                a.draft
                    .communes
                    .is_empty()
                    .cmp(&b.draft.communes.is_empty()),
            )
            .then(b.draft.since.cmp(&a.draft.since))
            .then(a.id.cmp(&b.id))
    });
    found
}

/// How far ahead a measure not in force yet is shown ("from …").
pub const UPCOMING: time::Duration = time::Duration::days(7);

/// One rule as the resident reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RuleInForce {
    pub id: String,
    /// The rule's kind (`curfew`, `masks`…).
    pub kind: String,
    /// The rule with its value, in the resident's language.
    pub summary: String,
    /// The town hall's text, in the resident's language when written in it.
    pub text: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub since: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub until: Option<OffsetDateTime>,
    /// Not in force yet: it takes effect at `since`, within [`UPCOMING`].
    pub upcoming: bool,
    /// It applies to the whole territory, not only to this commune.
    pub territory: bool,
}

/// The rules of one of the resident's places (or of a commune a web page
/// follows).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlaceRules {
    /// The resident's name for the place; `None` for home.
    pub place: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub commune: InseeCode,
    pub commune_name: String,
    /// In force now first (by rank, the most local first), then upcoming.
    pub rules: Vec<RuleInForce>,
}

/// The rules of some places as they stood at a time: a screen showing them
/// later (offline) knows how old they are and which ended or began since.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RulesAt {
    /// When `places` was computed (the server's or the app's clock).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: OffsetDateTime,
    pub places: Vec<PlaceRules>,
}

#[cfg(feature = "l10n")]
fn rule(m: &Measure, upcoming: bool, lang: Lang, l10n: &crate::i18n::Localizer) -> RuleInForce {
    RuleInForce {
        id: m.id.clone(),
        kind: m.draft.rule.kind().to_owned(),
        summary: l10n.render(&m.draft.rule.msg()),
        text: m.draft.text_for(lang).map(str::to_owned),
        since: m.draft.since,
        until: m.draft.until,
        upcoming,
        territory: m.draft.communes.is_empty(),
    }
}

/// The rules of `commune` at `now`: those in force, then those taking
/// effect within [`UPCOMING`] (soonest first).
#[cfg(feature = "l10n")]
pub fn rules_of(
    measures: &[Measure],
    commune: &InseeCode,
    now: OffsetDateTime,
    lang: Lang,
    l10n: &crate::i18n::Localizer,
) -> Vec<RuleInForce> {
    let mut out: Vec<RuleInForce> = in_force_for(measures, commune, now)
        .into_iter()
        .map(|m| rule(m, false, lang, l10n))
        .collect();
    let mut upcoming: Vec<&Measure> = measures
        .iter()
        .filter(|m| {
            m.draft.applies_to(commune) && m.draft.since > now && m.draft.since <= now + UPCOMING
        })
        .collect();
    upcoming.sort_by(|a, b| a.draft.since.cmp(&b.draft.since).then(a.id.cmp(&b.id)));
    out.extend(upcoming.into_iter().map(|m| rule(m, true, lang, l10n)));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn draft(rule: Rule) -> MeasureDraft {
        MeasureDraft {
            rule,
            communes: vec![],
            texts: vec![],
            since: datetime!(2020-10-17 00:00 +02:00),
            until: Some(datetime!(2020-10-30 00:00 +01:00)),
        }
    }

    fn curfew(from: &str, until: &str) -> MeasureDraft {
        draft(Rule::Curfew {
            from: from.into(),
            until: until.into(),
        })
    }

    #[test]
    fn the_wire_shape_names_the_kind_beside_its_value() {
        let m = Measure {
            id: "m1".into(),
            version: 2,
            draft: curfew("21:00", "06:00"),
            changed_at: datetime!(2020-10-16 20:00 UTC),
        };
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["rule"]["kind"], "curfew");
        assert_eq!(json["rule"]["from"], "21:00");
        assert_eq!(json["since"], "2020-10-17T00:00:00+02:00");
        assert_eq!(json["version"], 2);
        let back: Measure = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
        let masks = serde_json::to_value(Rule::Masks {
            required: MaskRule::NotRequired,
        })
        .unwrap();
        assert_eq!(
            masks,
            serde_json::json!({"kind": "masks", "required": "not_required"})
        );
    }

    #[test]
    fn values_say_themselves_as_serde_names_them() {
        for rule in [
            Rule::Confinement {
                level: ConfinementLevel::Reinforced,
            },
            Rule::Masks {
                required: MaskRule::NotRequired,
            },
            Rule::Schools {
                status: SchoolStatus::Reduced,
            },
        ] {
            let json = serde_json::to_value(&rule).unwrap();
            let named = json
                .as_object()
                .unwrap()
                .iter()
                .find(|(k, _)| *k != "kind")
                .unwrap()
                .1
                .clone();
            assert_eq!(named, serde_json::Value::String(rule.value()));
        }
        assert_eq!(curfew("21:00", "06:00").rule.value(), "21:00-06:00");
        assert_eq!(Rule::Gatherings { max_people: 6 }.value(), "6");
        assert_eq!(Rule::Markets { open: false }.value(), "false");
    }

    #[cfg(feature = "l10n")]
    #[test]
    fn every_rule_says_itself_in_every_language() {
        use crate::i18n::Localizer;
        let rules = [
            (
                Rule::Confinement {
                    level: ConfinementLevel::Partial,
                },
                "Confinement partiel",
                "Partial lockdown",
            ),
            (
                Rule::Curfew {
                    from: "21:00".into(),
                    until: "06:00".into(),
                },
                "Couvre-feu de 21:00 à 06:00",
                "Curfew from 21:00 to 06:00",
            ),
            (
                Rule::Masks {
                    required: MaskRule::Indoors,
                },
                "Masque obligatoire en intérieur",
                "Masks required indoors",
            ),
            (
                Rule::Attestation { required: true },
                "Attestation de déplacement obligatoire",
                "Travel certificate required",
            ),
            (
                Rule::Gatherings { max_people: 6 },
                "Rassemblements limités à 6 personnes",
                "Gatherings limited to 6 people",
            ),
            (
                Rule::Markets { open: false },
                "Marchés fermés",
                "Markets closed",
            ),
            (
                Rule::Schools {
                    status: SchoolStatus::Reduced,
                },
                "Écoles en effectif réduit",
                "Schools at reduced capacity",
            ),
            (Rule::Other, "Autre mesure", "Other measure"),
        ];
        let fr = Localizer::new(Lang::Fr).unwrap();
        let en = Localizer::new(Lang::En).unwrap();
        let it = Localizer::new(Lang::It).unwrap();
        for (rule, in_fr, in_en) in rules {
            assert_eq!(fr.render(&rule.msg()), in_fr);
            assert_eq!(en.render(&rule.msg()), in_en);
            let in_it = it.render(&rule.msg());
            assert!(
                !in_it.is_empty() && in_it != in_fr && in_it != in_en,
                "{in_it}"
            );
        }
    }

    #[test]
    fn curfews_need_two_different_times_of_day() {
        assert_eq!(curfew("21:00", "06:00").validate(), Ok(()));
        assert_eq!(curfew("06:00", "21:00").validate(), Ok(()));
        for bad in [
            "24:00", "9:00", "21h00", "21:60", "", "ab:cd", "+9:00", "+1:+5", "-1:00",
        ] {
            assert_eq!(
                curfew(bad, "06:00").validate(),
                Err(MeasureError::InvalidTime(bad.into()))
            );
        }
        assert_eq!(
            curfew("18:00", "18:00").validate(),
            Err(MeasureError::EmptyCurfew("18:00".into()))
        );
    }

    #[test]
    fn texts_are_one_per_language_and_short() {
        let mut d = draft(Rule::Other);
        assert_eq!(d.validate(), Err(MeasureError::OtherWithoutText));
        d.texts = vec![MeasureText {
            lang: Lang::Fr,
            text: "Plages fermées".into(),
        }];
        assert_eq!(d.validate(), Ok(()));
        d.texts.push(d.texts[0].clone());
        assert_eq!(d.validate(), Err(MeasureError::DuplicateLang(Lang::Fr)));
        d.texts = vec![MeasureText {
            lang: Lang::It,
            text: "é".repeat(MAX_MEASURE_TEXT + 1),
        }];
        assert_eq!(
            d.validate(),
            Err(MeasureError::TextTooLong {
                lang: Lang::It,
                len: MAX_MEASURE_TEXT + 1,
                max: MAX_MEASURE_TEXT
            })
        );
        let tidied = MeasureDraft {
            texts: vec![
                MeasureText {
                    lang: Lang::Fr,
                    text: "  ".into(),
                },
                MeasureText {
                    lang: Lang::En,
                    text: " Beaches closed ".into(),
                },
            ],
            ..draft(Rule::Other)
        }
        .tidied();
        assert_eq!(tidied.texts.len(), 1);
        assert_eq!(tidied.text_for(Lang::It), Some("Beaches closed"));
    }

    #[test]
    fn limits_and_periods_are_checked() {
        assert_eq!(
            draft(Rule::Gatherings { max_people: 0 }).validate(),
            Err(MeasureError::InvalidGathering(0))
        );
        assert_eq!(draft(Rule::Gatherings { max_people: 6 }).validate(), Ok(()));
        let mut d = draft(Rule::Markets { open: false });
        d.until = Some(d.since);
        assert_eq!(d.validate(), Err(MeasureError::EndsBeforeStart));
        d.until = None;
        assert_eq!(d.validate(), Ok(()));
    }

    #[test]
    fn in_force_means_begun_and_not_ended_where_it_applies() {
        let nice: InseeCode = "06088".parse().unwrap();
        let cagnes: InseeCode = "06027".parse().unwrap();
        let at = datetime!(2020-10-20 12:00 +02:00);
        let measure = |id: &str, rule, communes: Vec<InseeCode>, since, until| Measure {
            id: id.into(),
            version: 1,
            draft: MeasureDraft {
                communes,
                since,
                until,
                ..draft(rule)
            },
            changed_at: at,
        };
        let all = [
            measure(
                "territory-masks",
                Rule::Masks {
                    required: MaskRule::Indoors,
                },
                vec![],
                datetime!(2020-07-20 00:00 +02:00),
                None,
            ),
            measure(
                "nice-masks",
                Rule::Masks {
                    required: MaskRule::Everywhere,
                },
                vec![nice.clone()],
                datetime!(2020-08-10 00:00 +02:00),
                None,
            ),
            measure(
                "ended",
                Rule::Markets { open: false },
                vec![nice.clone()],
                datetime!(2020-03-17 00:00 +01:00),
                Some(datetime!(2020-05-11 00:00 +02:00)),
            ),
            measure(
                "tomorrow",
                Rule::Gatherings { max_people: 6 },
                vec![],
                datetime!(2020-10-21 00:00 +02:00),
                None,
            ),
            measure(
                "curfew",
                Rule::Curfew {
                    from: "21:00".into(),
                    until: "06:00".into(),
                },
                vec![nice.clone(), cagnes.clone()],
                datetime!(2020-10-17 00:00 +02:00),
                Some(datetime!(2020-10-20 12:00 +02:00)),
            ),
        ];
        let ids = |c: &InseeCode| -> Vec<&str> {
            in_force_for(&all, c, at)
                .into_iter()
                .map(|m| m.id.as_str())
                .collect()
        };
        // The curfew ended at exactly `at`; the most local masks come first.
        assert_eq!(ids(&nice), ["nice-masks", "territory-masks"]);
        assert_eq!(ids(&cagnes), ["territory-masks"]);
    }
}
