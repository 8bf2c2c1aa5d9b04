//! Beffroi's resident app: a thin Tauri shell. All offline and sync behaviour
//! lives in `beffroi-client`; this crate adapts it to commands (one module per
//! area under [`commands`]) and builds the shared state once, at setup.
//!
//! Command-line options (also for the end-to-end tests):
//! `beffroi-app [--server URL|LINK] [LINK] [--data DIR] [--clock RFC3339]`, or `BEFFROI_SERVER` /
//! `BEFFROI_DATA` / `BEFFROI_CLOCK`. `--clock` fixes the time the directory's hours are
//! evaluated at ("open now"), for demonstrations and end-to-end tests. A `LINK` is a town
//! hall's `beffroi://connect?server=URL&key=FINGERPRINT`; without any, the resident
//! chooses their town hall in the app.

pub mod commands;
pub mod error;
pub mod notify;
pub mod tiles;
#[cfg(desktop)]
pub mod tray;
#[cfg(target_os = "linux")]
mod webview;

use std::path::PathBuf;
use std::sync::Arc;

use beffroi_client::Client;
use tauri::{Emitter, Manager};

/// Events the window receives: the alerts changed (payload: every alert), the
/// live connection to the town hall came up or went down (payload: bool), the
/// reports filed here changed (payload: every one).
pub const EVENT_ALERTS: &str = "alerts-changed";
pub const EVENT_LIVE: &str = "live-connection";
/// The reports filed here changed (sent, or a new status), or one followed
/// did: payload, every report filed here.
pub const EVENT_REPORTS: &str = "reports-changed";
/// The rules in force changed (a measure added, changed or withdrawn): the
/// window asks for them again (`rules_in_force`).
pub const EVENT_RULES: &str = "rules-changed";
/// The town hall's advice pages changed (already synced): the window reads
/// them again if it shows them (`advice_pages`).
pub const EVENT_ADVICE: &str = "advice-changed";
/// Mutual aid changed: this device's posts, conversations or outbox.
pub const EVENT_AID: &str = "aid-changed";

/// Built once in `setup`, shared by every command.
#[derive(Debug, Clone)]
pub struct AppState {
    pub client: Arc<Client>,
    /// A fixed "now" for evaluating hours, when given.
    pub clock: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Whether the alert listener runs (it stops when no town hall is chosen).
    pub listening: Arc<std::sync::atomic::AtomicBool>,
    /// Told when the window's first screen is drawn (see [`FIRST_SCREEN_WAIT`]).
    pub first_screen: Arc<tokio::sync::Notify>,
}

/// How long the first sync waits for the window's first screen at most (a
/// window never drawn). A new device's first sync brings the whole directory and writes it: on a
/// phone's or a small desktop's two cores, doing that while WebKit starts its
/// processes and draws made the first screen come later (`make bench-app`).
const FIRST_SCREEN_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Starts the alert listener unless it runs: it reconciles, then follows the
/// town hall's live stream, reconnecting by itself, while the app runs (or
/// until it finds no town hall chosen: choosing one starts it again).
pub fn listen(handle: &tauri::AppHandle, client: &Arc<Client>) {
    let state = handle.state::<AppState>();
    if state
        .listening
        .swap(true, std::sync::atomic::Ordering::AcqRel)
    {
        return;
    }
    let listening = state.listening.clone();
    let client = client.clone();
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        let news = handle.clone();
        let live = handle.clone();
        let reports = handle.clone();
        let rules = handle.clone();
        let result = client
            .listen(
                move |alerts| {
                    if let Err(e) = news.emit(EVENT_ALERTS, alerts) {
                        tracing::warn!(error = %e, "cannot tell the window about alerts");
                    }
                },
                move |up| {
                    let _ = live.emit(EVENT_LIVE, up);
                },
                move |filed| {
                    let _ = reports.emit(EVENT_REPORTS, filed);
                },
                move |what| {
                    let event = match what {
                        beffroi_client::Content::Rules => EVENT_RULES,
                        beffroi_client::Content::Advice => EVENT_ADVICE,
                        beffroi_client::Content::Aid => EVENT_AID,
                    };
                    let _ = rules.emit(event, ());
                },
            )
            .await;
        listening.store(false, std::sync::atomic::Ordering::Release);
        if let Err(e) = result {
            tracing::warn!(error = %e, "the alert listener stopped");
        }
    });
}

/// Run as each page of the window starts (Tauri's own scripts first): asks
/// the core for the settings while the page's script still loads, which
/// `api.settings()` takes the first time (`ui/src/app/api.ts`).
/// A failure is the page's to handle (it asks again), not an unhandled rejection.
const FIRST_SETTINGS_SCRIPT: &str = "if (window.__TAURI_INTERNALS__) { \
    window.__BEFFROI_SETTINGS__ = window.__TAURI_INTERNALS__.invoke('get_settings'); \
    window.__BEFFROI_SETTINGS__.catch(() => {}); }";

/// Options read from the command line, then the environment.
#[derive(Debug, Default)]
struct Options {
    server: Option<String>,
    data: Option<PathBuf>,
    clock: Option<String>,
}

