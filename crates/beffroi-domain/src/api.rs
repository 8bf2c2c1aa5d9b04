//! Wire shapes common to every route.

use serde::{Deserialize, Serialize};

/// Every error the server sends: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ErrorDetail {
    /// A stable, machine-readable code such as `not_found` or `invalid_json`.
    pub code: String,
    /// A lowercase sentence for people, saying what to do.
    pub message: String,
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Health {
    pub status: String,
    pub version: String,
    /// The territory this server serves (e.g. "Métropole Nice Côte d'Azur"),
    /// shown to a resident choosing their town hall.
    #[serde(default)]
    pub territory: String,
    /// Whether the database answered (else the status is 503).
    #[serde(default)]
    pub database: bool,
    /// Whether alerts stored by other servers sharing the database reach
    /// this one at once (always, for a server alone); else within seconds.
    #[serde(default)]
    pub bus: bool,
}

/// `GET /api/v1/map`: how the town hall's maps are drawn.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MapSettings {
    /// The base map under the communes' outlines, if the town hall chose
    /// one; without it, maps draw the outlines alone and fetch nothing.
    #[serde(default)]
    pub tiles: Option<TileSource>,
}

/// A base map the town hall chose (`--tiles-url`): an XYZ tile server
/// (OpenStreetMap's scheme) and the credit its licence asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TileSource {
    /// `https://tiles.example.fr/{z}/{x}/{y}.png`.
    pub url: String,
    /// Shown on every map that draws the tiles, as plain text.
    pub attribution: String,
    /// The deepest zoom the server has tiles for.
    pub max_zoom: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileSourceError {
    #[error(
        "the tiles URL must be http:// or https:// with {{z}}, {{x}} and {{y}}, e.g. https://tiles.example.fr/{{z}}/{{x}}/{{y}}.png"
    )]
    Url,
    #[error(
        "the tiles need their attribution (what their licence asks to show), at most 300 characters"
    )]
    Attribution,
    #[error("the tiles' maximum zoom is 0 to 22")]
    MaxZoom,
}

impl TileSource {
    pub const MAX_URL: usize = 1000;
    pub const MAX_ATTRIBUTION: usize = 300;
    pub const MAX_ZOOM: u8 = 22;

    /// A checked tile source.
    pub fn new(url: &str, attribution: &str, max_zoom: u8) -> Result<TileSource, TileSourceError> {
        let source = TileSource {
            url: url.trim().to_owned(),
            attribution: attribution.trim().to_owned(),
            max_zoom,
        };
        source.check()?;
        Ok(source)
    }

    /// What [`TileSource::new`] checks (a device checks what it is sent too).
    pub fn check(&self) -> Result<(), TileSourceError> {
        let url = &self.url;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or(TileSourceError::Url)?;
        let host = rest.split('/').next().unwrap_or_default();
        if url.len() > Self::MAX_URL
            || host.is_empty()
            || host.contains(['{', '}'])
            || url.chars().any(|c| c.is_whitespace() || c.is_control())
            || ["{z}", "{x}", "{y}"].iter().any(|p| !rest.contains(p))
        {
            return Err(TileSourceError::Url);
        }
        let a = &self.attribution;
        if a.is_empty()
            || a.chars().count() > Self::MAX_ATTRIBUTION
            || a.chars().any(char::is_control)
        {
            return Err(TileSourceError::Attribution);
        }
        if self.max_zoom > Self::MAX_ZOOM {
            return Err(TileSourceError::MaxZoom);
        }
        Ok(())
    }

    /// The address of one tile; `None` for a tile that cannot exist (deeper
    /// than the source goes, or off the world's edge).
    pub fn tile_url(&self, z: u8, x: u32, y: u32) -> Option<String> {
        if z > self.max_zoom || z > Self::MAX_ZOOM {
            return None;
        }
        let side = 1u32 << z;
        if x >= side || y >= side {
            return None;
        }
        Some(
            self.url
                .replace("{z}", &z.to_string())
                .replace("{x}", &x.to_string())
                .replace("{y}", &y.to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_source_is_an_http_template_with_its_credit() {
        let ok = TileSource::new(
            " https://tiles.example.fr/{z}/{x}/{y}.png ",
            "© OpenStreetMap",
            19,
        );
        assert_eq!(
            ok.as_ref().map(|s| s.tile_url(2, 3, 1)),
            Ok(Some("https://tiles.example.fr/2/3/1.png".to_owned()))
        );
        for url in [
            "ftp://tiles.example.fr/{z}/{x}/{y}.png",
            "https://tiles.example.fr/{z}/{x}.png",
            "https:///{z}/{x}/{y}.png",
            "https://{z}.example.fr/{x}/{y}.png",
            "https://tiles.example.fr/{z}/{x}/{y}.png?key=a b",
            "javascript:alert(1)//{z}/{x}/{y}",
        ] {
            assert_eq!(
                TileSource::new(url, "©", 19),
                Err(TileSourceError::Url),
                "{url}"
            );
        }
        let url = "http://127.0.0.1:8080/{z}/{x}/{y}.png";
        assert_eq!(
            TileSource::new(url, " ", 19),
            Err(TileSourceError::Attribution)
        );
        assert_eq!(
            TileSource::new(url, &"©".repeat(301), 19),
            Err(TileSourceError::Attribution)
        );
        assert_eq!(TileSource::new(url, "©", 23), Err(TileSourceError::MaxZoom));
    }

    #[test]
    fn no_tile_beyond_the_world_or_the_deepest_zoom() {
        let s = TileSource::new("http://t.example/{z}/{x}/{y}.png", "©", 3).unwrap_or_else(|e| {
            panic!("{e}");
        });
        assert_eq!(
            s.tile_url(0, 0, 0).as_deref(),
            Some("http://t.example/0/0/0.png")
        );
        assert_eq!(
            s.tile_url(3, 7, 7).as_deref(),
            Some("http://t.example/3/7/7.png")
        );
        assert_eq!(s.tile_url(3, 8, 0), None);
        assert_eq!(s.tile_url(3, 0, 8), None);
        assert_eq!(s.tile_url(4, 0, 0), None);
        assert_eq!(s.tile_url(255, 0, 0), None);
    }
}
