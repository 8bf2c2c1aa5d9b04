// The rules in force on the resident's home screen, in the real window
// (tauri-driver): the town hall's measures for home, synced and shown with
// their period; a new one arrives live (the stream's `measures` event), is
// notified (dunst, on the test's D-Bus session) and shown without a
// reload; axe-core finds no serious or critical violation. Then the town
// hall's advice pages: listed, opened from an alert's link from the app's
// own copy, and read with the town hall out of reach.
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  axeViolations,
  eventually,
  firstRunInNice,
  notifications,
  openApp,
  publishAlert,
  screenshot,
  staffToken,
  texts,
  appFixture,
} from './harness.mjs';

// A desktop in Nice: times are said in its time zone (the window, started
// by tauri-driver, inherits it).
process.env.TZ = 'Europe/Paris';
// The app's clock: a Monday in November 2026 (the measures below are in force then).
const CLOCK = '2026-11-23T10:00:00+01:00';
const f = appFixture('rules', { before, after });

async function writeMeasure(token, body) {
  const res = await fetch(`${f.hall.url}/api/v1/admin/measures`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.text());
}

test("the home screen shows home's rules in force, and a new one arrives live and is notified", async () => {
  const token = await staffToken(f.hall);
  await writeMeasure(token, { rule: { kind: 'masks', required: 'indoors' }, since: '2026-11-01T00:00:00+01:00' });
  f.app = await openApp(f.port, ['--server', f.hall.url, '--data', join(f.data.dir, 'resident'), '--clock', CLOCK]);
  await firstRunInNice(f.app);
  const rule = (kind) => f.app.$(`#rules li.rule[data-kind="${kind}"]`);
  await (await rule('masks')).waitForExist({ timeout: 15000 });
  assert.deepEqual(await texts(f.app, '#rules h3'), ['Nice']);
  assert.match(await (await rule('masks')).getText(), /^Masque obligatoire en intérieur \(Tout le territoire\)\s+Depuis le 1 novembre 2026/);

  await writeMeasure(token, {
    rule: { kind: 'gatherings', max_people: 6 }, communes: ['06088'],
    texts: [{ lang: 'fr', text: 'Dans la rue comme dans les parcs.' }],
    since: '2026-11-20T00:00:00+01:00',
  });
  await (await rule('gatherings')).waitForExist({ timeout: 15000 });
  assert.match(await (await rule('gatherings')).getText(), /^Rassemblements limités à 6 personnes\s+Depuis le 20 novembre 2026[^\n]*\s+Dans la rue comme dans les parcs\.$/);
  // Ordered: the most constraining first (masks before gatherings).
  assert.deepEqual(
    await f.app.execute(() => [...document.querySelectorAll('#rules li.rule')].map((e) => e.dataset.kind)),
    ['masks', 'gatherings'],
  );
  await eventually(() => notifications().includes('Règles modifiées : Nice'), 15000, 'the notification');
  assert.deepEqual(await axeViolations(f.app), []);
  await screenshot(f.app, 'rules-home.png');
});

test("the advice pages: listed, opened from an alert's link, read with the town hall gone", async () => {
  const token = await staffToken(f.hall);
  await publishAlert(f.hall, token, {
    headline: 'Épidémie : les bons gestes', area: { kind: 'territory' }, severity: 'moderate',
    web: `${f.hall.url}/advice/gestes-barrieres`,
  });
  await (await f.app.$('#nav-advice')).click();
  await eventually(async () => (await f.app.$$('#advice-list > li')).length === 3, 15000, "the demo's three pages");
  assert.match((await texts(f.app, '#advice-list li strong')).join('\n'), /Plan familial de mise en sûreté/);
  // A new page for Nice appears on the open screen by itself.
  const res = await fetch(`${f.hall.url}/api/v1/admin/advice`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'piscines', communes: ['06088'], texts: [{ lang: 'fr', title: 'Piscines fermées', body: "Jusqu'à nouvel ordre." }] }),
  });
  assert.equal(res.status, 201, await res.text());
  await eventually(async () => (await f.app.$$('#advice-list > li')).length === 4, 15000, 'the new page, live');
  assert.equal(await (await f.app.$('#advice-list > li')).getAttribute('data-id'), 'piscines', 'the latest first');
  assert.deepEqual(await axeViolations(f.app), []);
  await screenshot(f.app, 'advice.png');

  // The alert's "more" is the town hall's own page: the app opens its copy.
  await (await f.app.$('#nav-alerts')).click();
  const item = await f.app.$('li.alert-item*=Épidémie : les bons gestes');
  await item.waitForExist({ timeout: 15000 });
  await (await item.$('button')).click();
  await (await f.app.$('#alert-advice')).click();
  const page = await f.app.$('#advice-page[data-id="gestes-barrieres"]');
  await page.waitForExist({ timeout: 10000 });
  assert.match(await (await f.app.$('#advice-page-title')).getText(), /^Les gestes barrières/);
  assert.ok((await f.app.$$('#advice-body li')).length > 3, 'its lists');
  assert.deepEqual(await axeViolations(f.app), []);
  await screenshot(f.app, 'advice-page.png');

  // The town hall out of reach: the pages still read, rendered on the device.
  await f.hall.stop();
  await (await f.app.$('#advice-back')).click();
  await (await f.app.$('#advice-list li[data-id="plan-familial"] button')).click();
  await (await f.app.$('#advice-page[data-id="plan-familial"]')).waitForExist({ timeout: 10000 });
  assert.match(await (await f.app.$('#advice-body')).getText(), /Trousse|kit/i);
});
