//! Notifications through Tauri's notification plugin: the phone's own (an
//! Android notification channel, iOS's notification centre). The desktop
//! keeps notify-rust (`beffroi_client::alerts::DesktopNotifier`), whose
//! freedesktop urgency the plugin does not offer there. Compiled on every
//! target, so that this machine checks it; only the mobile app installs it.

use beffroi_domain::alert::NotificationPreview;
use tauri_plugin_notification::NotificationExt;

/// Shows an alert's notification as the phone shows any app's.
#[derive(Clone)]
pub struct PluginNotifier(pub tauri::AppHandle);

impl std::fmt::Debug for PluginNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PluginNotifier")
    }
}

impl beffroi_client::alerts::Notifier for PluginNotifier {
    fn notify(&self, _thread: &str, n: &NotificationPreview) -> Result<(), String> {
        self.0
            .notification()
            .builder()
            .title(&n.summary)
            .body(&n.body)
            .show()
            .map_err(|e| e.to_string())
    }
}
