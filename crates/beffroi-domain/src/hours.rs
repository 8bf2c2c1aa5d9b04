//! Opening hours in OSM `opening_hours` syntax, evaluated by the
//! `opening-hours` crate (never by hand) in the territory's time zone with the
//! public holidays of the place's country.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use opening_hours::localization::{Coordinates, Country, TzLocation};
use opening_hours::{Context, OpeningHours, RuleKind};
use serde::{Deserialize, Serialize};

/// How far ahead [`Hours::status`] looks for the next change: a state that
/// holds longer is reported as never changing.
pub const NEXT_CHANGE_HORIZON_DAYS: i64 = 366;

/// The territory's time zone (Monaco shares it).
pub const TIMEZONE: Tz = chrono_tz::Europe::Paris;

/// Whether a place is open at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum OpenState {
    Open,
    Closed,
    /// No hours known, or the hours say "unknown" for that moment.
    Unknown,
}

/// An `opening_hours` value that does not parse; the message is the parser's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid opening_hours {value:?}: {message}")]
pub struct HoursError {
    pub value: String,
    pub message: String,
}

/// Parsed hours, ready to evaluate. Cheap to clone (the expression is shared).
#[derive(Debug, Clone)]
pub struct Hours {
    raw: Arc<str>,
    oh: OpeningHours<TzLocation<Tz>>,
}

/// The state at a moment and when it next changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursStatus {
    pub state: OpenState,
    /// `None` when it never changes (e.g. `24/7`).
    pub next_change: Option<DateTime<Tz>>,
    /// The rule's comment, e.g. `"sur rendez-vous"`.
    pub comment: Option<String>,
}

/// Where sunrise, sunset, dawn and dusk are computed: Nice for the territory (its communes are
/// within a few minutes of it), Monaco for Monaco. Without coordinates the crate uses the same
/// times all year (dawn 06:00, sunrise 07:00, sunset 19:00, dusk 20:00).
const NICE: Option<Coordinates> = Coordinates::new(43.7034, 7.2663);
const MONACO: Option<Coordinates> = Coordinates::new(43.7384, 7.4246);

fn sun_position(code: Option<&str>) -> Option<Coordinates> {
    match code {
        Some("MC") => MONACO,
        _ => NICE,
    }
}

fn country_of(code: Option<&str>) -> Country {
    // Places outside France in the demo are in Monaco; everything else is evaluated with
    // French holidays, the territory's default.
    match code {
        Some("MC") => Country::MC,
        _ => Country::FR,
    }
}

/// One day of a place's week: its open intervals in local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DayHours {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Open intervals as `["08:30", "12:30"]`; a day that ends open ends at `"24:00"`.
    pub open: Vec<[String; 2]>,
    /// Whether part of the day is "unknown" in the hours.
    pub unknown: bool,
}

