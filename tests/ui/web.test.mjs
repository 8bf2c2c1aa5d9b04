// The resident web app (served at / by the town hall's server) in Debian's
// Chromium emulating phones: the first visit, alerts live and verified in the
// browser, a forged alert not shown, the shared link, the history's back, the
// app opening offline from its service worker, a push delivered to that
// worker (through the DevTools protocol) shown as the right alert, and
// installability; the rules read once at a time, never an older answer over a newer
// one. Screens are checked for horizontal scroll and touch-target
// size at 360 and 390 px wide.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { artifacts, axeViolationsInPage, eventually, importPlaces, launchChromium, publishAlert, repoRoot, staffToken, startTownHall, tempDir } from './harness.mjs';

// A demo town hall with the Monaco places, and Chromium.
const f = {};
before(async () => {
  f.data = tempDir('web');
  importPlaces(join(f.data.dir, 'server'));
  // A Monday morning, when some bakeries are open and some not, whatever
  // the day the tests run.
  f.hall = await startTownHall(join(f.data.dir, 'server'), '127.0.0.1:0', ['--clock', '2026-11-23T10:00:00+01:00']);
  f.browser = await launchChromium();
});
after(async () => {
  await f.browser?.close();
  await f.hall?.stop();
  f.data?.cleanup();
});
const screenshots = join(repoRoot, 'docs/screenshots');

const PHONES = {
  small: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 },
  large: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 },
};

function phone(size, extra = {}) {
  return f.browser.newContext({ ...PHONES[size], isMobile: true, hasTouch: true, locale: 'fr-FR', serviceWorkers: 'allow', ...extra });
}

/** Layout faults a phone shows: a page wider than the screen, controls smaller than 44 px. */
async function phoneFaults(page) {
  return page.evaluate(() => {
    const faults = [];
    if (document.documentElement.scrollWidth > window.innerWidth) {
      faults.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    }
    for (const el of document.querySelectorAll('button, input[type=search], input[type=url], label.choice, label.commune')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest('[hidden]')) continue;
      if (r.height < 44) faults.push(`${el.id || el.textContent.trim().slice(0, 30)}: ${Math.round(r.height)} px high`);
    }
    return faults;
  });
}

/** The town hall's staff writes a measure (a rule in force). */
async function writeMeasure(body) {
  const res = await fetch(`${f.hall.url}/api/v1/admin/measures`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await staffToken(f.hall)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.text());
}

/** The first visit: French, Nice chosen through the filter. */
async function chooseNice(page) {
  await page.goto(`${f.hall.url}/`);
  await page.locator('#web-setup').waitFor();
  await page.getByLabel('Chercher une commune').fill('nice');
  await page.getByRole('checkbox', { name: 'Nice', exact: true }).check();
  await page.locator('#setup-save').click();
  await page.locator('#web-status[data-online="true"]').waitFor();
}

