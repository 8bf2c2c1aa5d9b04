// The installed resident app (`make dist-test`): started with its menu
// entry's command line on a fresh account, it shows the "choose your town
// hall" screen. Driven through tauri-driver like the other window tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eventually, startTauriDriver, stopChild, tempDir } from './harness.mjs';

const desktop = readFileSync('/usr/share/applications/Beffroi.desktop', 'utf8');
const exec = desktop.match(/^Exec=(\S+)/m)?.[1];
assert.ok(exec, 'the menu entry has a command line');
const application = exec.startsWith('/') ? exec : `/usr/bin/${exec}`;
assert.match(desktop, /^Icon=beffroi-app$/m);

// A fresh account (the driver and the app it starts inherit it): the app's
// data goes to its own XDG directory there.
const home = tempDir('dist-home');
process.env.HOME = home.dir;
process.env.XDG_DATA_HOME = `${home.dir}/.local/share`;
const { port, child } = await startTauriDriver();
const { remote } = await import('webdriverio');
let app;
try {
  app = await remote({ hostname: '127.0.0.1', port, logLevel: 'error', capabilities: { 'tauri:options': { application } } });
  const title = await app.$('#server-title');
  await title.waitForExist({ timeout: 20000 });
  assert.equal(await title.getText(), 'Bienvenue');
  await eventually(async () => (await app.$('#server-address')).isDisplayed(), 5000, 'the address field');
  console.log(`ok: ${application}, started from its menu entry's command line, asks for the town hall`);
} finally {
  await app?.deleteSession().catch(() => {});
  await stopChild(child);
  home.cleanup();
}
