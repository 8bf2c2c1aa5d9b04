// Alerts end to end: a staff member publishes in the console (Chromium), the
// resident window (Tauri through tauri-driver) shows it and a native
// notification is shown (dunst, on the test's private D-Bus session); the
// server restarts mid-stream; an alert sent while the app is closed appears at
// the next start; a cancellation leaves the active list.
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  artifacts,
  axeViolationsInPage,
  contrast,
  eventually,
  firstRunInNice,
  freePort,
  launchChromium,
  notifications,
  openApp as openWindow,
  screenshot as shot,
  startTauriDriver,
  startTownHall,
  stopChild,
  tempDir,
  texts,
} from './harness.mjs';

let hall, data, driver, port, browser, page, listen;

before(async () => {
  data = tempDir('alerts');
  listen = `127.0.0.1:${await freePort()}`;
  hall = await startTownHall(join(data.dir, 'server'), listen);
  ({ port, child: driver } = await startTauriDriver());
  browser = await launchChromium();
  page = await browser.newPage({ locale: 'fr-FR' });
  page.on('dialog', (d) => d.accept());
  await page.goto(`${hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(hall.username);
  await page.getByLabel('Mot de passe').fill(hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('#nav-alerts').click();
});

after(async () => {
  await browser?.close();
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

const openApp = () => openWindow(port, ['--server', hall.url, '--data', join(data.dir, 'resident')]);

/** Composes a severe alert for the whole territory in the console and publishes it. */
async function publishInConsole(headline) {
  await page.locator('#alert-new').click();
  await page.locator('#alert-event').fill('Confinement');
  await page.locator('#alert-event-code').fill('confinement');
  await page.locator('#alert-headline-fr').fill(headline);
  await page.locator('#alert-description-fr').fill('Les déplacements sont limités au strict nécessaire.');
  await page.locator('#alert-instruction-fr').fill('Munissez-vous d’une attestation.');
  await chooseSevereForTheTerritory();
  await page.locator('#alert-save').click();
  const preview = page.locator('#alert-preview');
  await preview.waitFor();
  assert.match(await preview.innerText(), new RegExp(headline));
  await page.locator('#alert-publish').click();
  await page.locator('#alert-confirm-publish').click();
  await page.locator('#alerts-table tr[data-state="active"]', { hasText: headline }).waitFor();
  return Date.now();
}

/** The choices the console makes the agent take (none has a default). */
async function chooseSevereForTheTerritory() {
  await page.locator('#alert-category').selectOption('health');
  await page.locator('#alert-severity').selectOption('severe');
  await page.locator('#alert-urgency').selectOption('immediate');
  await page.locator('#alert-certainty').selectOption('observed');
  await page.locator('#alert-territory').check();
}

/** The shared link read in a phone-sized browser with scripts off, then checked by axe-core. */
async function publicPage(link, headline) {
  const plain = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB', viewport: { width: 360, height: 800 } });
  try {
    const p = await plain.newPage();
    const resp = await p.goto(link);
    assert.equal(resp.status(), 200);
    assert.equal(await p.locator('h1').innerText(), headline);
    assert.equal(await p.locator('meta[property="og:title"]').getAttribute('content'), headline);
    assert.match(await p.locator('#level').innerText(), /Emergency: act now/);
    assert.equal(await p.locator('html').getAttribute('lang'), 'en');
    await p.screenshot({ path: join(artifacts, 'public-alert-page.png'), fullPage: true });
  } finally {
    await plain.close();
  }
  const checked = await browser.newContext({ locale: 'fr-FR', viewport: { width: 360, height: 800 } });
  try {
    const p = await checked.newPage();
    await p.goto(link);
    assert.equal(await p.evaluate(() => document.scripts.length), 0);
    assert.deepEqual(await axeViolationsInPage(p), []);
    // Nothing wider than the phone's screen.
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${width} px wide`);
  } finally {
    await checked.close();
  }
}

