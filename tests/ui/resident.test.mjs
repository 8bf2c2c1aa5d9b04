// The real resident window (Tauri + WebKitGTK) driven through tauri-driver.
// Run under a display: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { remote } from 'webdriverio';
import { artifacts, bin, eventually, freePort, startTownHall, stopChild, tempDir } from './harness.mjs';

const TAURI_DRIVER = process.env.TAURI_DRIVER ?? join(homedir(), '.cargo/bin/tauri-driver');
let hall, data, driver, port;

before(async () => {
  data = tempDir('resident');
  hall = await startTownHall(join(data.dir, 'server'));
  port = await freePort();
  const nativePort = await freePort();
  driver = spawn(TAURI_DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok, 15000, 'tauri-driver');
});

after(async () => {
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

/** Runs `fn` with a fresh app window over the test's resident data dir. */
async function withApp(fn) {
  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    capabilities: {
      'tauri:options': {
        application: bin('beffroi-app'),
        args: ['--server', hall.url, '--data', join(data.dir, 'resident')],
      },
    },
  });
  try {
    await fn(browser);
  } finally {
    await browser.deleteSession();
  }
}

/** Screenshots after the webview has painted the current DOM. */
async function screenshot(browser, name) {
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await browser.saveScreenshot(join(artifacts, name));
}

const liCount = (browser) => browser.execute(() => document.querySelectorAll('#communes-list li').length);
const online = (browser) =>
  browser.execute(() => document.querySelector('#sync-status')?.getAttribute('data-online'));

test('first run, communes list, then offline after the server stops', async () => {
  await withApp(async (browser) => {
    const select = await browser.$('#home-commune');
    await select.waitForExist({ timeout: 20000 });
    await (await browser.$('input[name="lang"][value="fr"]')).click();
    await select.selectByAttribute('value', '06088');
    await (await browser.$('#first-run-submit')).click();
    await eventually(async () => (await liCount(browser)) === 51, 15000, '51 communes');
    await eventually(async () => (await online(browser)) === 'online', 15000, 'online status');
    const home = await browser.$('#communes-list li[data-code="06088"]');
    assert.match(await home.getText(), /Nice/);
    assert.match(await home.getText(), /votre commune/);
    await screenshot(browser, 'resident-communes.png');
  });

  await hall.stop();

  await withApp(async (browser) => {
    await eventually(async () => (await liCount(browser)) === 51, 20000, 'cached communes');
    await eventually(async () => (await online(browser)) === 'offline', 15000, 'offline status');
    const status = await (await browser.$('#sync-status')).getText();
    assert.match(status, /Hors ligne/);
    assert.match(status, /Dernière synchronisation/);
    await screenshot(browser, 'resident-offline.png');
  });
});
