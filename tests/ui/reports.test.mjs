// Reports end to end: a resident files a report in the real window
// (tauri-driver) while the town hall's server is down, in three steps, with a
// photo carrying GPS EXIF and the place taken from the offline directory; the server starts and the report
// arrives, exactly once, without the resident doing anything, its photo with
// no EXIF left; a staff member
// changes its status in the console (Chromium); the resident sees the new
// status and its message, and a desktop notification (dunst, on the test's
// private D-Bus session).
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  artifacts,
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

test('filed offline in three steps, delivered once when the server is back, status from the console seen in the app', async () => {
  const app = await openApp(port, ['--server', hall.url, '--data', join(data.dir, 'resident')]);
  try {
    // First run while online: the directory and the report categories are synced.
    await firstRunInNice(app);

    // The town hall goes down.
    await hall.stop();
    await (await app.$('#sync-status button')).click();
    await eventually(async () => (await attr(app, '#sync-status', 'data-online')) === 'offline', 15000, 'offline');

    // Step 1: what.
    await (await app.$('#nav-reports')).click();
    assert.match((await texts(app, '#reports-none')).join(''), /rien signalé/);
    await (await app.$('#reports-new')).click();
    await (await app.$('#report-form')).waitForExist({ timeout: 5000 });
    assert.equal(await attr(app, '#report-form', 'data-step'), '1');
    // Going on without a choice says what is missing.
    await (await app.$('#report-next')).click();
    assert.match((await texts(app, '#report-error')).join(''), /type de problème/);
    const labels = await texts(app, '#report-form label.choice');
    assert.ok(labels.some((l) => l.includes('Voirie et trottoirs')), labels.join('|'));
    await (await app.$('input[name="category"][value="roads"]')).click();
    await (await app.$('#report-next')).click();

    // Step 2: describe (the category's question too).
    await eventually(async () => (await attr(app, '#report-form', 'data-step')) === '2', 5000, 'step 2');
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
    await (await app.$('#report-next')).click();

    // Step 3: where — a place found in the offline directory.
    await eventually(async () => (await attr(app, '#report-form', 'data-step')) === '3', 5000, 'step 3');
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
    await (await app.$('#report-place-search')).setValue('pharmacie');
    await eventually(async () => (await texts(app, '#report-place-results li')).length > 0, 5000, 'places found offline');
    await (await app.$('#report-place-results li button')).click();
    await (await app.$('#report-place-chosen')).waitForExist({ timeout: 5000 });
    await shot(app, 'resident-report-step3.png');
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
    assert.equal((await staffReports()).length, 1);
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
