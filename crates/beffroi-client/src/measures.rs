//! The rules in force on this device: the town hall's measures, synced like
//! the directory (each measure's latest version, withdrawn ones removed),
//! and which apply to the resident's places, decided here: the server never
//! learns where the resident lives or goes.

use beffroi_domain::InseeCode;
use beffroi_domain::measure::Measure;
use time::OffsetDateTime;

pub use beffroi_domain::measure::{PlaceRules, RuleInForce, UPCOMING, rules_of};

/// The versions of the measures that apply to `commune` and have not ended
/// at `now` (in force or to come): what a change for that commune is
/// measured against. A fix to a measure long over is no news; one ended
/// early by a change is.
fn applying(measures: &[Measure], commune: &InseeCode, now: OffsetDateTime) -> Vec<(String, u32)> {
    let mut v: Vec<(String, u32)> = measures
        .iter()
        .filter(|m| m.draft.applies_to(commune) && m.draft.until.is_none_or(|u| u > now))
        .map(|m| (m.id.clone(), m.version))
        .collect();
    v.sort();
    v
}

/// Which of `communes` had a measure added, changed or withdrawn between
/// two syncs (among those not over at `now`).
pub fn changed_communes<'a>(
    before: &[Measure],
    after: &[Measure],
    communes: &'a [InseeCode],
    now: OffsetDateTime,
) -> Vec<&'a InseeCode> {
    communes
        .iter()
        .filter(|c| applying(before, c, now) != applying(after, c, now))
        .collect()
}

/// A date as residents of the territory read it, in its time zone
/// (`23/11/2026 18:00`).
pub fn local_date(t: OffsetDateTime) -> String {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), 0)
        .map(|d| {
            d.with_timezone(&beffroi_domain::hours::TIMEZONE)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use beffroi_domain::Lang;
    use beffroi_domain::i18n::Localizer;
    use beffroi_domain::measure::{MaskRule, MeasureDraft, MeasureText, Rule};
    use time::Duration;
    use time::macros::datetime;

    fn measure(
        id: &str,
        version: u32,
        communes: &[&str],
        rule: Rule,
        since: OffsetDateTime,
    ) -> Measure {
        Measure {
            id: id.into(),
            version,
            draft: MeasureDraft {
                rule,
                communes: communes.iter().map(|c| c.parse().unwrap()).collect(),
                texts: vec![MeasureText {
                    lang: Lang::Fr,
                    text: "Plus d'informations en mairie".into(),
                }],
                since,
                until: None,
            },
            changed_at: since,
        }
    }

    #[test]
    fn a_place_gets_its_rules_in_force_then_the_coming_ones_in_its_language() {
        let now = datetime!(2020-10-20 12:00 +02:00);
        let measures = [
            measure(
                "masks",
                1,
                &[],
                Rule::Masks {
                    required: MaskRule::Everywhere,
                },
                now - Duration::days(30),
            ),
            measure(
                "curfew",
                2,
                &["06088"],
                Rule::Curfew {
                    from: "21:00".into(),
                    until: "06:00".into(),
                },
                now + Duration::days(2),
            ),
            measure(
                "far",
                1,
                &["06088"],
                Rule::Markets { open: false },
                now + Duration::days(20),
            ),
            measure(
                "cagnes",
                1,
                &["06027"],
                Rule::Gatherings { max_people: 6 },
                now - Duration::days(1),
            ),
        ];
        let en = Localizer::new(Lang::En).unwrap();
        let nice: InseeCode = "06088".parse().unwrap();
        let rules = rules_of(&measures, &nice, now, Lang::En, &en);
        let seen: Vec<(&str, &str, bool, bool)> = rules
            .iter()
            .map(|r| (r.id.as_str(), r.summary.as_str(), r.upcoming, r.territory))
            .collect();
        assert_eq!(
            seen,
            [
                ("masks", "Masks required everywhere", false, true),
                ("curfew", "Curfew from 21:00 to 06:00", true, false),
            ]
        );
        assert_eq!(
            rules[0].text.as_deref(),
            Some("Plus d'informations en mairie"),
            "French when not written in English"
        );
    }

    #[test]
    fn a_change_is_told_to_the_communes_it_touches() {
        let t = datetime!(2020-10-20 12:00 +02:00);
        let masks = measure(
            "masks",
            1,
            &[],
            Rule::Masks {
                required: MaskRule::Indoors,
            },
            t,
        );
        let curfew = measure(
            "curfew",
            1,
            &["06088"],
            Rule::Curfew {
                from: "21:00".into(),
                until: "06:00".into(),
            },
            t,
        );
        let communes: Vec<InseeCode> = ["06088", "06027"]
            .iter()
            .map(|c| c.parse().unwrap())
            .collect();
        let codes = |v: Vec<&InseeCode>| {
            v.into_iter()
                .map(|c| c.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        let before = [masks.clone(), curfew.clone()];
        assert!(changed_communes(&before, &before, &communes, t).is_empty());
        let curfew_v2 = Measure {
            version: 2,
            ..curfew.clone()
        };
        assert_eq!(
            codes(changed_communes(
                &before,
                &[masks.clone(), curfew_v2],
                &communes,
                t
            )),
            ["06088"]
        );
        let masks_v2 = Measure {
            version: 2,
            ..masks.clone()
        };
        assert_eq!(
            codes(changed_communes(
                &before,
                &[masks_v2, curfew.clone()],
                &communes,
                t
            )),
            ["06088", "06027"]
        );
        assert_eq!(
            codes(changed_communes(
                &before,
                std::slice::from_ref(&masks),
                &communes,
                t
            )),
            ["06088"],
            "a withdrawal"
        );
        // A measure over long ago, corrected: no news. One ended early: news.
        let ended = Measure {
            draft: MeasureDraft {
                until: Some(t - Duration::days(1)),
                ..curfew.draft.clone()
            },
            ..curfew.clone()
        };
        let fixed = Measure {
            version: 2,
            ..ended.clone()
        };
        assert!(changed_communes(&[ended], &[fixed], &communes, t).is_empty());
        let ended_early = Measure {
            version: 2,
            draft: MeasureDraft {
                until: Some(t - Duration::hours(1)),
                ..curfew.draft.clone()
            },
            ..curfew.clone()
        };
        assert_eq!(
            codes(changed_communes(&[curfew], &[ended_early], &communes, t)),
            ["06088"]
        );
    }
}
