//! Tauri commands, one module per area. Each returns `Result<_, CommandError>`.

pub mod advice;
pub mod aid;
pub mod alerts;
pub mod communes;
pub mod directory;
pub mod places;
pub mod reports;
pub mod rules;
pub mod settings;
pub mod sync;
