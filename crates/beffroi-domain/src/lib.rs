//! Beffroi's domain: the pure types and rules that the town hall server
//! (`beffroi-server`) and the resident core (`beffroi-client`) agree on.
//!
//! Nothing here does I/O. The crate holds:
//! - [`commune`]: the territory (INSEE codes, communes);
//! - [`alert`]: alerts mapped onto CAP 1.2, and their Ed25519 signatures;
//! - [`place`]: the directory of shops and services, categories mapped from OSM tags;
//! - [`directory`]: a place's state as the resident sees it (with `l10n`);
//! - [`hours`]: OSM `opening_hours` evaluated in the territory's time zone;
//! - [`report`]: residents' reports, their categories and status history;
//! - [`shape`]: CAP polygons and circles, the communes' outlines, point in polygon;
//! - [`measure`]: the rules in force per commune (typed measures, their validity);
//! - [`staff`]: town-hall staff roles and the login exchange;
//! - [`sync`]: cursors and pages of the one-way delta sync;
//! - [`thread`]: how a device reads an alert's thread (state, text in force);
//! - [`lang`]: the languages the product speaks;
//! - [`api`]: the wire shapes of errors and health checks.
//!
//! With the `openapi` feature the wire types derive `utoipa::ToSchema`; with `ts`
//! they derive `ts_rs::TS` so the front end's types are generated, never copied.

pub mod advice;
pub mod aid;
pub mod alert;
pub mod api;
pub mod commune;
#[cfg(feature = "l10n")]
pub mod directory;
pub mod hours;
#[cfg(feature = "l10n")]
pub mod i18n;
pub mod l10n;
pub mod lang;
pub mod measure;
pub mod place;
pub mod push;
pub mod report;
pub mod shape;
pub mod staff;
pub mod sync;
pub mod thread;

pub use commune::{Commune, InseeCode};
pub use lang::{Lang, LangTag, reading_langs};
pub use staff::{Role, Username};
pub use sync::{Cursor, SyncPage};
