//! Communes: the unit of the territory. Alerts target them, places and reports
//! belong to them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::place::Position;
use crate::shape::{Outline, ShapeError};

/// Why a commune or an INSEE code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommuneError {
    #[error("invalid INSEE code {0:?}: expected 5 characters, digits (or 2A/2B for Corsica)")]
    InvalidInseeCode(String),
    #[error("invalid postal code {0:?}: expected 5 digits")]
    InvalidPostalCode(String),
    #[error("a commune needs a name")]
    EmptyName,
}

/// An INSEE commune code (code officiel géographique), e.g. `06088` for Nice.
/// It is also the CAP geocode that alerts use to target an area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "06088"))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct InseeCode(String);

impl InseeCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The département the commune belongs to (`06` for the Alpes-Maritimes).
    pub fn departement(&self) -> &str {
        &self.0[..2]
    }
}

impl FromStr for InseeCode {
    type Err = CommuneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let dep_ok = b.len() == 5
            && (b[..2].iter().all(u8::is_ascii_digit)
                || s.starts_with("2A")
                || s.starts_with("2B"));
        if dep_ok && b[2..].iter().all(u8::is_ascii_digit) {
            Ok(Self(s.to_owned()))
        } else {
            Err(CommuneError::InvalidInseeCode(s.to_owned()))
        }
    }
}

impl TryFrom<String> for InseeCode {
    type Error = CommuneError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<InseeCode> for String {
    fn from(c: InseeCode) -> Self {
        c.0
    }
}

impl fmt::Display for InseeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A commune of the territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Commune {
    pub code: InseeCode,
    pub name: String,
    /// Municipal population (INSEE), used to order and weigh communes.
    pub population: u32,
    /// La Poste postal codes serving the commune (one commune may have several).
    pub postal_codes: Vec<String>,
    /// Its outline, when the territory has them (alerts' shapes are
    /// compared with it on devices, and maps draw it offline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub outline: Option<Outline>,
    /// Where "near this commune" is measured from when the directory lists
    /// no town hall in it: its outline's centroid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub centre: Option<Position>,
}

impl Commune {
    /// Builds a commune, checking every field.
    pub fn new(
        code: &str,
        name: &str,
        population: u32,
        postal_codes: impl IntoIterator<Item = String>,
    ) -> Result<Self, CommuneError> {
        let code = code.parse()?;
        let name = name.trim();
        if name.is_empty() {
            return Err(CommuneError::EmptyName);
        }
        let postal_codes = postal_codes
            .into_iter()
            .map(|p| {
                let p = p.trim().to_owned();
                if p.len() == 5 && p.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(p)
                } else {
                    Err(CommuneError::InvalidPostalCode(p))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            code,
            name: name.to_owned(),
            population,
            postal_codes,
            outline: None,
            centre: None,
        })
    }

    /// Its outline and centre as one JSON text, as stores keep them (`None`
    /// without an outline).
    pub fn geometry_json(&self) -> Option<String> {
        let outline = self.outline.as_ref()?;
        let geometry = serde_json::json!({"outline": outline, "centre": self.centre});
        Some(geometry.to_string())
    }

    /// With the outline and centre of [`Commune::geometry_json`].
    pub fn with_geometry_json(mut self, json: &str) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        struct Geometry {
            outline: Outline,
            centre: Option<Position>,
        }
        let g: Geometry = serde_json::from_str(json)?;
        self.outline = Some(g.outline);
        self.centre = g.centre;
        Ok(self)
    }

    /// With its outline (checked), and its centroid as its centre.
    pub fn with_outline(mut self, outline: Outline) -> Result<Self, ShapeError> {
        outline.check()?;
        self.centre = outline.centroid();
        self.outline = Some(outline);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insee_codes_are_checked() {
        assert_eq!(
            "06088"
                .parse::<InseeCode>()
                .map(|c| c.departement().to_owned()),
            Ok("06".into())
        );
        assert!("2A004".parse::<InseeCode>().is_ok());
        for bad in ["", "6088", "060888", "06O88", "2C004", "nice!"] {
            assert_eq!(
                bad.parse::<InseeCode>(),
                Err(CommuneError::InvalidInseeCode(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn commune_rejects_bad_fields() {
        assert!(Commune::new("06088", "Nice", 348_085, ["06000".into(), "06100".into()]).is_ok());
        assert_eq!(
            Commune::new("06088", "  ", 1, []),
            Err(CommuneError::EmptyName)
        );
        assert_eq!(
            Commune::new("06088", "Nice", 1, ["6000".into()]),
            Err(CommuneError::InvalidPostalCode("6000".into()))
        );
    }

    #[test]
    fn insee_code_deserialisation_validates() {
        let ok: Result<InseeCode, _> = serde_json::from_str("\"06088\"");
        assert!(ok.is_ok());
        let bad: Result<InseeCode, _> = serde_json::from_str("\"abc\"");
        assert!(bad.is_err());
    }
}
