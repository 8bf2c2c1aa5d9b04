// Reports end to end, in the real window (tauri-driver):
// - the short way, counted: from any screen a "Signaler" button, one tap on a
//   category, the description, send — the place preset to the home commune —
//   at most 5 clicks and 1 typed field (the old flow took 9 clicks and 2
//   fields), filed while the town hall's server is down and delivered once
//   when it is back, located by the commune only;
// - the long way: a photo carrying GPS EXIF, the place changed to one of the
//   offline directory; it arrives exactly once, its photo with no EXIF left;
//   a staff member changes its status in the console (Chromium); the resident
//   sees the new status and its message, and a desktop notification (dunst,
//   on the test's private D-Bus session).
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  artifacts,
  contrast,
  countActions,
  eventually,
  firstRunInNice,
  freePort,
  importPlaces,
  launchChromium,
  notifications,
  openApp,
  repoRoot,
  screenshot as shot,
  staffToken,
  startTauriDriver,
  startTownHall,
  stopChild,
  tempDir,
  texts,
} from './harness.mjs';

let hall, data, driver, port, browser, listen;

before(async () => {
  data = tempDir('reports');
  importPlaces(join(data.dir, 'server'));
  listen = `127.0.0.1:${await freePort()}`;
  hall = await startTownHall(join(data.dir, 'server'), listen);
  // A pharmacy in Nice (the imported extract is Monaco's, outside the
  // territory: a report there is refused).
  const res = await fetch(`${hall.url}/api/v1/admin/places`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await staffToken(hall)}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Pharmacie Masséna', category: 'pharmacy',
      address: { housenumber: '1', street: 'Place Masséna', postcode: '06000', city: 'Nice', country: 'FR' },
      position: { lat: 43.6971, lon: 7.2706 }, phone: null, website: null, email: null, wheelchair: null,
      opening_hours: 'Mo-Sa 09:00-19:00', crisis: null, delivery: null, takeaway: null, drive_through: null, last_checked: null,
    }),
  });
  if (!res.ok) throw new Error(`the place in Nice: ${await res.text()}`);
  ({ port, child: driver } = await startTauriDriver());
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

const attr = (b, selector, name) =>
  b.execute((s, n) => document.querySelector(s)?.getAttribute(n) ?? null, selector, name);

