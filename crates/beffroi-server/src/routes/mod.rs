//! One module per resource, each with its handlers and their OpenAPI
//! annotations; [`api_router`] merges them under `/api/v1`.

pub mod advice;
pub mod aid;
pub mod alerts;
pub mod auth;
pub mod communes;
pub mod directory;
pub mod health;
pub mod measures;
pub mod meta;
pub mod open311;
pub mod places;
pub mod reports;
pub mod staff;
pub mod threads;
pub mod webpush;

use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use axum::extract::DefaultBodyLimit;

use crate::AppState;

/// The largest file staff may import over HTTP (the CLI has no limit).
pub const IMPORT_MAX_BYTES: usize = 32 * 1024 * 1024;

/// The largest report submission: its photos and the JSON.
pub const REPORT_MAX_BYTES: usize =
    crate::photos::MAX_PHOTOS * crate::photos::MAX_PHOTO_BYTES + 64 * 1024;

/// The largest advice page write: three languages of the longest title and
/// body, four bytes a character at worst, and the JSON around them.
pub const ADVICE_MAX_BYTES: usize =
    3 * (beffroi_domain::advice::MAX_ADVICE_BODY + beffroi_domain::advice::MAX_ADVICE_TITLE) * 4
        + 64 * 1024;

/// Every `/api/v1` route, with its OpenAPI description built from the same table.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(communes::list))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(staff::list))
        .routes(routes!(meta::openapi))
        .routes(routes!(meta::map))
        .routes(routes!(places::changes))
        .routes(routes!(places::categories))
        .routes(routes!(directory::search))
        .routes(routes!(directory::details))
        .routes(routes!(directory::info))
        .routes(routes!(places::get))
        .routes(routes!(places::list, places::create))
        .routes(routes!(places::update, places::delete))
        .routes(routes!(places::import).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES)))
        .routes(
            routes!(alerts::create, alerts::list)
                .layer(DefaultBodyLimit::max(alerts::CAP_MAX_BYTES)),
        )
        .routes(routes!(alerts::get, alerts::edit))
        .routes(routes!(alerts::preview))
        .routes(routes!(alerts::reach).layer(DefaultBodyLimit::max(alerts::CAP_MAX_BYTES)))
        .routes(routes!(alerts::publish))
        .routes(routes!(alerts::update))
        .routes(routes!(alerts::cancel))
        .routes(routes!(alerts::audit))
        .routes(routes!(alerts::keys))
        .routes(routes!(alerts::town_hall_link))
        .routes(routes!(alerts::changes))
        .routes(routes!(alerts::stream))
        .routes(routes!(alerts::stream_ticket))
        .routes(routes!(threads::list))
        .routes(routes!(reports::categories))
        .routes(routes!(reports::submit).layer(DefaultBodyLimit::max(REPORT_MAX_BYTES)))
        .routes(routes!(reports::photo_list))
        .routes(routes!(reports::photo))
        .routes(routes!(reports::nearby))
        .routes(routes!(reports::public_view))
        .routes(routes!(reports::for_reporter))
        .routes(routes!(reports::triage))
        .routes(routes!(reports::staff_get))
        .routes(routes!(reports::change_status))
        .routes(routes!(measures::changes))
        .routes(routes!(measures::history))
        .routes(routes!(measures::in_force))
        .routes(routes!(measures::open_data_json))
        .routes(routes!(measures::open_data_csv))
        .routes(routes!(measures::create))
        .routes(routes!(measures::update, measures::withdraw))
        .routes(routes!(advice::changes))
        .routes(routes!(advice::pages))
        .routes(routes!(advice::history))
        .routes(routes!(advice::create).layer(DefaultBodyLimit::max(ADVICE_MAX_BYTES)))
        .routes(
            routes!(advice::update, advice::withdraw)
                .layer(DefaultBodyLimit::max(ADVICE_MAX_BYTES)),
        )
        .routes(routes!(advice::preview).layer(DefaultBodyLimit::max(ADVICE_MAX_BYTES)))
        .routes(routes!(aid::post, aid::changes))
        .routes(routes!(aid::withdraw))
        .routes(routes!(aid::abuse))
        .routes(routes!(aid::message))
        .routes(routes!(aid::share))
        .routes(routes!(aid::close))
        .routes(routes!(aid::inbox))
        .routes(routes!(aid::list))
        .routes(routes!(aid::approve))
        .routes(routes!(aid::hide))
        .routes(routes!(aid::block))
        .routes(routes!(aid::publish_first))
        .routes(routes!(aid::set_publish_first))
        .routes(routes!(webpush::key))
        .routes(routes!(webpush::subscribe, webpush::unsubscribe))
}
