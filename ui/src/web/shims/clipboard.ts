// `@tauri-apps/plugin-clipboard-manager` in the web build: the browser's clipboard.
export async function writeText(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
}