fn options() -> Options {
    let mut opts = Options {
        server: std::env::var("BEFFROI_SERVER").ok(),
        data: std::env::var_os("BEFFROI_DATA").map(PathBuf::from),
        clock: std::env::var("BEFFROI_CLOCK").ok(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--server" => opts.server = args.next(),
            "--data" => opts.data = args.next().map(PathBuf::from),
            "--clock" => opts.clock = args.next(),
            // A town hall link the system opened the app with.
            link if link.starts_with("beffroi:") => opts.server = Some(link.to_owned()),
            _ => {}
        }
    }
    opts
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .try_init();
    let result = tauri::Builder::default()
        // A place's website, phone and e-mail open with the system's handler...
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        // ...and the window itself never navigates away from the app.
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("navigation-guard")
                .on_navigation(|_, url| {
                    let inside = matches!(url.scheme(), "tauri" | "asset")
                        || url.host_str() == Some("tauri.localhost");
                    if !inside {
                        tracing::warn!(%url, "navigation away from the app refused");
                    }
                    inside
                })
                .build(),
        )
        // The window asks for the settings as it opens, before its script has
        // loaded: the first screen depends on them (see `FIRST_SETTINGS_SCRIPT`).
        .plugin(
            tauri::plugin::Builder::<tauri::Wry>::new("first-settings")
                .js_init_script(FIRST_SETTINGS_SCRIPT)
                .build(),
        )
        // The maps' base tiles, fetched by the core (see `tiles`).
        .register_asynchronous_uri_scheme_protocol(tiles::SCHEME, |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            let path = request.uri().path().to_owned();
            tauri::async_runtime::spawn(async move {
                responder.respond(tiles::answer(&app, &path).await);
            });
        })
        .setup(|app| {
            let opts = options();
            let data = match opts.data {
                Some(d) => d,
                None => app.path().app_data_dir()?,
            };
            let client = Client::open(&data)?;
            if let Some(server) = opts.server {
                client.set_address(&server)?;
            }
            let clock = opts
                .clock
                .map(|c| {
                    chrono::DateTime::parse_from_rfc3339(&c)
                        .map_err(|e| format!("--clock {c:?}: {e}"))
                })
                .transpose()?;
            tracing::info!(data = %data.display(), "resident store opened");
            // Desktop: freedesktop notifications (urgency, the app's name);
            // phones: the system's, through Tauri's plugin.
            #[cfg(desktop)]
            client.set_notifier(Arc::new(beffroi_client::alerts::DesktopNotifier));
            #[cfg(mobile)]
            client.set_notifier(Arc::new(notify::PluginNotifier(app.handle().clone())));
            let lang = client.settings()?.lang.unwrap_or(beffroi_domain::Lang::Fr);
            error::set_lang(lang);
            #[cfg(desktop)]
            tray::install(app.handle(), lang);
            let client = Arc::new(client);
            let first_screen = Arc::new(tokio::sync::Notify::new());
            app.manage(AppState {
                client: client.clone(),
                clock,
                listening: Arc::default(),
                first_screen: first_screen.clone(),
            });
            #[cfg(target_os = "linux")]
            webview::lighten(app.handle());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = tokio::time::timeout(FIRST_SCREEN_WAIT, first_screen.notified()).await;
                listen(&handle, &client);
            });
            tracing::info!("app set up");
            Ok(())
        })
        // With a tray, closing the window hides it: alerts keep coming.
        .on_window_event(|window, event| {
            #[cfg(desktop)]
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && tray::keeps_running(window.app_handle())
            {
                api.prevent_close();
                let _ = window.hide();
            }
            // A phone's system runs the app's lifecycle itself.
            #[cfg(mobile)]
            let _ = (window, event);
        })
        .invoke_handler(tauri::generate_handler![
            commands::settings::get_settings,
            commands::settings::painted,
            commands::settings::save_settings,
            commands::settings::trusted_keys,
            commands::settings::check_server,
            commands::settings::choose_server,
            commands::communes::list_communes,
            commands::communes::map_settings,
            commands::directory::search_places,
            commands::directory::get_place,
            commands::directory::directory_size,
            commands::directory::list_categories,
            commands::directory::home_centre,
            commands::sync::sync_now,
            commands::alerts::list_alerts,
            commands::alerts::mark_alert_read,
            commands::alerts::alert_link,
            commands::places::list_places,
            commands::places::save_place,
            commands::places::remove_place,
            commands::places::set_notifications,
            commands::reports::report_categories,
            commands::reports::stage_photo,
            commands::reports::file_report,
            commands::reports::filed_reports,
            commands::reports::report_photo,
            commands::reports::nearby_reports,
            commands::reports::follow_report,
            commands::reports::followed_reports,
            commands::sync::sync_status,
            commands::rules::rules_in_force,
            commands::advice::advice_pages,
            commands::advice::advice_page,
            commands::aid::aid_nearby,
            commands::aid::aid_mine,
            commands::aid::aid_post,
            commands::aid::aid_withdraw,
            commands::aid::aid_write,
            commands::aid::aid_share,
            commands::aid::aid_close,
            commands::aid::aid_abuse,
            commands::aid::aid_dismiss,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("beffroi-app: {e}");
        std::process::exit(1);
    }
}