impl Hours {
    /// Parses `raw` for a place in `country` (ISO code; France when `None`).
    pub fn parse(raw: &str, country: Option<&str>) -> Result<Self, HoursError> {
        let oh: OpeningHours =
            raw.trim()
                .parse()
                .map_err(|e: <OpeningHours as std::str::FromStr>::Err| HoursError {
                    value: raw.to_owned(),
                    message: e
                        .to_string()
                        .lines()
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join(" "),
                })?;
        let mut locale = TzLocation::new(TIMEZONE);
        if let Some(coords) = sun_position(country) {
            locale = locale.with_coords(coords);
        }
        // The next change is looked for within a year: hours that never change
        // (`Mo-Su 00:00-24:00`) otherwise make the crate walk every day to its
        // date limit, 1.6 s (release) for one place's status.
        let ctx = Context::default()
            .with_holidays(country_of(country).holidays())
            .with_locale(locale)
            .approx_bound_interval_size(chrono::TimeDelta::days(NEXT_CHANGE_HORIZON_DAYS));
        Ok(Self {
            raw: raw.trim().into(),
            oh: oh.with_context(ctx),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The state at `at` alone: cheaper than [`Hours::status`], which also looks for the next
    /// change (a search that can run far ahead when the hours never change).
    pub fn state<Z: TimeZone>(&self, at: &DateTime<Z>) -> OpenState {
        open_state(self.oh.state(at.with_timezone(&TIMEZONE)).0)
    }

    /// The state at `at` and the next change after it.
    pub fn status<Z: TimeZone>(&self, at: &DateTime<Z>) -> HoursStatus {
        let at = at.with_timezone(&TIMEZONE);
        let (kind, comment) = self.oh.state(at);
        HoursStatus {
            state: open_state(kind),
            next_change: self.oh.next_change(at),
            comment: (!comment.is_empty()).then(|| comment.to_string()),
        }
    }
}

impl Hours {
    /// The seven days from `from`, with their open intervals.
    pub fn week(&self, from: NaiveDate) -> Vec<DayHours> {
        from.iter_days()
            .take(7)
            .map(|day| {
                let start = local_midnight(day);
                let end = local_midnight(day.succ_opt().unwrap_or(day));
                let mut open = Vec::new();
                let mut unknown = false;
                for r in self.oh.iter_range(start, end) {
                    match r.kind {
                        RuleKind::Open => {
                            let to = if r.range.end >= end {
                                "24:00".to_owned()
                            } else {
                                r.range.end.format("%H:%M").to_string()
                            };
                            open.push([r.range.start.format("%H:%M").to_string(), to]);
                        }
                        RuleKind::Unknown => unknown = true,
                        RuleKind::Closed => {}
                    }
                }
                DayHours {
                    date: day.format("%Y-%m-%d").to_string(),
                    weekday: u8::try_from(day.weekday().number_from_monday()).unwrap_or(1),
                    open,
                    unknown,
                }
            })
            .collect()
    }
}

fn open_state(kind: RuleKind) -> OpenState {
    match kind {
        RuleKind::Open => OpenState::Open,
        RuleKind::Closed => OpenState::Closed,
        RuleKind::Unknown => OpenState::Unknown,
    }
}

/// The first instant of `day` in the territory (midnight, or just after a
/// daylight-saving gap).
fn local_midnight(day: NaiveDate) -> DateTime<Tz> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    TIMEZONE
        .from_local_datetime(&naive)
        .earliest()
        .unwrap_or_else(|| TIMEZONE.from_utc_datetime(&naive))
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    use super::*;

    fn paris(s: &str) -> DateTime<Tz> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .with_timezone(&TIMEZONE)
    }

    #[test]
    fn the_next_change_is_looked_for_within_a_year() {
        // Hours that never change: no next change (found without walking
        // every day to the crate's date limit).
        let always = Hours::parse("Mo-Su 00:00-24:00", None).expect("parses");
        let s = always.status(&paris("2026-11-23T10:00:00+01:00"));
        assert_eq!((s.state, s.next_change), (OpenState::Open, None));
        // A change within the year is found; one further away is not.
        let christmas = Hours::parse("Mo-Su 00:00-24:00; Dec 25 off", None).expect("parses");
        let s = christmas.status(&paris("2026-11-23T10:00:00+01:00"));
        assert_eq!(
            s.next_change.map(|t| t.to_rfc3339()),
            Some("2026-12-25T00:00:00+01:00".to_owned())
        );
        let far = Hours::parse("Mo-Su 00:00-24:00; 2028 Jan 01 off", None).expect("parses");
        let s = far.status(&paris("2026-11-23T10:00:00+01:00"));
        assert_eq!((s.state, s.next_change), (OpenState::Open, None));
    }

    #[test]
    fn evaluates_state_and_next_change_in_paris_time() {
        let h = Hours::parse("Mo-Fr 08:30-19:00; Sa 09:00-12:00", None).expect("parses");
        // Monday 23 November 2026, 10:00 in Paris.
        let s = h.status(&paris("2026-11-23T10:00:00+01:00"));
        assert_eq!(s.state, OpenState::Open);
        let next = s.next_change.expect("closes");
        assert_eq!((next.hour(), next.minute()), (19, 0));
        // The same instant given in UTC answers the same.
        assert_eq!(
            h.status(&paris("2026-11-23T09:00:00Z")).state,
            OpenState::Open
        );
        // Saturday afternoon: closed until Monday 08:30.
        let s = h.status(&paris("2026-11-28T15:00:00+01:00"));
        assert_eq!(s.state, OpenState::Closed);
        let next = s.next_change.expect("opens");
        assert_eq!(
            (next.weekday(), next.hour(), next.minute()),
            (chrono::Weekday::Mon, 8, 30)
        );
    }

    #[test]
    fn french_public_holidays_apply() {
        let h = Hours::parse("Mo-Sa 09:00-18:00; PH off", None).expect("parses");
        // 11 November 2026 (Armistice) is a Wednesday and a public holiday.
        assert_eq!(
            h.status(&paris("2026-11-11T10:00:00+01:00")).state,
            OpenState::Closed
        );
        assert_eq!(
            h.status(&paris("2026-11-12T10:00:00+01:00")).state,
            OpenState::Open
        );
    }

    #[test]
    fn always_open_never_changes_and_comments_are_kept() {
        let h = Hours::parse("24/7", None).expect("parses");
        let s = h.status(&paris("2026-11-23T03:00:00+01:00"));
        assert_eq!((s.state, s.next_change), (OpenState::Open, None));
        let h = Hours::parse(r#"Mo-Fr 14:00-16:00 "sur rendez-vous""#, None).expect("parses");
        let s = h.status(&paris("2026-11-23T15:00:00+01:00"));
        assert_eq!(s.comment.as_deref(), Some("sur rendez-vous"));
    }

    #[test]
    fn a_week_lists_open_intervals_per_day() {
        let h = Hours::parse(
            "Mo-Fr 08:30-12:30,14:00-19:00; Sa 22:00-02:00; PH off",
            None,
        )
        .expect("parses");
        let monday = NaiveDate::from_ymd_opt(2026, 11, 9).expect("date");
        let week = h.week(monday);
        assert_eq!(week.len(), 7);
        assert_eq!(week[0].weekday, 1);
        assert_eq!(
            week[0].open,
            vec![
                ["08:30".to_owned(), "12:30".to_owned()],
                ["14:00".into(), "19:00".into()]
            ]
        );
        assert!(week[2].open.is_empty(), "11 November is a public holiday");
        assert_eq!(week[5].open, vec![["22:00".to_owned(), "24:00".to_owned()]]);
        assert_eq!(week[6].open, vec![["00:00".to_owned(), "02:00".to_owned()]]);
    }

    #[test]
    fn a_space_after_a_comma_keeps_a_weekday_list() {
        // Issue 11, item 15: read as `Mo-Tu` open all day plus an additional rule before the
        // patched opening-hours-syntax; opening_hours.js reads a weekday list.
        let h = Hours::parse("Mo-Tu, Th-Sa 12:00-13:30, 19:30-21:00", Some("MC")).expect("parses");
        let at = |s| h.state(&paris(s));
        // Monday 7 December 2026: open at lunch and in the evening only.
        assert_eq!(at("2026-12-07T10:00:00+01:00"), OpenState::Closed);
        assert_eq!(at("2026-12-07T12:30:00+01:00"), OpenState::Open);
        assert_eq!(at("2026-12-07T15:00:00+01:00"), OpenState::Closed);
        assert_eq!(at("2026-12-07T20:00:00+01:00"), OpenState::Open);
        // Wednesday is not in the list; Thursday is.
        assert_eq!(at("2026-12-09T12:30:00+01:00"), OpenState::Closed);
        assert_eq!(at("2026-12-10T12:30:00+01:00"), OpenState::Open);
        assert_eq!(at("2026-12-10T10:00:00+01:00"), OpenState::Closed);
        // Sunday is closed.
        assert_eq!(at("2026-12-13T12:30:00+01:00"), OpenState::Closed);
        // The same hours written without spaces.
        let compact =
            Hours::parse("Mo-Tu,Th-Sa 12:00-13:30,19:30-21:00", Some("MC")).expect("parses");
        assert_eq!(
            h.week(NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")),
            compact.week(NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"))
        );
        // A comma after a time still starts an additional rule.
        let h = Hours::parse("Mo-Fr 08:00-12:00, We 14:00-18:00", None).expect("parses");
        assert_eq!(
            h.state(&paris("2026-12-09T15:00:00+01:00")),
            OpenState::Open
        );
        assert_eq!(
            h.state(&paris("2026-12-10T15:00:00+01:00")),
            OpenState::Closed
        );
    }

    #[test]
    fn sun_events_follow_the_sun_in_nice() {
        // In Nice on 7 December 2026 the sun rises at about 07:51 and sets at about 16:52
        // (opening_hours.js agrees); without coordinates the crate would say 07:00 and 19:00.
        for country in [None, Some("MC")] {
            let h = Hours::parse("sunrise-sunset", country).expect("parses");
            let at = |s| h.state(&paris(s));
            assert_eq!(at("2026-12-07T07:30:00+01:00"), OpenState::Closed);
            assert_eq!(at("2026-12-07T12:00:00+01:00"), OpenState::Open);
            assert_eq!(at("2026-12-07T17:30:00+01:00"), OpenState::Closed);
            // In summer (CEST) it sets after 21:00.
            assert_eq!(at("2026-07-14T20:45:00+02:00"), OpenState::Open);
        }
    }

    #[test]
    fn invalid_values_get_the_parser_message() {
        let err = Hours::parse("Lundi 9h-18h", None).expect_err("not OSM syntax");
        assert_eq!(err.value, "Lundi 9h-18h");
        assert!(!err.message.is_empty());
    }
}
