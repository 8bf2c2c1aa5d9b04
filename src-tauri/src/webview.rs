//! WebKitGTK's settings for an app of a few screens (Linux only).
//!
//! WebKitGTK is tuned for a browser by default: caches sized for many pages
//! and a back-forward cache of whole pages. Beffroi shows one page of forms,
//! lists and a map: a document viewer's caches and no page cache leave its
//! processes about 65 MiB lighter (`make bench-app`, `docs/benchmarks.md`).
//!
//! Drawing on the CPU (hardware acceleration policy "never") saved a few
//! MiB more but made WebKitWebDriver's screenshots hang (WebKitGTK 2.50,
//! Debian 12), so pages stay composited as WebKit decides.

use tauri::{Manager, Runtime};
use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};

/// Applies the settings to every window the app has opened at setup.
pub fn lighten<R: Runtime>(app: &tauri::AppHandle<R>) {
    for window in app.webview_windows().into_values() {
        let applied = window.with_webview(|webview| {
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                // The app's pages are its own: no back-forward page cache to keep.
                settings.set_enable_page_cache(false);
            }
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = applied {
            tracing::warn!("the webview's settings were not applied: {e}");
        }
    }
}