test('publish in the console, see it in the app within 2 s, through a restart, after a closed app, until cancelled', async () => {
  let app = await openApp();
  try {
    await firstRunInNice(app);

    // Live: the banner shows the alert within 2 seconds of publishing.
    const sent = await publishInConsole('Confinement renforcé dès midi');
    await eventually(
      async () => (await texts(app, '#alert-banner')).join(' ').includes('Confinement renforcé dès midi'),
      5000,
      'the banner',
    );
    const latency = Date.now() - sent;
    assert.ok(latency < 2000, `shown ${latency} ms after publishing`);
    // The console links to the alert's public page, for agents to post it elsewhere.
    const publicHref = await page
      .locator('#alerts-table tr[data-state="active"]', { hasText: 'Confinement renforcé dès midi' })
      .locator('a.public-link')
      .getAttribute('href');
    assert.match(publicHref, /^\/alerts\/[^/]+$/);
    assert.match(await (await fetch(`${hall.url}${publicHref}`)).text(), /<h1 id="headline"[^>]*>Confinement renforcé dès midi<\/h1>/);
    await eventually(
      () => notifications().includes('Confinement renforcé dès midi'),
      5000,
      'a desktop notification',
    );
    await shot(app, 'resident-alert-banner.png');

    // The inbox and the alert page, with its instructions.
    await (await app.$('#nav-alerts')).click();
    await eventually(async () => (await texts(app, '#alerts-active li')).length === 1, 5000, 'the inbox');
    // The unread count stays readable on the current tab (WCAG AA: 4.5:1).
    const [fg, bg] = await app.execute(() => [
      getComputedStyle(document.querySelector('#alerts-unread')).color,
      getComputedStyle(document.querySelector('#nav-alerts')).backgroundColor,
    ]);
    assert.ok(contrast(fg, bg) >= 4.5, `unread count ${fg} on ${bg}: ${contrast(fg, bg).toFixed(2)}:1`);
    await (await app.$('#alerts-active li button')).click();
    await (await app.$('#alert-page')).waitForExist({ timeout: 5000 });
    assert.match(await (await app.$('#alert-instruction')).getText(), /attestation/);
    await shot(app, 'resident-alert-page.png');

    // Share: the alert's public link, copied, which anyone opens in a
    // browser with no app and no script, in their language.
    await (await app.$('#alert-share')).click();
    await (await app.$('#alert-link')).waitForExist({ timeout: 5000 });
    const link = await (await app.$('#alert-link')).getValue();
    assert.match(link, new RegExp(`^${hall.url}/alerts/[A-Za-z0-9._~%-]+$`));
    assert.match(await (await app.$('#alert-share-note')).getText(), /Lien copié/);
    await publicPage(link, 'Confinement renforcé dès midi');
    await (await app.$('#alert-back')).click();
    // It is on the system's clipboard: pasted into a field, it is the link.
    await (await app.$('#nav-directory')).click();
    const search = await app.$('#directory-search');
    await search.waitForExist({ timeout: 5000 });
    await search.click();
    await app.keys(['Control', 'v']);
    await eventually(async () => (await search.getValue()) === link, 5000, 'the link pasted');
    await search.clearValue();
    await (await app.$('#nav-alerts')).click();
    await (await app.$('#alerts-active li button')).click();
    await (await app.$('#alert-page')).waitForExist({ timeout: 5000 });
    await (await app.$('#alert-back')).click();
    // The banner is not on the alerts tab; elsewhere it is one line, and the
    // resident can hide it (until the alert changes).
    const banners = () => app.execute(() => document.querySelectorAll('#alert-banner').length);
    assert.equal(await banners(), 0);
    await (await app.$('#nav-directory')).click();
    await eventually(async () => (await banners()) === 1, 5000, 'the banner on the directory');
    assert.equal(await app.execute(() => document.querySelectorAll('#alert-banner p').length), 1);
    await (await app.$('#alert-banner-dismiss')).click();
    await eventually(async () => (await banners()) === 0, 5000, 'the banner hidden');
    await (await app.$('#nav-alerts')).click();

    // The server restarts mid-stream; an alert sent after it is back arrives.
    await hall.stop();
    hall = await startTownHall(join(data.dir, 'server'), listen);
    await publishInConsole('Couvre-feu à 18 h');
    await eventually(
      async () => (await texts(app, '#alerts-active li')).some((t) => t.includes('Couvre-feu à 18 h')),
      20000,
      'the alert sent after the restart',
    );
  } finally {
    await app.deleteSession();
  }

  // Sent while the app is closed: there at the next start.
  await publishInConsole('Marchés fermés samedi');
  app = await openApp();
  try {
    await (await app.$('#nav-alerts')).waitForExist({ timeout: 20000 });
    await (await app.$('#nav-alerts')).click();
    await eventually(
      async () => (await texts(app, '#alerts-active li')).some((t) => t.includes('Marchés fermés samedi')),
      15000,
      'the alert sent while the app was closed',
    );
    assert.equal((await texts(app, '#alerts-active li')).length, 3);

    // Cancelled in the console: it is an all-clear now, in green among the
    // alerts in force for some hours (then in the history: unit-tested in
    // the core), and no longer in the banner.
    await page.locator('#alerts-table tr', { hasText: 'Couvre-feu à 18 h' }).locator('.cancel-btn').click();
    await page.locator('#alerts-table tr[data-state="cancelled"]', { hasText: 'Couvre-feu à 18 h' }).waitFor();
    await eventually(
      async () => (await texts(app, '#alerts-active li[data-level="all-clear"][data-state="cancelled"]')).some((t) => t.includes('Couvre-feu à 18 h')),
      5000,
      'the cancelled alert shown as an all-clear',
    );
    assert.match((await texts(app, '#alerts-active li[data-level="all-clear"]')).join(' '), /Fin d.alerte/);
    await shot(app, 'resident-alerts.png');
    await page.screenshot({ path: join(artifacts, 'console-alerts.png'), fullPage: true });
  } finally {
    await app.deleteSession();
  }
});