async function staffReports() {
  const token = await staffToken(hall);
  const list = await fetch(`${hall.url}/api/v1/admin/reports`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(list.status, 200);
  return list.json();
}

/** Forgets the last position: the webview's storage is the app's (it outlives
 * a session and its data dir), and a position would change the preset. */
const forgetPosition = (b) => b.execute(() => localStorage.removeItem('beffroi-last-position'));

/** The report button as shown: its text, box, colours and the page's width. */
const reportButton = (b) =>
  b.execute(() => {
    const e = document.querySelector('#report-open');
    if (!e) return null;
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return {
      text: e.textContent.trim(), left: r.left, right: r.right, height: r.height,
      width: document.documentElement.clientWidth, scrollWidth: document.documentElement.scrollWidth,
      fg: style.color, bg: style.backgroundColor,
    };
  });

test('from any screen, a report in at most 5 clicks and 1 typed field (the home commune preset), queued offline and delivered once', async () => {
  const app = await openApp(port, ['--server', hall.url, '--data', join(data.dir, 'resident-short')]);
  try {
    await firstRunInNice(app);
    await forgetPosition(app);
    // A phone's width.
    await app.setWindowSize(360, 740);
    await eventually(async () => (await app.execute(() => window.innerWidth)) <= 400, 5000, 'a 360 px window');

    // "Signaler" on every screen, named by its word, inside the width, large
    // enough to tap, readable (WCAG AA).
    for (const screen of ['#nav-directory', '#nav-alerts', '#nav-reports', '#nav-communes', '#settings-open']) {
      await (await app.$(screen)).click();
      const b = await reportButton(app);
      assert.ok(b, `the report button after ${screen}`);
      assert.equal(b.text, 'Signaler', screen);
      assert.ok(b.left >= 0 && b.right <= b.width && b.scrollWidth <= b.width, `${screen}: ${JSON.stringify(b)}`);
      assert.ok(b.height >= 44, `${screen}: ${b.height} px high`);
      assert.ok(contrast(b.fg, b.bg) >= 4.5, `${b.fg} on ${b.bg}: ${contrast(b.fg, b.bg).toFixed(2)}:1`);
    }
    await shot(app, 'resident-report-button-360.png');

    // With the keyboard only, from the settings: Tab reaches the button,
    // Enter opens the form on its title, the categories are buttons.
    await app.execute(() => document.activeElement?.blur());
    await eventually(async () => {
      await app.keys('Tab');
      return (await app.execute(() => document.activeElement?.id)) === 'report-open';
    }, 5000, 'the report button reached with Tab');
    await app.keys('Enter');
    await eventually(async () => (await app.execute(() => document.activeElement?.id)) === 'report-step-title', 5000, 'the focus on the form');
    await (await app.$('#report-categories button')).waitForExist({ timeout: 5000 });
    await app.keys('Tab');
    assert.equal(await app.execute(() => document.activeElement?.dataset.category ?? null), 'roads');
    await app.keys('Enter');
    await eventually(async () => (await attr(app, '#report-form', 'data-step')) === '2', 5000, 'step 2 by keyboard');
    await (await app.$('#report-cancel')).click();
    await (await app.$('#nav-directory')).click();

    // The town hall goes down.
    await hall.stop();
    await (await app.$('#sync-status button')).click();
    await eventually(async () => (await attr(app, '#sync-status', 'data-online')) === 'offline', 15000, 'offline');

    // From the open app (the directory), counted: Signaler, a category, a
    // tap into the description and typing, send.
    const flow = await countActions(app);
    await (await app.$('#report-open')).click();
    const tile = await app.$('#report-categories button[data-category="cleanliness"]');
    await tile.waitForExist({ timeout: 5000 });
    await shot(app, 'resident-report-categories-360.png');
    await tile.click();
    await eventually(async () => (await attr(app, '#report-form', 'data-step')) === '2', 5000, 'step 2');
    // The place is preset, and says which: the home commune.
    assert.match((await texts(app, '#report-where-summary')).join(''), /Lieu : votre commune, Nice\./);
    await (await app.$('#report-description')).click();
    await (await app.$('#report-description')).setValue('Dépôt sauvage de gravats devant le 3 rue Bonaparte.');
    await shot(app, 'resident-report-short.png');
    await (await app.$('#report-send')).click();
    await (await app.$('#reports-list')).waitForExist({ timeout: 10000 });
    const { clicks, typed } = await flow.read();
    console.log(`filing a report: ${clicks} clicks, ${typed.length} typed field(s) (${typed.join(', ')})`);
    assert.ok(clicks >= 3, `the counter counts clicks (${clicks})`);
    assert.ok(clicks <= 5, `at most 5 clicks, not ${clicks}`);
    assert.deepEqual(typed, ['report-description'], 'one typed field');

    // Queued on the device, then delivered once when the town hall is back,
    // located by its commune only.
    assert.equal(await attr(app, '#reports-list li.report-item', 'data-state'), 'queued');
    const id = await attr(app, '#reports-list li.report-item', 'data-id');
    hall = await startTownHall(join(data.dir, 'server'), listen);
    await eventually(
      async () => (await attr(app, '#reports-list li.report-item', 'data-state')) === 'sent',
      45000,
      'the report sent when the server is back',
    );
    const onServer = (await staffReports()).filter((r) => r.report.id === id);
    assert.equal(onServer.length, 1, 'exactly once');
    assert.equal(onServer[0].report.commune, '06088');
    assert.deepEqual(onServer[0].report.location, { position: null, address: null });
    assert.equal(onServer[0].report.category, 'cleanliness');

    // With a recent position on the device, a new report starts there instead.
    await app.execute(() =>
      localStorage.setItem('beffroi-last-position', JSON.stringify({ lat: 43.7031, lon: 7.2661, at: Date.now() })),
    );
    await (await app.$('#report-open')).click();
    await (await app.$('#report-categories button[data-category="lighting"]')).click();
    await eventually(async () => (await attr(app, '#report-form', 'data-step')) === '2', 5000, 'step 2');
    assert.match((await texts(app, '#report-where-summary')).join(''), /votre dernière position \(43\.70310, 7\.26610\)/);
    await (await app.$('#report-cancel')).click();
    await forgetPosition(app);
  } finally {
    await app.deleteSession();
  }
});

test('with a photo and a place from the directory, delivered once when the server is back, status from the console seen in the app', async () => {
  const app = await openApp(port, ['--server', hall.url, '--data', join(data.dir, 'resident')]);
  try {
    // First run while online: the directory and the report categories are synced.
    await firstRunInNice(app);
    await forgetPosition(app);

    // The town hall goes down.
    await hall.stop();
    await (await app.$('#sync-status button')).click();
    await eventually(async () => (await attr(app, '#sync-status', 'data-online')) === 'offline', 15000, 'offline');

    // "Signaler" from the reports screen; one tap on a category goes on.
    await (await app.$('#nav-reports')).click();
    await (await app.$('#report-open')).click();
    await (await app.$('#report-form')).waitForExist({ timeout: 5000 });
    assert.equal(await attr(app, '#report-form', 'data-step'), '1');
    const labels = await texts(app, '#report-categories button');
    assert.ok(labels.some((l) => l.includes('Voirie et trottoirs')), labels.join('|'));
    await (await app.$('#report-categories button[data-category="roads"]')).click();

    // Step 2: describe (the category's question too).
    await eventually(async () => (await attr(app, '#report-form', 'data-step')) === '2', 5000, 'step 2');
    // Sending without a description says what is missing, in French.
    await (await app.$('#report-send')).click();
    assert.match((await texts(app, '#report-error')).join(''), /Décrivez le problème et dites où/);
    await (await app.$('#report-description')).setValue('Nid-de-poule profond au milieu de la chaussée, dangereux pour les deux-roues.');
    await (await app.$('#report-answer-danger')).setValue('Oui, pour les scooters');
    // What is not a photo is refused when picked, in French.
    const notPhoto = join(data.dir, 'notes.jpg');
    writeFileSync(notPhoto, 'pas une photo');
    await (await app.$('#report-photos')).addValue(notPhoto);
    await eventually(
      async () => (await texts(app, '#report-error')).join('').includes("« notes.jpg » n'est pas une photo"),
      10000,
      'the refusal of a file that is not a photo',
    );
    // A photo carrying GPS EXIF: prepared on the device (the preview shows).
    await (await app.$('#report-photos')).addValue(join(repoRoot, 'tests/fixtures/photo-with-gps.jpg'));
    await eventually(async () => (await texts(app, '#report-photo-list li')).length === 1, 10000, 'the photo attached');
    await eventually(
      async () => (await app.execute(() => document.querySelector('#report-photo-list img')?.naturalWidth ?? 0)) > 0,
      5000,
      'the photo preview shown',
    );
    await shot(app, 'resident-report-step2.png');

    // The place: changed from the home commune to one of the offline directory.
    assert.match((await texts(app, '#report-where-summary')).join(''), /votre commune, Nice/);
    await (await app.$('#report-where-change')).click();
    // No position here (no location service on the test's session): the
    // error shows with that option, and goes when another is chosen.
    await (await app.$('input[name="where"][value="position"]')).click();
    await (await app.$('#report-position-use')).click();
    await (await app.$('#report-position-error')).waitForExist({ timeout: 15000 });
    await (await app.$('input[name="where"][value="place"]')).click();
    await eventually(
      async () => (await app.execute(() => document.querySelectorAll('#report-position-error, #report-error').length)) === 0,
      5000,
      'the position error gone',
    );
    await (await app.$('#report-place-search')).setValue('pharmacie massena');
    // The results follow the typing after a short pause: wait for Nice's pharmacy.
    await eventually(
      async () => (await texts(app, '#report-place-results li'))[0]?.includes('Pharmacie Masséna') ?? false,
      5000,
      'places found offline',
    );
    await (await app.$('#report-place-results li button')).click();
    await (await app.$('#report-place-chosen')).waitForExist({ timeout: 5000 });
    assert.match((await texts(app, '#report-where-summary')).join(''), /Lieu : .*harmacie/i);
    await shot(app, 'resident-report-place.png');
    await (await app.$('#report-send')).click();

    // Filed: in "My reports", waiting to be sent.
    await (await app.$('#reports-list')).waitForExist({ timeout: 10000 });
    assert.match((await texts(app, '#reports-notice')).join(''), /enregistré/);
    const id = await attr(app, '#reports-list li.report-item', 'data-id');
    assert.ok(id, 'the report has an id');
    assert.equal(await attr(app, '#reports-list li.report-item', 'data-state'), 'queued');
    assert.match((await texts(app, '#reports-list li.report-item')).join(''), /en attente d'envoi/);
    // Its photo, as kept on this device.
    await eventually(
      async () => (await app.execute(() => document.querySelector('#reports-list .photos img')?.naturalWidth ?? 0)) > 0,
      5000,
      'the photo in My reports',
    );
    await shot(app, 'resident-report-queued.png');

    // The town hall starts again where the app expects it: the report goes by
    // itself (the app's listener reconnects) and the town hall has it once.
    hall = await startTownHall(join(data.dir, 'server'), listen);
    await eventually(
      async () => (await attr(app, '#reports-list li.report-item', 'data-state')) === 'sent',
      45000,
      'the report sent when the server is back',
    );
    await eventually(
      async () => (await attr(app, '#reports-list li.report-item', 'data-status')) === 'received',
      15000,
      'its first status',
    );
    const onServer = (await staffReports()).filter((r) => r.report.id === id);
    assert.equal(onServer.length, 1, 'exactly once');
    assert.ok(onServer[0].report.location.position, 'the place\'s position');
    // Its photo arrived with no EXIF at all.
    const token = await staffToken(hall);
    const photos = await (await fetch(`${hall.url}/api/v1/admin/reports/${id}/photos`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(photos, ['1.jpg']);
    const photo = Buffer.from(
      await (await fetch(`${hall.url}/api/v1/admin/reports/${id}/photos/1.jpg`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer(),
    );
    assert.equal(photo[0], 0xff, 'a JPEG');
    assert.ok(!photo.includes('Exif'), 'no EXIF left');

    // A staff member plans the work in the console.
    const page = await browser.newPage({ locale: 'fr-FR' });
    await page.goto(`${hall.url}/console/`);
    await page.getByLabel('Identifiant').fill(hall.username);
    await page.getByLabel('Mot de passe').fill(hall.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#nav-reports').click();
    const row = page.locator(`#reports-table tr[data-id="${id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /Nid-de-poule/);
    await row.getByRole('button').click();
    await page.locator('#report-page').waitFor();
    // Staff see the photo (fetched with their token) on the report's page.
    await page.locator('#report-photos img').waitFor();
    assert.equal(await page.locator('#report-photos img').count(), 1);
    await page.waitForFunction(() => document.querySelector('#report-photos img')?.naturalWidth > 0);
    await page.locator('#rs-status').selectOption('planned');
    await page.locator('#rs-message').fill('Rebouchage prévu jeudi matin.');
    await page.locator('#rs-save').click();
    await page.locator('#report-history li', { hasText: 'Rebouchage prévu jeudi matin.' }).waitFor();
    const changed = Date.now();
    await page.screenshot({ path: join(artifacts, 'console-report-page.png'), fullPage: true });

    // The resident sees it (over the live stream), with a notification.
    await eventually(
      async () => (await attr(app, '#reports-list li.report-item', 'data-status')) === 'planned',
      10000,
      'the new status in the app',
    );
    const seenAfter = Date.now() - changed;
    const item = (await texts(app, '#reports-list li.report-item')).join('');
    assert.match(item, /intervention prévue/);
    assert.match(item, /Rebouchage prévu jeudi matin\./);
    await eventually(
      () => notifications().includes('Votre signalement : intervention prévue'),
      5000,
      'a desktop notification',
    );
    console.log(`status seen in the app ${seenAfter} ms after the console saved it`);
    await shot(app, 'resident-reports.png');
    await page.close();
  } finally {
    await app.deleteSession();
  }
});