test('a phone follows Nice: alerts arrive live and verified, open, go back, and share their public page', async () => {
  const ctx = await phone('large');
  const page = await ctx.newPage();
  await page.goto(`${f.hall.url}/`);
  await page.locator('#web-setup').waitFor();
  assert.equal(await page.locator('#communes-count').innerText(), 'Aucune commune choisie');
  await page.screenshot({ path: join(screenshots, 'web-first-visit.png') });
  // Nothing chosen: a clear error, nothing saved.
  await page.locator('#setup-save').click();
  assert.equal(await page.locator('#setup-error').innerText(), 'Choisissez au moins une commune.');
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await chooseNice(page);

  const token = await staffToken(f.hall);
  const sent = await publishAlert(f.hall, token, { headline: 'Fermeture des plages de Nice', area: { kind: 'communes', communes: ['06088'] } });
  // Another commune's alert is not for this resident.
  await publishAlert(f.hall, token, { headline: 'Route coupée à Èze', area: { kind: 'communes', communes: ['06059'] } });
  const item = page.locator('.alert-item', { hasText: 'Fermeture des plages de Nice' });
  await item.waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.alert-item', { hasText: 'Èze' }).count(), 0);
  assert.equal(await page.locator('#web-verified').innerText(), 'Chaque alerte affichée est vérifiée avec la clé de votre mairie.');
  assert.equal(await page.locator('#web-rejected').count(), 0);
  assert.deepEqual(await phoneFaults(page), []);
  await page.screenshot({ path: join(screenshots, 'web-alerts.png') });

  // Its page, then the phone's back to the list.
  await item.locator('button').first().click();
  assert.equal(await page.locator('#alert-headline').innerText(), 'Fermeture des plages de Nice');
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.screenshot({ path: join(screenshots, 'web-alert-page.png') });
  await page.locator('#alert-share').click();
  const link = await page.locator('#alert-link').inputValue();
  const thread = await page.locator('#alert-page').getAttribute('data-thread');
  assert.equal(link, `${f.hall.url}/alerts/${encodeURIComponent(thread)}`);
  await page.goBack();
  await item.waitFor();
  assert.equal(await item.getAttribute('data-read'), 'true');

  // The shared link opens the public page (rendered without JavaScript).
  const shared = await f.browser.newPage({ javaScriptEnabled: false, locale: 'fr-FR' });
  await shared.goto(link);
  assert.equal(await shared.locator('h1').innerText(), 'Fermeture des plages de Nice');
  await shared.close();

  // Cancelled: the list says so live.
  await sent.cancel();
  await eventually(async () => (await item.getAttribute('data-state')) === 'cancelled' || (await item.innerText()).includes('Fin'), 5000, 'the cancellation');
  await ctx.close();
});

test('the directory on a phone: search, open now, a place and back with the filters kept', async () => {
  const ctx = await phone('small');
  const page = await ctx.newPage();
  await chooseNice(page);
  await page.locator('#nav-directory').click();
  await page.locator('#directory-search').fill('boulangerie');
  const listed = () =>
    page.evaluate(() => [...document.querySelectorAll('#places-list li')].map((li) => [li.dataset.category, li.dataset.state]));
  await eventually(async () => {
    const items = await listed();
    return items.length >= 3 && items.every(([c]) => c === 'bakery');
  }, 10000, 'bakeries');
  const all = (await listed()).length;
  await page.locator('#filter-open-now').click();
  await eventually(async () => {
    const items = await listed();
    return items.length > 0 && items.length < all && items.every(([c, s]) => c === 'bakery' && s === 'open');
  }, 10000, 'open bakeries only');
  // "Nearest to my commune" measures from Nice (no town hall listed: its outline's centre).
  await eventually(() => page.evaluate(() => document.querySelector('#directory-order option[value="home"]')?.disabled === false), 5000, 'nearest to Nice');
  const { places } = await (await fetch(`${f.hall.url}/api/v1/directory`)).json();
  assert.ok(places > 400, `${places} places`);
  assert.equal(await page.locator('#directory-updated').innerText(), `Annuaire de la mairie : ${places} lieux, à jour.`);
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  // Checked at 360 px; the screenshots are at 390 x 844, as every other.
  await page.setViewportSize(PHONES.large.viewport);
  assert.deepEqual(await phoneFaults(page), []);
  await page.screenshot({ path: join(screenshots, 'web-directory.png') });

  await page.locator('#places-list li button').first().click();
  await page.locator('#place-name').waitFor();
  assert.match(await page.locator('#place-status').innerText(), /^Ouvert/);
  assert.equal(await page.locator('#place-week tr').count(), 7);
  assert.deepEqual(await phoneFaults(page), []);
  await page.screenshot({ path: join(screenshots, 'web-place.png') });
  await page.goBack();
  await page.locator('#filter-open-now[aria-pressed="true"]').waitFor();

  // A search too long is refused with a clear error, in French.
  const res = await page.evaluate(() =>
    fetch('/api/v1/directory/search', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept-Language': 'fr' },
      body: JSON.stringify({ text: 'x'.repeat(201), order: 'relevance' }),
    }).then(async (r) => [r.status, (await r.json()).error.message]),
  );
  assert.deepEqual(res, [400, 'La recherche est trop longue : 200 caractères au plus.']);
  await ctx.close();
});