test('the console makes the agent choose, confirms what goes to whom, and warns of duplicates and missing languages', async () => {
  await page.locator('#nav-alerts').click();
  const compose = async (headline) => {
    await page.locator('#alert-new').click();
    // The focus goes to the form's first field.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'alert-event');
    await page.locator('#alert-event').fill('Fuite de gaz');
    await page.locator('#alert-headline-fr').fill(headline);
    await page.locator('#alert-description-fr').fill('Évitez la rue de France.');
  };
  // Nothing severe by default: saving without choosing is stopped by the form.
  await compose('Fuite de gaz rue de France');
  await page.locator('#alert-save').click();
  assert.equal(await page.locator('#alert-severity').evaluate((e) => e.validity.valueMissing), true);
  assert.equal(await page.locator('#alert-preview').count(), 0);

  await page.locator('#alert-category').selectOption('safety');
  await page.locator('#alert-severity').selectOption('moderate');
  await page.locator('#alert-urgency').selectOption('expected');
  await page.locator('#alert-certainty').selectOption('likely');
  await page.locator('#alert-some-communes').check();
  await page.locator('#alert-form input[data-code="06088"]').check();
  await page.locator('#alert-save').click();
  // The preview says which languages have no text.
  const missing = page.locator('#alert-preview-missing');
  await missing.waitFor();
  assert.match(await missing.innerText(), /English, Italiano/);

  // The confirmation says what goes to whom; going back publishes nothing.
  await page.locator('#alert-publish').click();
  const dialog = page.locator('#alert-confirm');
  await dialog.waitFor();
  assert.match(await page.locator('#alert-confirm-area').innerText(), /Nice/);
  assert.match(await dialog.innerText(), /Modérée/);
  assert.match(await page.locator('#alert-confirm-warnings').innerText(), /English, Italiano/);
  await page.screenshot({ path: join(artifacts, 'console-alert-confirm.png') });
  await page.locator('#alert-confirm-back').click();
  assert.equal(await dialog.isVisible(), false);
  assert.equal(await page.locator('#alerts-table tr[data-state="draft"]', { hasText: 'Fuite de gaz rue de France' }).count(), 1);
  await page.locator('#alert-publish').click();
  await page.locator('#alert-confirm-publish').click();
  await page.locator('#alerts-table tr[data-state="active"]', { hasText: 'Fuite de gaz rue de France' }).waitFor();

  // The same alert again: the confirmation warns before anything is sent.
  await compose('Fuite de gaz rue de France');
  await chooseSevereForTheTerritory();
  await page.locator('#alert-save').click();
  await page.locator('#alert-publish').click();
  assert.match(await page.locator('#alert-confirm-warnings').innerText(), /dit déjà la même chose/);
  assert.match(await page.locator('#alert-confirm-area').innerText(), /Tout le territoire/);
  await page.locator('#alert-confirm-back').click();
  assert.equal(await page.locator('#alerts-table tr[data-state="active"]', { hasText: 'Fuite de gaz rue de France' }).count(), 1);
});
