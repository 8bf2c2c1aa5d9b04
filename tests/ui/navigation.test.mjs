// The resident window at a phone's width (360 px), through tauri-driver:
// every screen fits with no sideways scroll, and the system's back (as the
// Android back button and a browser's back) goes to the previous screen,
// forward comes back.
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { appFixture, eventually, firstRunInNice, openApp, publishAlert, staffToken } from './harness.mjs';

const f = appFixture('navigation', { before, after }, { places: true });
let app;

/** Waits for `selector`, and checks nothing is wider than the window. */
async function shows(selector, what) {
  await eventually(async () => (await app.$$(selector)).length > 0, 10000, what);
  const overflow = await app.execute(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: ${overflow} px wider than the window`);
}

async function gone(selector, what) {
  await eventually(async () => (await app.$$(selector)).length === 0, 10000, what);
}

const hash = () => app.execute(() => location.hash);

test('at 360 px every screen fits, and back and forward go through the screens', async () => {
  const token = await staffToken(f.hall);
  await publishAlert(f.hall, token, { headline: 'Coupure d’eau rue de France', area: { kind: 'communes', communes: ['06088'] } });
  app = f.app = await openApp(f.port, ['--server', f.hall.url, '--data', join(f.data.dir, 'resident')]);
  await app.setWindowSize(360, 740);
  await eventually(async () => (await app.execute(() => window.innerWidth)) <= 400, 5000, 'a 360 px window');
  await firstRunInNice(app);
  await shows('#directory-search', 'the directory');
  assert.equal(await hash(), '#/directory');
  // The section tabs leave the screen to the content: two rows at most (they
  // took three), each tab a 44 px touch target.
  const tabs = await app.execute(() =>
    [...document.querySelectorAll('nav.tabs button')].map((b) => {
      const r = b.getBoundingClientRect();
      return { top: Math.round(r.top), height: r.height, id: b.id };
    }),
  );
  assert.equal(tabs.length, 6, 'six section tabs');
  const rows = new Set(tabs.map((b) => b.top)).size;
  assert.ok(rows <= 2, `the tabs take ${rows} rows at 360 px`);
  for (const b of tabs) assert.ok(b.height >= 44, `${b.id}: ${b.height} px high`);

  // A place's page, then back to the list (its search kept).
  await (await app.$('#directory-search')).setValue('pharmacie');
  // The list shows every place before the search, so wait for the search's
  // own results: clicking while the list is replaced clicks whatever comes
  // under the pointer (CI once saw no place's page open).
  await eventually(
    async () => {
      const categories = await app.execute(() => [...document.querySelectorAll('#places-list li')].map((li) => li.dataset.category));
      return categories.length > 0 && categories.every((c) => c === 'pharmacy');
    },
    10000,
    'the pharmacies found',
  );
  await (await app.$('#places-list li button')).click();
  await shows('#place-page', "a place's page");
  assert.match(await hash(), /^#\/directory\/place\//);
  await app.back();
  await gone('#place-page', 'back from the place');
  await shows('#places-list li', 'the list again');
  assert.equal(await (await app.$('#directory-search')).getValue(), 'pharmacie');

  // The alerts, an alert's page; back twice: the list, then the directory.
  await (await app.$('#nav-alerts')).click();
  await shows('#alerts-active li', 'the alerts');
  await (await app.$('#alerts-active li button')).click();
  await shows('#alert-page', "an alert's page");
  assert.match(await hash(), /^#\/alerts\/.+/);
  await app.back();
  await gone('#alert-page', 'back from the alert');
  await shows('#alerts-active li', 'the alerts again');
  assert.equal(await hash(), '#/alerts');
  await app.back();
  await shows('#directory-search', 'the directory again');
  // Forward: the alerts, then the alert's page.
  await app.forward();
  await shows('#alerts-active li', 'forward to the alerts');
  await app.forward();
  await shows('#alert-page', "forward to the alert's page");

  // The report form and the settings close with back too.
  await (await app.$('#report-open')).click();
  await shows('#report-form', 'the report form');
  assert.equal(await hash(), '#/reports/new');
  await app.back();
  await gone('#report-form', 'back from the report form');
  await (await app.$('#settings-open')).click();
  await shows('#first-run-title', 'the settings');
  assert.equal(await hash(), '#/settings');
  await app.back();
  await gone('#first-run-title', 'back from the settings');

  // The reports and the communes fit too.
  await (await app.$('#nav-reports')).click();
  await shows('#nav-reports[aria-current="page"]', 'the reports');
  await (await app.$('#nav-communes')).click();
  await shows('#communes-title', 'the communes');
  await app.back();
  await shows('#nav-reports[aria-current="page"]', 'back to the reports');
});
