//! A directory place as the resident sees it: its state now (open, closed,
//! until when, in the resident's language), its week of hours, and the words
//! it is found by. The resident app computes this on the device over its
//! offline copy; the server computes the same for the web app.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};

use crate::hours::{Hours, HoursStatus, OpenState, TIMEZONE};
use crate::i18n::Localizer;
use crate::place::{Category, Crisis, Place, Position};
use crate::{InseeCode, Lang};

/// How results are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Order {
    /// Best text match first (by distance when there is no text).
    #[default]
    Relevance,
    /// Nearest first.
    Distance,
}

/// A directory search.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SearchQuery {
    pub text: Option<String>,
    pub category: Option<Category>,
    pub commune: Option<InseeCode>,
    /// Only places open at the evaluation time.
    #[serde(default)]
    pub open_only: bool,
    #[serde(default)]
    pub delivery: bool,
    #[serde(default)]
    pub takeaway: bool,
    /// Only places selling their own produce directly (local producers).
    #[serde(default)]
    pub direct_sales: bool,
    /// Only places handing over orders made beforehand.
    #[serde(default)]
    pub collection_point: bool,
    /// Where distances are measured from.
    pub near: Option<Position>,
    #[serde(default)]
    pub order: Order,
    /// At most this many results (default 50).
    pub limit: Option<u32>,
}

/// One search result: the place and its state at the asked time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlaceResult {
    pub place: Place,
    pub state: OpenState,
    /// When the state next changes (RFC 3339, Europe/Paris), if it does.
    pub next_change: Option<String>,
    /// The state in the resident's language: "Ouvert jusqu'à 19:00".
    pub status: String,
    /// The hours' comment or the crisis note.
    pub note: Option<String>,
    /// Metres from the search's origin.
    pub distance_m: Option<f64>,
}

impl PlaceResult {
    pub fn new(place: Place, e: Evaluation, distance_m: Option<f64>) -> Self {
        Self {
            place,
            state: e.state,
            next_change: e.next_change,
            status: e.status,
            note: e.note,
            distance_m,
        }
    }
}

/// An hours expression and the country whose holidays apply.
type HoursKey = (String, Option<String>);

/// Parsed hours by expression and country (many places share the same hours),
/// with the last status computed: a status holds from the moment it was
/// computed until its next change, so it is reused exactly, not approximately.
#[derive(Debug, Default)]
pub struct HoursCache(Mutex<HashMap<HoursKey, CachedHours>>);

#[derive(Debug, Clone)]
struct CachedHours {
    /// `None` when the expression does not parse.
    hours: Option<Hours>,
    /// The last status and the instant it was computed for.
    last: Option<(DateTime<FixedOffset>, HoursStatus)>,
}

impl HoursCache {
    pub fn get(&self, expr: &str, country: Option<&str>) -> Option<Hours> {
        self.entry(expr, country, |e| e.hours.clone())
    }

    /// The status of `expr` at `at`, reusing the last one while it holds.
    pub fn status(
        &self,
        expr: &str,
        country: Option<&str>,
        at: &DateTime<FixedOffset>,
    ) -> Option<HoursStatus> {
        self.entry(expr, country, |e| {
            if let Some((from, s)) = &e.last
                && from <= at
                && s.next_change.is_none_or(|n| *at < n)
            {
                return Some(s.clone());
            }
            let s = e.hours.as_ref()?.status(at);
            e.last = Some((*at, s.clone()));
            Some(s)
        })
    }

    fn entry<R>(
        &self,
        expr: &str,
        country: Option<&str>,
        f: impl FnOnce(&mut CachedHours) -> R,
    ) -> R {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let key = (expr.to_owned(), country.map(str::to_owned));
        let e = map.entry(key).or_insert_with(|| CachedHours {
            hours: Hours::parse(expr, country).ok(),
            last: None,
        });
        f(e)
    }
}

