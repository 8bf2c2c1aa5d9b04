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
}
