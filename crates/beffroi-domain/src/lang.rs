//! The languages Beffroi speaks. French is the source language: every message
//! exists in French first, and a resident whose language is missing gets French.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Lang {
    #[default]
    Fr,
    En,
    It,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?}: use one of fr, en, it")]
pub struct UnsupportedLang(pub String);

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::It];

    /// The BCP 47 tag, also the name of the language's folder under `locales/`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::It => "it",
        }
    }
}

impl Lang {
    /// The interface language an `Accept-Language` header asks for: the
    /// highest-weighted range whose primary language Beffroi speaks (`*` and
    /// unknown languages skipped); `None` when it names none.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut ranges: Vec<(f32, usize, Lang)> = accept_language
            .split(',')
            .take(32)
            .enumerate()
            .filter_map(|(i, part)| {
                let mut fields = part.split(';');
                let lang: Lang = fields.next()?.trim().parse().ok()?;
                let q = fields
                    .find_map(|f| f.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges.first().map(|r| r.2)
    }
}

impl Lang {
    /// The session's language for messages, as POSIX orders it: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set (`fr_FR.UTF-8`), if Beffroi speaks it.
    pub fn from_env() -> Option<Lang> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())?
            .parse()
            .ok()
    }
}

impl FromStr for Lang {
    type Err = UnsupportedLang;

    /// Accepts a bare tag or a locale such as `fr_FR.UTF-8` or `en-GB`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .split(['-', '_', '.'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Lang::ALL
            .into_iter()
            .find(|l| l.tag() == primary)
            .ok_or_else(|| UnsupportedLang(s.to_owned()))
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// The most bytes of a language tag (RFC 5646 tags in use are far shorter;
/// the bound keeps hostile input small).
pub const MAX_LANG_TAG: usize = 64;

/// The language of an alert's text: any well-formed BCP 47 tag (RFC 5646),
/// as CAP's `<language>` carries it, in its normal case (`fr-FR`,
/// `zh-Hant-TW`, `he`). Alerts are not limited to the interface's three
/// languages: a resident reads the one closest to theirs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "fr"))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct LangTag(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a language tag (BCP 47, e.g. fr, en-GB, zh-Hant)")]
pub struct InvalidLangTag(pub String);

impl LangTag {
    pub fn parse(s: &str) -> Result<Self, InvalidLangTag> {
        let s = s.trim();
        if s.len() > MAX_LANG_TAG {
            return Err(InvalidLangTag(s.chars().take(MAX_LANG_TAG).collect()));
        }
        oxilangtag::LanguageTag::parse_and_normalize(s)
            .map(|t| LangTag(t.into_inner()))
            .map_err(|_| InvalidLangTag(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag, lowercase (`fr` for `fr-CA`).
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// The interface language of the same primary language, if Beffroi has it.
    pub fn ui_lang(&self) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.tag() == self.primary())
    }

    /// Reads a POSIX locale (`de_DE.UTF-8`, `pt_BR@euro`) as a tag; `None`
    /// for `C`, `POSIX` and what is not a language.
    pub fn from_locale(locale: &str) -> Option<Self> {
        let name = locale.split(['.', '@']).next().unwrap_or_default();
        if name.is_empty() || name == "C" || name == "POSIX" {
            return None;
        }
        Self::parse(&name.replace('_', "-")).ok()
    }
}

/// The languages a resident reads alerts in, most preferred first: the
/// system's languages ranked above any the interface speaks (a German
/// speaker could not choose German for the interface), then the interface
/// language they chose, then their other system languages in order. Alerts
/// then fall back to French (see `AlertMessage::texts_for`).
pub fn reading_langs(ui: Lang, system: &[LangTag]) -> Vec<LangTag> {
    let first_known = system
        .iter()
        .position(|t| t.ui_lang().is_some())
        .unwrap_or(system.len());
    let mut prefs: Vec<LangTag> = system[..first_known].to_vec();
    prefs.push(ui.into());
    for t in &system[first_known..] {
        if !prefs.contains(t) {
            prefs.push(t.clone());
        }
    }
    prefs
}

impl From<Lang> for LangTag {
    fn from(l: Lang) -> Self {
        LangTag(l.tag().to_owned())
    }
}

impl PartialEq<Lang> for LangTag {
    fn eq(&self, other: &Lang) -> bool {
        self.0 == other.tag()
    }
}

impl FromStr for LangTag {
    type Err = InvalidLangTag;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for LangTag {
    type Error = InvalidLangTag;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<LangTag> for String {
    fn from(t: LangTag) -> Self {
        t.0
    }
}

impl fmt::Display for LangTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_and_locales() {
        assert_eq!("fr".parse(), Ok(Lang::Fr));
        assert_eq!("en-GB".parse(), Ok(Lang::En));
        assert_eq!("it_IT.UTF-8".parse(), Ok(Lang::It));
        assert_eq!("de".parse::<Lang>(), Err(UnsupportedLang("de".into())));
    }

    #[test]
    fn accept_language_picks_the_best_weighted_interface_language() {
        assert_eq!(Lang::negotiate("it-IT,it;q=0.9,en;q=0.8"), Some(Lang::It));
        assert_eq!(Lang::negotiate("de-DE, en;q=0.5, fr;q=0.7"), Some(Lang::Fr));
        assert_eq!(Lang::negotiate("en;q=0, it"), Some(Lang::It));
        assert_eq!(Lang::negotiate("de, *;q=0.1"), None);
        assert_eq!(Lang::negotiate(""), None);
    }

    #[test]
    fn any_bcp47_tag_is_a_content_language_in_its_normal_case() {
        for (raw, normal, primary) in [
            ("de-DE", "de-DE", "de"),
            ("HE", "he", "he"),
            ("zh-hant-tw", "zh-Hant-TW", "zh"),
            ("pt-br", "pt-BR", "pt"),
            (" fr-FR ", "fr-FR", "fr"),
            ("sgn-BE-FR", "sgn-BE-FR", "sgn"),
        ] {
            let t = LangTag::parse(raw).expect(raw);
            assert_eq!((t.as_str(), t.primary()), (normal, primary));
        }
        assert_eq!(
            LangTag::parse("fr-CA").expect("fr-CA").ui_lang(),
            Some(Lang::Fr)
        );
        assert_eq!(LangTag::parse("de").expect("de").ui_lang(), None);
        for bad in [
            "",
            "fr_FR",
            "français",
            "en--GB",
            "x",
            "abcdefghi",
            &"a-".repeat(40),
        ] {
            assert!(LangTag::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            LangTag::from_locale("de_DE.UTF-8")
                .map(String::from)
                .as_deref(),
            Some("de-DE")
        );
        assert_eq!(LangTag::from_locale("C.UTF-8"), None);
        let json: Result<LangTag, _> = serde_json::from_str("\"en gb\"");
        assert!(json.is_err());
    }

    #[test]
    fn a_resident_reads_a_language_the_interface_lacks_first_then_the_chosen_one() {
        let tags =
            |v: &[&str]| -> Vec<LangTag> { v.iter().map(|t| t.parse().expect("tag")).collect() };
        assert_eq!(
            reading_langs(Lang::En, &tags(&["de-DE", "fr-FR", "en-US"])),
            tags(&["de-DE", "en", "fr-FR", "en-US"])
        );
        // A language the interface lacks, ranked below one it speaks, does
        // not outrank the language the resident chose.
        assert_eq!(
            reading_langs(Lang::En, &tags(&["fr-FR", "de-DE"])),
            tags(&["en", "fr-FR", "de-DE"])
        );
        assert_eq!(reading_langs(Lang::Fr, &[]), tags(&["fr"]));
    }
}
