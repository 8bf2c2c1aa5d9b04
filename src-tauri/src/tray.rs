//! The system tray. Closing the window leaves the app running there, so its
//! alert listener goes on and notifications keep coming; the tray's menu
//! opens the window again or quits.
//!
//! Only where the desktop shows tray items — a StatusNotifierWatcher on the
//! session bus (KDE, XFCE, Cinnamon, MATE, GNOME with its AppIndicator
//! extension). Elsewhere closing the window quits, as it always did, rather
//! than leave running an app that nothing shows and nothing can quit.

use std::time::Duration;

use beffroi_client::i18n::Localizer;
use beffroi_domain::Lang;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

/// The tray icon's id.
pub const ID: &str = "main";
const OPEN: &str = "open";
const QUIT: &str = "quit";
/// The D-Bus name of the desktop's tray (freedesktop StatusNotifierItem).
const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// The tray's menu, in `lang`.
fn menu(app: &AppHandle, lang: Lang) -> tauri::Result<Menu<Wry>> {
    let l = Localizer::new(lang).map_err(|e| tauri::Error::Anyhow(e.into()))?;
    let open = MenuItem::with_id(app, OPEN, l.msg("tray-open", &[]), true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, l.msg("tray-quit", &[]), true, None::<&str>)?;
    Menu::with_items(app, &[&open, &quit])
}

/// Puts the app in the tray. A desktop without the tray library (it is
/// loaded at run time) gets no tray: the app still runs, and closing the
/// window quits it.
pub fn install(app: &AppHandle, lang: Lang) {
    let build = || -> tauri::Result<()> {
        let mut tray = TrayIconBuilder::with_id(ID)
            .tooltip("Beffroi")
            .menu(&menu(app, lang)?)
            .on_menu_event(|app, event| match event.id().as_ref() {
                OPEN => show(app),
                QUIT => app.exit(0),
                _ => {}
            });
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.build(app)?;
        Ok(())
    };
    // The tray library panics when the system lacks libayatana-appindicator.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)) {
        Ok(Ok(())) => tracing::info!("tray icon set up"),
        Ok(Err(e)) => tracing::warn!(error = %e, "no system tray"),
        Err(_) => tracing::warn!("no system tray: libayatana-appindicator3 is missing"),
    }
}

/// The tray's menu follows the resident's language.
pub fn relabel(app: &AppHandle, lang: Lang) {
    if let Some(tray) = app.tray_by_id(ID) {
        let result = menu(app, lang).and_then(|m| tray.set_menu(Some(m)));
        if let Err(e) = result {
            tracing::warn!(error = %e, "cannot relabel the tray menu");
        }
    }
}

/// Shows the window again, in front.
pub fn show(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// Whether closing the window should leave the app in the tray: it has a
/// tray icon and the desktop shows tray items now.
pub fn keeps_running(app: &AppHandle) -> bool {
    app.tray_by_id(ID).is_some() && tray_shown()
}

/// Whether a StatusNotifierWatcher is on the session bus (asked each time:
/// a panel can start or stop while the app runs).
fn tray_shown() -> bool {
    let ask = async {
        let bus = zbus::Connection::session().await?;
        let dbus = zbus::fdo::DBusProxy::new(&bus).await?;
        let name = zbus::names::BusName::try_from(WATCHER)?;
        Ok::<_, zbus::Error>(dbus.name_has_owner(name).await?)
    };
    tauri::async_runtime::block_on(async {
        match tokio::time::timeout(Duration::from_secs(2), ask).await {
            Ok(Ok(shown)) => shown,
            Ok(Err(e)) => {
                tracing::info!(error = %e, "no session bus: closing quits");
                false
            }
            Err(_) => false,
        }
    })
}