/// The words a place is found by besides its name: its category in every
/// language, its street and city.
pub fn terms_of(category: Category, street: Option<&str>, city: Option<&str>) -> String {
    // Each category's name in every language, formatted once.
    static LABELS: LazyLock<HashMap<Category, String>> = LazyLock::new(|| {
        let l10n: Vec<Localizer> = Lang::ALL
            .iter()
            .filter_map(|l| Localizer::new(*l).ok())
            .collect();
        Category::ALL
            .iter()
            .map(|c| {
                let id = format!("category-{}", c.as_str());
                (
                    *c,
                    l10n.iter()
                        .map(|l| l.msg(&id, &[]))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })
            .collect()
    });
    let mut terms = vec![LABELS.get(&category).cloned().unwrap_or_default()];
    terms.extend(street.map(str::to_owned));
    terms.extend(city.map(str::to_owned));
    terms.join(" ")
}

pub fn search_terms(place: &Place) -> String {
    terms_of(
        place.category,
        place.address.street.as_deref(),
        place.address.city.as_deref(),
    )
}

/// The hours expression that applies to a place: the crisis hours when they
/// replace the usual ones, none when the crisis closed it.
pub fn effective_hours(p: &Place) -> Option<&str> {
    match &p.crisis {
        Some(Crisis::Closed { .. }) => None,
        Some(Crisis::OtherHours { opening_hours, .. }) => Some(opening_hours),
        _ => p.opening_hours.as_deref(),
    }
}

/// A place's state at a moment, as shown to the resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub state: OpenState,
    /// RFC 3339.
    pub next_change: Option<String>,
    /// Localised: "Ouvert jusqu'à 19:00".
    pub status: String,
    pub note: Option<String>,
}

/// Evaluates a place at `at`: the crisis override first, then its usual hours.
pub fn evaluate(
    place: &Place,
    at: &DateTime<FixedOffset>,
    cache: &HoursCache,
    l10n: &Localizer,
) -> Evaluation {
    let closed = matches!(place.crisis, Some(Crisis::Closed { .. }));
    let status = status_of(
        effective_hours(place),
        place.address.country.as_deref(),
        closed,
        at,
        cache,
    );
    let crisis_note = place
        .crisis
        .as_ref()
        .and_then(Crisis::note)
        .map(str::to_owned);
    describe(&status, closed, crisis_note, at, l10n)
}

/// The raw state of an hours expression at `at` (`None`: unknown hours).
pub fn status_of(
    hours: Option<&str>,
    country: Option<&str>,
    closed: bool,
    at: &DateTime<FixedOffset>,
    cache: &HoursCache,
) -> Option<HoursStatus> {
    if closed {
        return Some(HoursStatus {
            state: OpenState::Closed,
            next_change: None,
            comment: None,
        });
    }
    hours.and_then(|e| cache.status(e, country, at))
}

/// The resident-facing description of a status.
pub fn describe(
    status: &Option<HoursStatus>,
    crisis_closed: bool,
    crisis_note: Option<String>,
    at: &DateTime<FixedOffset>,
    l10n: &Localizer,
) -> Evaluation {
    let Some(status) = status else {
        return Evaluation {
            state: OpenState::Unknown,
            next_change: None,
            status: l10n.msg("state-unknown", &[]),
            note: crisis_note,
        };
    };
    if crisis_closed {
        return Evaluation {
            state: OpenState::Closed,
            next_change: None,
            status: l10n.msg("state-crisis-closed", &[]),
            note: crisis_note,
        };
    }
    let when = status.next_change.map(|t| {
        let local = t.with_timezone(&TIMEZONE);
        let time = format!("{:02}:{:02}", local.hour(), local.minute());
        let same_day = local.date_naive() == at.with_timezone(&TIMEZONE).date_naive();
        let day = l10n.msg(
            &format!("weekday-{}", local.weekday().number_from_monday()),
            &[],
        );
        (time, same_day, day)
    });
    let text = match (status.state, &when) {
        (OpenState::Open, None) => l10n.msg("state-always-open", &[]),
        (OpenState::Open, Some((time, true, _))) => l10n.msg(
            "state-open-until",
            &[("time", FluentValue::from(time.as_str()))],
        ),
        (OpenState::Open, Some((time, false, day))) => l10n.msg(
            "state-open-until-day",
            &[("time", time.as_str().into()), ("day", day.as_str().into())],
        ),
        (OpenState::Closed, Some((time, true, _))) => l10n.msg(
            "state-opens-at",
            &[("time", FluentValue::from(time.as_str()))],
        ),
        (OpenState::Closed, Some((time, false, day))) => l10n.msg(
            "state-opens-day",
            &[("time", time.as_str().into()), ("day", day.as_str().into())],
        ),
        (OpenState::Closed, None) => l10n.msg("state-closed", &[]),
        (OpenState::Unknown, _) => l10n.msg("state-unknown", &[]),
    };
    Evaluation {
        state: status.state,
        next_change: status.next_change.map(|t| t.to_rfc3339()),
        status: text,
        note: crisis_note.or_else(|| status.comment.clone()),
    }
}