test('a report with a photo filed offline waits in the page, goes once when back online, with no EXIF leaving the phone', async () => {
  const ctx = await phone('large');
  const page = await ctx.newPage();
  await chooseNice(page);
  // What the page sends, as it leaves the browser.
  const sent = [];
  await page.route('**/api/v1/reports', async (route) => {
    if (route.request().method() === 'POST') sent.push(route.request().postDataBuffer());
    await route.continue();
  });
  await ctx.setOffline(true);
  await page.locator('#report-open').click();
  await page.locator('#report-categories button[data-category="roads"]').click();
  await eventually(async () => (await page.locator('#report-form').getAttribute('data-step')) === '2', 5000, 'step 2');
  assert.match(await page.locator('#report-where-summary').innerText(), /votre commune, Nice/);
  // What is not a photo is refused, in French; a photo carrying GPS EXIF is taken.
  await page.locator('#report-photos').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('pas une photo') });
  await eventually(async () => (await page.locator('#report-error').innerText().catch(() => '')).includes("« notes.jpg » n'est pas une photo"), 10000, 'the refusal');
  await page.locator('#report-photos').setInputFiles(join(repoRoot, 'tests/fixtures/photo-with-gps.jpg'));
  await eventually(async () => (await page.locator('#report-photo-list li').count()) === 1, 10000, 'the photo attached');
  await page.locator('#report-description').fill('Nid-de-poule profond devant la gare, dangereux pour les deux-roues.');
  await page.locator('#report-answer-danger').fill('Oui');
  assert.deepEqual(await phoneFaults(page), []);
  await page.screenshot({ path: join(screenshots, 'web-report.png') });
  await page.locator('#report-send').click();

  // Kept in the page, waiting (its tries failed: the phone is offline).
  const item = page.locator('#reports-list li.report-item');
  await item.waitFor();
  assert.equal(await item.getAttribute('data-state'), 'queued');
  const id = await item.getAttribute('data-id');
  const token = await staffToken(f.hall);
  const onServer = async () =>
    (await (await fetch(`${f.hall.url}/api/v1/admin/reports`, { headers: { authorization: `Bearer ${token}` } })).json())
      .filter((r) => (r.report ?? r).id === id).length;
  assert.equal(await onServer(), 0);
  // It survives a reload while offline (the shell comes from the service worker).
  await page.reload();
  await page.locator('#nav-reports').click();
  await page.locator(`#reports-list li.report-item[data-id="${id}"][data-state="queued"]`).waitFor();
  await page.screenshot({ path: join(screenshots, 'web-reports.png') });

  // Back online: sent by itself, once, and its status comes back.
  await ctx.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator(`#reports-list li.report-item[data-id="${id}"][data-state="sent"]`).waitFor({ timeout: 15000 });
  await eventually(async () => (await item.getAttribute('data-status')) === 'received', 15000, 'its first status');
  assert.equal(await onServer(), 1, 'exactly once');
  // The town hall works on it: the page is told live (its stream follows the
  // report through a ticket), with no reload.
  const changed = await fetch(`${f.hall.url}/api/v1/admin/reports/${id}/status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'in_progress', message: 'Équipe en route.' }),
  });
  assert.equal(changed.status, 200);
  await eventually(async () => (await item.getAttribute('data-status')) === 'in_progress', 10000, 'the new status, live');
  // No EXIF left the phone: the request carried a JPEG drawn again in the page.
  assert.ok(sent.length >= 1);
  for (const body of sent) {
    assert.ok(!body.includes('Exif'), 'no EXIF in the upload');
    assert.ok(body.includes(Buffer.from([0xff, 0xd8, 0xff])), 'a JPEG in the upload');
  }
  await ctx.close();
});

test('an alert whose signed text was altered is not shown; the text shown is the signed one', async () => {
  const ctx = await phone('small');
  const page = await ctx.newPage();
  await chooseNice(page);
  const token = await staffToken(f.hall);
  await publishAlert(f.hall, token, { headline: 'Eau non potable à Nice', area: { kind: 'communes', communes: ['06088'] } });
  await page.locator('.alert-item', { hasText: 'Eau non potable à Nice' }).waitFor({ timeout: 5000 });

  // Something between the server and the browser changes the answer: the
  // server's copy of one alert, and the signed text of another.
  await publishAlert(f.hall, token, { headline: 'Distribution de masques', area: { kind: 'communes', communes: ['06088'] } });
  await page.route('**/api/v1/alerts/threads*', async (route) => {
    const res = await route.fetch();
    const threads = await res.json();
    for (const t of threads) {
      const headline = t.alert.message.texts[0].headline;
      if (headline === 'Eau non potable à Nice') t.alert.message.texts[0].headline = 'Eau potable, buvez';
      if (headline === 'Distribution de masques') {
        for (const s of t.signed) s.message = s.message.replace('Distribution de masques', 'Distribution annulée');
      }
    }
    await route.fulfill({ response: res, json: threads });
  });
  await page.reload();
  await page.locator('#web-rejected').waitFor();
  assert.match(await page.locator('#web-rejected').innerText(), /Une alerte n'a pas pu être vérifiée/);
  const list = await page.locator('#alerts-list, main').first().innerText();
  assert.doesNotMatch(list, /Distribution annulée|Distribution de masques/);
  assert.doesNotMatch(list, /Eau potable, buvez/);
  assert.match(list, /Eau non potable à Nice/);
  assert.deepEqual(await phoneFaults(page), []);
  // The page keeps reading (its stream reconnects); the altering ends first.
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await ctx.close();
});

test('installable; the app opens offline from its service worker; a push shows the right alert', async () => {
  const ctx = await phone('large');
  await ctx.grantPermissions(['notifications'], { origin: f.hall.url });
  const page = await ctx.newPage();
  await chooseNice(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await ctx.newCDPSession(page);

  // Installable: a manifest with a large enough icon, a service worker
  // controlling the page. (Chromium adds that a test's private context
  // cannot install anything.)
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
  const { errors, data } = await cdp.send('Page.getAppManifest');
  assert.deepEqual(errors, []);
  const manifest = JSON.parse(data);
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.display, 'standalone');
  assert.ok(manifest.icons.some((i) => parseInt(i.sizes, 10) >= 512), 'a 512 px icon');
  await eventually(() => page.evaluate(() => navigator.serviceWorker.controller !== null), 5000, 'a controlling worker');

  const token = await staffToken(f.hall);
  await publishAlert(f.hall, token, { headline: 'Vigilance orange orages', area: { kind: 'territory' }, severity: 'extreme' });
  await page.locator('.alert-item', { hasText: 'Vigilance orange orages' }).waitFor({ timeout: 5000 });

  // Offline: the page, its assets and the last alerts come from the browser.
  await page.reload();
  await page.locator('.alert-item', { hasText: 'Vigilance orange orages' }).waitFor();
  await ctx.setOffline(true);
  await page.reload();
  await page.locator('#web-status[data-online="false"]').waitFor();
  assert.match(await page.locator('#web-status').innerText(), /Hors ligne : voici les dernières alertes reçues/);
  await page.locator('.alert-item', { hasText: 'Vigilance orange orages' }).waitFor();
  await page.screenshot({ path: join(screenshots, 'web-offline.png') });
  await ctx.setOffline(false);

  // A push reaches the worker with the alert's id only: it fetches the
  // alert, verifies it and shows its headline.
  const thread = await page.locator('.alert-item', { hasText: 'Vigilance orange orages' }).getAttribute('data-thread');
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const reg = await eventually(() => registrations.find((r) => r.scopeURL === `${f.hall.url}/` && !r.isDeleted), 5000, 'the registration');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: f.hall.url,
    registrationId: reg.registrationId,
    data: JSON.stringify({ alert: thread, message: thread, cursor: 1 }),
  });
  const shown = await eventually(
    () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }))).then((l) => l.find((n) => n.tag === thread)),
    10000,
    'the notification',
  );
  assert.equal(shown.title, 'Vigilance orange orages');
  assert.match(shown.body, /^Extrême — Éloignez-vous de la zone\./);

  // A push for an alert that cannot be verified says only that one came.
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: f.hall.url,
    registrationId: reg.registrationId,
    data: JSON.stringify({ alert: 'urn:oid:forged', message: 'urn:oid:forged', cursor: 99 }),
  });
  const generic = await eventually(
    () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ body: n.body, tag: n.tag }))).then((l) => l.find((n) => n.tag === 'urn:oid:forged')),
    10000,
    'the generic notification',
  );
  assert.equal(generic.body, 'Nouvelle alerte de votre mairie : ouvrez Beffroi pour la lire.');

  // The settings: communes and push, at phone size.
  await page.locator('#settings-open').click();
  await page.locator('#web-push').waitFor();
  assert.deepEqual(await phoneFaults(page), []);
  await page.screenshot({ path: join(screenshots, 'web-settings.png'), fullPage: true });
  await page.screenshot({ path: join(artifacts, 'web-settings.png') });
  await ctx.close();
});

test('a phone shows the rules in force in its communes, live when they change, and offline', async () => {
  // A phone in Nice: times are said in its time zone.
  const ctx = await phone('small', { timezoneId: 'Europe/Paris' });
  await ctx.grantPermissions(['notifications'], { origin: f.hall.url });
  const page = await ctx.newPage();
  await chooseNice(page);
  // Outside a crisis there is no rule, and no section.
  assert.equal(await page.locator('#rules').count(), 0);

  // (The server's clock is fixed at 23 November 2026, 10:00.)
  await writeMeasure({ rule: { kind: 'masks', required: 'everywhere' }, since: '2026-11-01T00:00:00+01:00' });
  const rules = page.locator('#rules');
  // (Each page waits up to 5 s before asking: a change does not bring them all at once.)
  await rules.locator('li.rule[data-kind="masks"]').waitFor({ timeout: 15000 });
  await writeMeasure({
    rule: { kind: 'curfew', from: '21:00', until: '06:00' }, communes: ['06088'],
    texts: [{ lang: 'fr', text: 'Sorties avec attestation uniquement.' }],
    since: '2026-11-20T00:00:00+01:00', until: '2026-12-01T00:00:00+01:00',
  });
  const curfew = rules.locator('li.rule[data-kind="curfew"]');
  await curfew.waitFor({ timeout: 15000 });
  assert.equal(await rules.locator('h3').innerText(), 'Nice');
  assert.match(await curfew.innerText(), /^Couvre-feu de 21:00 à 06:00\nDepuis le 20 novembre 2026 à 00:00 · Jusqu'au 1 décembre 2026 à 00:00\nSorties avec attestation uniquement\.$/);
  assert.match(await rules.locator('li.rule[data-kind="masks"]').innerText(), /^Masque obligatoire partout \(Tout le territoire\)/);
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.screenshot({ path: join(screenshots, 'web-rules.png') });

  // The page closed, a push says the rules changed: the worker shows them
  // as the town hall says them now.
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await ctx.newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  const reg = await eventually(() => registrations.find((r) => r.scopeURL === `${f.hall.url}/` && !r.isDeleted), 5000, 'the registration');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: f.hall.url, registrationId: reg.registrationId, data: '{"measures":true}' });
  const shown = await eventually(
    () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }))).then((l) => l.find((n) => n.tag === 'measures')),
    10000,
    'the notification',
  );
  assert.equal(shown.title, 'Règles modifiées : Nice');
  assert.equal(shown.body, 'Nice : Couvre-feu de 21:00 à 06:00 · Masque obligatoire partout');

  // Offline, the page opens with the rules it had.
  await ctx.setOffline(true);
  await page.reload();
  await curfew.waitFor();
  assert.equal(await rules.locator('li.rule').count(), 2);
  await ctx.close();
});

test('two changes of the rules close together: an older answer never replaces a newer one', async () => {
  // (After the test above: Nice has its curfew and the masks.)
  const ctx = await phone('small', { timezoneId: 'Europe/Paris' });
  const page = await ctx.newPage();
  await chooseNice(page);
  const rules = page.locator('#rules');
  await rules.locator('li.rule[data-kind="curfew"]').waitFor({ timeout: 15000 });
  // The first reading after a change is slow: the server answers at once,
  // the answer reaches the page only when the test lets it.
  let release;
  const released = new Promise((r) => (release = r));
  let held = null;
  const finished = [];
  await ctx.route('**/api/v1/measures/in-force*', async (route) => {
    if (held) return route.continue();
    held = route.fetch();
    const answer = await held;
    await released;
    await route.fulfill({ response: answer });
    finished.push('held');
  });
  await writeMeasure({ rule: { kind: 'markets', open: false }, communes: ['06088'], since: '2026-11-20T00:00:00+01:00' });
  await eventually(async () => held !== null && (await held, true), 15000, 'the page reading the rules after the change');
  // A second change while that answer is on its way; each page waits up to 5 s before reading.
  await writeMeasure({ rule: { kind: 'gatherings', max_people: 6 }, communes: ['06088'], since: '2026-11-20T00:00:00+01:00' });
  await new Promise((r) => setTimeout(r, 6000));
  release();
  await eventually(() => finished.length === 1, 5000, 'the slow answer delivered');
  // Given the time to apply what it was given, the page shows the newest rules.
  await new Promise((r) => setTimeout(r, 1000));
  await rules.locator('li.rule[data-kind="gatherings"]').waitFor({ timeout: 10000 });
  assert.equal(await rules.locator('li.rule[data-kind="markets"]').count(), 1);
  await ctx.close();
});

test("a phone finds the local producers' direct sales and collection points", async () => {
  const token = await staffToken(f.hall);
  const place = (name, category, flags) => ({
    name, category, position: { lat: 43.7009, lon: 7.2683 }, address: { city: 'Nice', postcode: '06000' },
    phone: null, website: null, email: null, wheelchair: null, opening_hours: 'Mo-Sa 08:00-18:00', crisis: null,
    delivery: null, takeaway: null, drive_through: null, last_checked: null, ...flags,
  });
  for (const p of [
    place('Ferme des Collines', 'farm', { direct_sales: true }),
    place('Drive fermier du Ray', 'marketplace', { direct_sales: true, collection_point: true }),
  ]) {
    const res = await fetch(`${f.hall.url}/api/v1/admin/places`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(p),
    });
    assert.equal(res.status, 201, await res.text());
  }
  const ctx = await phone('small');
  const page = await ctx.newPage();
  await chooseNice(page);
  await page.locator('#nav-directory').click();
  const names = () => page.evaluate(() => [...document.querySelectorAll('#places-list li .name')].map((e) => e.textContent.trim()));
  await page.locator('#filter-direct-sales').click();
  // (The server reads new places within 5 s.)
  // Markets sell directly too (Monaco's, imported from OSM, among them).
  const categories = () => page.evaluate(() => [...document.querySelectorAll('#places-list li')].map((li) => li.dataset.category));
  await eventually(async () => {
    const n = await names();
    return n.includes('Ferme des Collines') && n.includes('Drive fermier du Ray');
  }, 15000, 'the two producers selling directly');
  assert.ok((await categories()).every((c) => ['farm', 'producer', 'marketplace'].includes(c)), `${await categories()}`);
  await page.locator('#filter-collection-point').click();
  await eventually(async () => JSON.stringify(await names()) === JSON.stringify(['Drive fermier du Ray']), 10000, 'the collection point');
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.locator('#places-list li button').first().click();
  await page.locator('#place-name').waitFor();
  assert.equal(await page.locator('#place-services').innerText(), 'Vente directe, Point de retrait');
  await ctx.close();
});

/** What an attacker with a publisher's account might paste into a page. */
const HOSTILE = [
  '## Piscines',
  'Fermées jusqu\'à nouvel ordre.',
  '<script>window.pwned = 1</script>',
  '<img src=x onerror="window.pwned = 2">',
  '[Réserver](javascript:window.pwned=3) · [Mairie](https://www.nice.fr)',
  '![suivi](https://tracker.example/pixel.gif)',
  '<iframe src="https://evil.example"></iframe>',
].join('\n\n');

test("a phone reads the town hall's advice, opens a page from an alert, offline too, and hostile Markdown stays inert", async () => {
  const ctx = await phone('small', { timezoneId: 'Europe/Paris' });
  const page = await ctx.newPage();
  const tracked = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(f.hall.url)) tracked.push(r.url());
  });
  await chooseNice(page);
  const token = await staffToken(f.hall);
  const res = await fetch(`${f.hall.url}/api/v1/admin/advice`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'piscines', communes: ['06088'], texts: [{ lang: 'fr', title: 'Piscines fermées', body: HOSTILE }] }),
  });
  assert.equal(res.status, 201, await res.text());

  // The list: the demo's pages and Nice's, the latest first (it came live).
  await page.locator('#nav-advice').click();
  const first = page.locator('#advice-list > li').first();
  await eventually(async () => (await first.getAttribute('data-id')) === 'piscines', 15000, 'the new page listed first');
  assert.equal(await page.locator('#advice-list > li').count(), 4);
  assert.match(await page.locator('#advice-list').innerText(), /Plan familial de mise en sûreté/);
  assert.equal(new URL(page.url()).hash, '#/advice');
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.screenshot({ path: join(screenshots, 'web-advice.png') });

  // The hostile page: its words readable, nothing runs, nothing is fetched.
  await first.locator('button').click();
  await page.locator('#advice-page[data-id="piscines"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'advice-page-title');
  const body = page.locator('#advice-body');
  assert.match(await body.innerText(), /<script>window\.pwned = 1<\/script>/, 'raw HTML reads as text');
  assert.equal(await body.locator('script, img, iframe').count(), 0);
  const hrefs = await body.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, [null, 'https://www.nice.fr'], 'the javascript: link lost its address');
  await body.getByText('Réserver').click();
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(tracked, [], 'no third party was asked for anything');

  // An alert linking to a page: the app opens its own copy.
  await publishAlert(f.hall, token, {
    headline: 'Crue : préparez-vous', area: { kind: 'territory' }, web: `${f.hall.url}/advice/plan-familial`,
  });
  await page.locator('#nav-alerts').click();
  await page.locator('.alert-item', { hasText: 'Crue : préparez-vous' }).click();
  await page.locator('#alert-advice').click();
  await page.locator('#advice-page[data-id="plan-familial"]').waitFor();
  assert.equal(new URL(page.url()).hash, '#/advice/plan-familial');
  assert.match(await page.locator('#advice-page-title').innerText(), /^Plan familial de mise en sûreté/);
  assert.ok(await page.locator('#advice-body li').count() > 3, 'its lists');
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.screenshot({ path: join(screenshots, 'web-advice-page.png'), fullPage: true });

  // Offline, the pages read as they were kept (a reload stays on its page).
  await page.evaluate(() => navigator.serviceWorker.ready);
  await ctx.setOffline(true);
  await page.reload();
  await page.locator('#advice-page[data-id="plan-familial"]').waitFor();
  await page.locator('#nav-advice').click();
  await page.locator('#advice-list > li[data-id="piscines"]').waitFor();
  await ctx.setOffline(false);
  await ctx.close();
});

test('a phone posts an offer offline, sent once when back; after moderation a neighbour reads it nearest first and answers; the author reads the answer', async () => {
  const ctx = await phone('small');
  const page = await ctx.newPage();
  await chooseNice(page);
  await page.locator('#nav-aid').click();
  await page.locator('#aid-title').waitFor();
  assert.equal(new URL(page.url()).hash, '#/aid');

  // Offline: the offer waits in the page.
  await ctx.setOffline(true);
  await page.locator('#aid-new-kind').selectOption('company');
  await page.locator('#aid-text').fill('Je téléphone volontiers aux personnes seules, en fin de journée');
  await page.locator('#aid-publish').click();
  await page.locator('#aid-notice', { hasText: "enregistrée sur l'appareil" }).waitFor();
  const queued = page.locator('#aid-mine li[data-state="queued"]');
  await queued.waitFor();
  const id = await queued.getAttribute('data-id');
  const token = await staffToken(f.hall);
  const pending = async () =>
    (await (await fetch(`${f.hall.url}/api/v1/admin/aid?state=pending`, { headers: { authorization: `Bearer ${token}` } })).json())
      .filter((p) => p.post.id === id).length;
  assert.equal(await pending(), 0);

  // Back online: sent once, waiting for moderation.
  await ctx.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.locator(`#aid-mine li[data-id="${id}"][data-state="pending"]`).waitFor({ timeout: 30000 });
  assert.equal(await pending(), 1, 'exactly once');
  // A bad one, online: refused at once, in French, nothing kept.
  await page.locator('#aid-text').fill('Appelez-moi au 06 12 34 56 78');
  await page.locator('#aid-publish').click();
  await page.locator('#aid-error', { hasText: 'Partager mon contact' }).waitFor();

  const approved = await fetch(`${f.hall.url}/api/v1/admin/aid/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  assert.equal(approved.status, 200);

  // A neighbour's phone: the post, nearest first, and an answer.
  const other = await phone('large');
  const neighbour = await other.newPage();
  await chooseNice(neighbour);
  await neighbour.locator('#nav-aid').click();
  const card = neighbour.locator(`#aid-list li[data-id="${id}"]`);
  await card.waitFor();
  // Placed by its commune only: said to be in Nice, with no distance to a centre.
  assert.match(await card.innerText(), /Propose\s+Compagnie, appel\s+Nice\n/);
  assert.doesNotMatch(await card.innerText(), / km/);
  await card.getByRole('button', { name: 'Répondre' }).click();
  await neighbour.locator(`#answer-${id}`).fill('Ma grand-mère serait contente, elle habite près du port');
  await card.getByRole('button', { name: 'Envoyer' }).click();
  await neighbour.locator('#aid-conversations li[data-thread]').waitFor();
  assert.match(await neighbour.locator('#aid-notice').innerText(), /Message envoyé/);
  assert.deepEqual(await phoneFaults(neighbour), []);
  assert.deepEqual(await axeViolationsInPage(neighbour), []);
  await neighbour.evaluate(() => window.scrollTo(0, 0));
  await neighbour.screenshot({ path: join(screenshots, 'web-aid.png') });
  await other.close();

  // The author reads it (the screen asks again while it is open).
  await page.locator('#aid-conversations li[data-thread]', { hasText: 'Ma grand-mère serait contente' }).waitFor({ timeout: 30000 });
  await page.locator(`#aid-mine li[data-id="${id}"][data-state="published"]`).waitFor();
  assert.deepEqual(await phoneFaults(page), []);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await ctx.close();
});
