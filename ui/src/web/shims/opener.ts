// `@tauri-apps/plugin-opener` in the web build: a new tab, with no access back to this page.
export async function openUrl(url: string): Promise<void> {
  window.open(url, '_blank', 'noopener,noreferrer');
}
