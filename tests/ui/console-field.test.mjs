// The console's field tab on a tablet, in a real Chromium against a real
// server, in French, with the device's position given by the browser: an
// agent sets up a preset button (a category and a text) once; with the tab
// open, one tap files a report at the position, marked as filed by the
// agent; without a network the tap keeps it on the device, and it goes,
// once, when the network comes back. The buttons stay on the device across
// a reload. At 360 px nothing scrolls sideways; axe finds nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, axeViolationsInPage, consoleFixture, eventually, staffToken } from './harness.mjs';

const f = consoleFixture('console-field', { before, after });
// Place Masséna, Nice.
const AT = { latitude: 43.6961, longitude: 7.2718, accuracy: 12 };

test('a field agent files a report in one tap at their position, online and offline', { timeout: 90000 }, async () => {
  const ctx = await f.browser.newContext({ locale: 'fr-FR', geolocation: AT, permissions: ['geolocation'], viewport: { width: 800, height: 1000 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  await page.goto(`${f.hall.url}/console/#/field`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('#field-title').waitFor();
  assert.equal(await page.locator('#nav-field').getAttribute('aria-current'), 'page');
  await page.locator('#field-position', { hasText: 'Position connue à 12 m près' }).waitFor();

  // Set up once: a category with no required question, and a text.
  assert.equal(await page.locator('#field-setup').getAttribute('open'), '', 'open while there is no button');
  assert.equal(await page.locator('#field-category option[value="mutual-aid"]').count(), 0, 'a category that needs an answer is not offered');
  await page.locator('#field-category').selectOption('cleanliness');
  await page.locator('#field-text').fill('Dépôt sauvage constaté par un agent');
  await page.locator('#field-add').click();
  const button = page.locator('#field-presets button.preset');
  await button.waitFor();

  // A reload keeps the tab and the button; the tab open, one tap files.
  await page.reload();
  await button.waitFor();
  await page.locator('#field-position', { hasText: 'Position connue' }).waitFor();
  const token = await staffToken(f.hall);
  const reports = async () =>
    (await fetch(`${f.hall.url}/api/v1/admin/reports?limit=100`, { headers: { authorization: `Bearer ${token}` } })).json();
  const before = (await reports()).length;
  await button.click();
  await page.locator('#field-notice', { hasText: 'Signalement « Propreté, dépôts sauvages » envoyé à la mairie.' }).waitFor();
  const list = await reports();
  assert.equal(list.length, before + 1, 'one tap, one report');
  const filed = list.find((r) => r.report.description === 'Dépôt sauvage constaté par un agent');
  assert.equal(filed.report.filed_by, f.hall.username);
  assert.deepEqual(filed.report.location.position, { lat: AT.latitude, lon: AT.longitude });
  assert.equal(filed.report.commune, '06088');

  // No network: kept on the device, then sent once when it is back.
  await ctx.setOffline(true);
  await button.click();
  await page.locator('#field-waiting', { hasText: 'Un signalement attend le réseau.' }).waitFor();
  await page.setViewportSize({ width: 360, height: 800 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${width} px wide at 360 px`);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.screenshot({ path: join(artifacts, 'console-field.png'), fullPage: true });
  await ctx.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator('#field-waiting').waitFor({ state: 'detached' });
  await eventually(async () => (await reports()).length === before + 2, 10000, 'the queued report');
  await ctx.close();
});
