// The real resident window (Tauri + WebKitGTK) driven through tauri-driver.
// Run under a display: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  eventually,
  importPlaces,
  openApp,
  screenshot,
  startTauriDriver,
  startTownHall,
  stopChild,
  tempDir,
} from './harness.mjs';

// Hours are evaluated at a fixed time (a Monday morning) so "open now" is deterministic.
const CLOCK = '2026-11-23T10:00:00+01:00';
let hall, data, driver, port;

before(async () => {
  data = tempDir('resident');
  importPlaces(join(data.dir, 'server'));
  hall = await startTownHall(join(data.dir, 'server'));
  ({ port, child: driver } = await startTauriDriver());
});

after(async () => {
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

/** Runs `fn` with a fresh app window over the test's resident data dir. */
async function withApp(fn) {
  const browser = await openApp(port, ['--server', hall.url, '--data', join(data.dir, 'resident'), '--clock', CLOCK]);
  try {
    await fn(browser);
  } finally {
    await browser.deleteSession();
  }
}

const count = (browser, selector) => browser.execute((s) => document.querySelectorAll(s).length, selector);
const online = (browser) =>
  browser.execute(() => document.querySelector('#sync-status')?.getAttribute('data-online'));
const click = async (browser, selector) => (await browser.$(selector)).click();

test('a resident chooses their town hall in the app: checked, its key shown, then the first run', async () => {
  // Started from the desktop menu: no --server.
  const browser = await openApp(port, ['--data', join(data.dir, 'resident-chooser'), '--clock', CLOCK]);
  try {
    const field = await browser.$('#server-address');
    await field.waitForExist({ timeout: 20000 });
    await click(browser, 'input[name="lang"][value="fr"]');
    const keys = await (await fetch(`${hall.url}/api/v1/keys`)).json();
    const fingerprint = createHash('sha256').update(Buffer.from(keys[0].public_key, 'base64')).digest('hex');
    const problem = async (address) => {
      await field.setValue(address);
      await click(browser, '#server-check');
      const shown = await browser.$('#server-problem');
      await shown.waitForExist({ timeout: 10000 });
      return shown.getText();
    };
    // Neither an address nor a link; nobody there; a link whose key this server does not hold.
    assert.match(await problem('la mairie'), /ni une adresse/);
    assert.match(await problem('http://127.0.0.1:9'), /Aucun serveur ne répond/);
    const impostor = `beffroi://connect?server=${encodeURIComponent(hall.url)}&key=${'0'.repeat(64)}`;
    assert.match(await problem(impostor), /imposteur/);
    assert.equal(await count(browser, '#server-choose'), 0);
    const body = await browser.execute(() => document.body.innerText);
    assert.doesNotMatch(body, /--server|pass /);

    // The poster's link: checked, the territory named, the key shown.
    await field.setValue(`beffroi://connect?server=${encodeURIComponent(hall.url)}&key=${fingerprint}`);
    await click(browser, '#server-check');
    const found = await browser.$('#server-found');
    await found.waitForExist({ timeout: 10000 });
    assert.match(await (await browser.$('#server-found-title')).getText(), /Nice Côte d.Azur/);
    assert.equal((await (await browser.$('#server-keys li')).getText()).replaceAll(' ', ''), fingerprint.slice(0, 32));
    // Keyboard: the result has the focus, the choice is a Tab away.
    assert.equal(await browser.execute(() => document.activeElement?.id), 'server-found');
    await screenshot(browser, 'resident-server-choice.png');
    await click(browser, '#server-choose');

    // Then the first run as usual, the communes synced from that server.
    const select = await browser.$('#home-commune');
    await select.waitForExist({ timeout: 20000 });
    await select.selectByAttribute('value', '06088');
    await click(browser, '#first-run-submit');
    await eventually(async () => (await online(browser)) === 'online', 15000, 'online status');
    await click(browser, '#settings-open');
    const pinned = await browser.$('#town-hall-keys li');
    await pinned.waitForExist({ timeout: 5000 });
    assert.equal((await pinned.getText()).replaceAll(' ', ''), fingerprint.slice(0, 32));
  } finally {
    await browser.deleteSession();
  }
});

test('first run, communes and directory, then offline after the server stops', async () => {
  await withApp(async (browser) => {
    const select = await browser.$('#home-commune');
    await select.waitForExist({ timeout: 20000 });
    await click(browser, 'input[name="lang"][value="fr"]');
    await select.selectByAttribute('value', '06088');
    await click(browser, '#first-run-submit');
    await eventually(async () => (await online(browser)) === 'online', 15000, 'online status');
    await eventually(async () => (await count(browser, '#places-list li')) > 50, 15000, 'the directory');

    await click(browser, '#nav-communes');
    await eventually(async () => (await count(browser, '#communes-list li')) === 51, 15000, '51 communes');
    const home = await browser.$('#communes-list li[data-code="06088"]');
    assert.match(await home.getText(), /Nice/);
    assert.match(await home.getText(), /votre commune/);
    await screenshot(browser, 'resident-communes.png');

    // The settings show the town hall's key, to compare with its poster:
    // the first 128 bits of the SHA-256 of the key GET /api/v1/keys publishes.
    await click(browser, '#settings-open');
    const keys = await (await fetch(`${hall.url}/api/v1/keys`)).json();
    const fingerprint = createHash('sha256').update(Buffer.from(keys[0].public_key, 'base64')).digest('hex');
    const shown = await browser.$('#town-hall-keys li');
    await shown.waitForExist({ timeout: 5000 });
    assert.equal((await shown.getText()).replaceAll(' ', ''), fingerprint.slice(0, 32));
    await click(browser, 'button=Annuler');
  });

  await hall.stop();

  await withApp(async (browser) => {
    await eventually(async () => (await online(browser)) === 'offline', 20000, 'offline status');
    const status = await (await browser.$('#sync-status')).getText();
    assert.match(status, /Hors ligne/);
    assert.match(status, /Dernière synchronisation/);

    // The directory works offline: search, "open now", a place's page.
    // Monaco's places are in no commune of the territory, and no town hall
    // of Nice is listed: "nearest to my commune" measures from Nice's
    // centroid (from its outline, synced with the communes), offline too.
    await eventually(
      async () => (await browser.execute(() => document.querySelector('#directory-order option[value="home"]')?.disabled)) === false,
      10000,
      'nearest to my commune available',
    );
    assert.equal(await (await browser.$('#directory-order-hint')).isExisting(), false);
    await (await browser.$('#directory-search')).setValue('boulangerie');
    const listed = () =>
      browser.execute(() =>
        [...document.querySelectorAll('#places-list li')].map((li) => [li.dataset.category, li.dataset.state]),
      );
    // The list shows the search's results once only bakeries are listed.
    await eventually(async () => {
      const items = await listed();
      return items.length >= 3 && items.every(([c]) => c === 'bakery');
    }, 10000, 'bakeries');
    const all = (await listed()).length;
    await click(browser, '#filter-open-now');
    assert.equal(await (await browser.$('#filter-open-now')).getAttribute('aria-pressed'), 'true');
    await eventually(async () => {
      const items = await listed();
      return items.length > 0 && items.length < all && items.every(([c, s]) => c === 'bakery' && s === 'open');
    }, 10000, 'open bakeries only');
    const states = (await listed()).map(([, s]) => s);
    assert.ok(states.every((s) => s === 'open'), states.join(','));
    await screenshot(browser, 'resident-directory.png');

    await click(browser, '#places-list li button');
    const title = await browser.$('#place-name');
    await title.waitForExist({ timeout: 10000 });
    assert.match(await (await browser.$('#place-status')).getText(), /^Ouvert/);
    assert.equal(await count(browser, '#place-week tr'), 7);
    await screenshot(browser, 'resident-place.png');

    // Links open outside; the window itself never leaves the app.
    await browser.execute(() => {
      window.location.href = 'about:blank';
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.ok(await (await browser.$('#place-name')).isExisting(), 'navigation away was refused');

    await click(browser, '#place-back');
    await eventually(async () => (await browser.$('#filter-open-now')).isDisplayed(), 5000, 'back to the list');
    assert.equal(await (await browser.$('#filter-open-now')).getAttribute('aria-pressed'), 'true', 'filters kept');

    await click(browser, '#nav-communes');
    await eventually(async () => (await count(browser, '#communes-list li')) === 51, 20000, 'cached communes');
    await screenshot(browser, 'resident-offline.png');
  });
});