/// The week of hours that applies to a place from `at`'s date.
pub fn week(
    place: &Place,
    at: &DateTime<FixedOffset>,
    cache: &HoursCache,
) -> Vec<crate::hours::DayHours> {
    effective_hours(place)
        .and_then(|e| cache.get(e, place.address.country.as_deref()))
        .map(|h| h.week(at.with_timezone(&TIMEZONE).date_naive()))
        .unwrap_or_default()
}

/// Text folded for matching: lower case, accents dropped (French and
/// Italian letters, ligatures spelt out), hyphens and apostrophes as spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '-' | '\'' | '’' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The most results one search returns.
pub const MAX_RESULTS: u32 = 200;

/// Searches `places` in memory at `at`, in the reader's language: every word
/// typed must begin a word of the place's name, category (in any language)
/// or address; places whose name has them all come first. The filters and
/// orders are those of the resident app's offline search.
pub fn search_in<'a>(
    places: impl IntoIterator<Item = &'a Place>,
    q: &SearchQuery,
    at: &DateTime<FixedOffset>,
    cache: &HoursCache,
    l10n: &Localizer,
) -> Vec<PlaceResult> {
    let typed = fold(q.text.as_deref().unwrap_or_default());
    let typed: Vec<&str> = words(&typed).collect();
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_RESULTS) as usize;
    let mut hits: Vec<(u8, &Place, Option<HoursStatus>, Option<f64>)> = Vec::new();
    for p in places {
        if q.category.is_some_and(|c| c != p.category)
            || q.commune
                .as_ref()
                .is_some_and(|c| p.commune.as_ref() != Some(c))
            || (q.delivery && p.delivery != Some(true))
            || (q.takeaway && p.takeaway != Some(true))
            || (q.direct_sales && p.direct_sales != Some(true))
            || (q.collection_point && p.collection_point != Some(true))
        {
            continue;
        }
        let rank = if typed.is_empty() {
            0
        } else {
            let name = fold(&p.name);
            let other = fold(&search_terms(p));
            let starts = |text: &str, w: &str| words(text).any(|x| x.starts_with(w));
            if typed.iter().all(|w| starts(&name, w)) {
                0
            } else if typed.iter().all(|w| starts(&name, w) || starts(&other, w)) {
                1
            } else {
                continue;
            }
        };
        let closed = matches!(p.crisis, Some(Crisis::Closed { .. }));
        let status = status_of(
            effective_hours(p),
            p.address.country.as_deref(),
            closed,
            at,
            cache,
        );
        if q.open_only && status.as_ref().map(|s| s.state) != Some(OpenState::Open) {
            continue;
        }
        let distance = q.near.map(|o| o.distance_m(p.position));
        hits.push((rank, p, status, distance));
    }
    let dist = |d: &Option<f64>| d.unwrap_or(f64::MAX);
    let has_text = !typed.is_empty();
    hits.sort_by(|a, b| match q.order {
        Order::Relevance if has_text => {
            a.0.cmp(&b.0)
                .then_with(|| dist(&a.3).total_cmp(&dist(&b.3)))
                .then_with(|| a.1.name.cmp(&b.1.name))
        }
        _ if q.near.is_some() => dist(&a.3).total_cmp(&dist(&b.3)),
        _ => a.1.name.cmp(&b.1.name),
    });
    hits.truncate(limit);
    hits.into_iter()
        .map(|(_, p, status, distance)| {
            let closed = matches!(p.crisis, Some(Crisis::Closed { .. }));
            let note = p.crisis.as_ref().and_then(Crisis::note).map(str::to_owned);
            let e = describe(&status, closed, note, at, l10n);
            PlaceResult::new(p.clone(), e, distance)
        })
        .collect()
}

