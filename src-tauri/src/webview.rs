//! WebKitGTK's settings for an app of a few screens (Linux only).
//!
//! WebKitGTK is tuned for a browser by default: it composites every page on
//! the GPU (under a software GL driver, Mesa's llvmpipe, when there is no GPU)
//! and keeps caches sized for many pages. Beffroi shows one page of forms and
//! lists, and a map made of plain images: drawn on the CPU it looks the same,
//! and the web process holds about 70 MiB less (`make bench-app`,
//! `docs/benchmarks.md`).

use tauri::{Manager, Runtime};
use webkit2gtk::{CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt};

/// Applies the settings to every window the app has opened at setup.
pub fn lighten<R: Runtime>(app: &tauri::AppHandle<R>) {
    for window in app.webview_windows().into_values() {
        let applied = window.with_webview(|webview| {
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
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
