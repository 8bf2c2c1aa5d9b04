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
}