/// A place's page: its state now and its week of hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlaceDetails {
    pub result: PlaceResult,
    pub week: Vec<crate::hours::DayHours>,
}

/// How big the directory is, and where a commune's searches "near my
/// commune" start from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DirectoryInfo {
    /// How many places it holds.
    pub places: u64,
    /// The commune's town hall, else the middle of its outline, else of its places.
    pub centre: Option<Position>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::{Address, PlaceId, Source, Tags};

    fn place(id: &str, name: &str, category: Category, lat: f64, hours: &str) -> Place {
        Place {
            id: PlaceId(id.into()),
            name: name.into(),
            category,
            address: Address {
                street: Some("Boulevard Albert Ier".into()),
                ..Address::default()
            },
            commune: None,
            position: Position { lat, lon: 7.42 },
            phone: None,
            website: None,
            email: None,
            wheelchair: None,
            opening_hours: Some(hours.into()),
            crisis: None,
            delivery: Some(id == "b"),
            takeaway: None,
            drive_through: None,
            direct_sales: None,
            collection_point: None,
            source: Source::Staff,
            last_checked: None,
            tags: Tags::new(),
        }
    }

    #[test]
    fn in_memory_search_matches_words_by_prefix_across_accents_and_filters_like_the_app() {
        let places = [
            place(
                "a",
                "Pharmacie du Port",
                Category::Pharmacy,
                43.73,
                "Mo-Su 08:00-20:00",
            ),
            place(
                "b",
                "Boulangerie Élise",
                Category::Bakery,
                43.74,
                "Mo-Sa 07:00-13:00",
            ),
            place(
                "c",
                "Le Fournil",
                Category::Bakery,
                43.75,
                "Mo-Su 14:00-18:00",
            ),
        ];
        let at = DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").expect("time");
        let l10n = Localizer::new(Lang::Fr).expect("fr");
        let cache = HoursCache::default();
        let ids = |q: SearchQuery| -> Vec<String> {
            search_in(&places, &q, &at, &cache, &l10n)
                .into_iter()
                .map(|r| r.place.id.0)
                .collect()
        };
        let text = |t: &str| SearchQuery {
            text: Some(t.into()),
            ..Default::default()
        };
        // Accents and case do not matter; a word may be begun.
        assert_eq!(ids(text("elise boul")), ["b"]);
        // By category in another language, names first.
        assert_eq!(ids(text("bakery")), ["b", "c"]);
        assert_eq!(ids(text("fournil")), ["c"]);
        assert_eq!(ids(text("albert")).len(), 3, "by the street");
        assert!(ids(text("zzz")).is_empty());
        assert_eq!(
            ids(SearchQuery {
                open_only: true,
                ..Default::default()
            }),
            ["b", "a"],
            "open at 10:00, by name"
        );
        assert_eq!(
            ids(SearchQuery {
                delivery: true,
                ..Default::default()
            }),
            ["b"]
        );
        let near = SearchQuery {
            near: Some(Position {
                lat: 43.76,
                lon: 7.42,
            }),
            order: Order::Distance,
            limit: Some(2),
            ..Default::default()
        };
        assert_eq!(ids(near), ["c", "b"]);
        let first = &search_in(&places, &text("port"), &at, &cache, &l10n)[0];
        assert_eq!(first.status, "Ouvert jusqu'à 20:00");
    }
}
