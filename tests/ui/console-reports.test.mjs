// The console's reports page in a real Chromium: a request posted through
// Open311 (form-encoded, api_key) appears in the triage list; staff change its
// status with a public message, which the reporter's view then shows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, axeViolationsInPage, consoleFixture, staffToken } from './harness.mjs';

// Many reports from this one address in the second test.
const f = consoleFixture('console-reports', { before, after }, ['--reports-per-minute', '100000']);

test('an Open311 request appears in the triage list and staff change its status', async () => {
  const form = new URLSearchParams({
    api_key: f.hall.open311Key,
    service_code: 'cleanliness',
    description: 'Dépôt sauvage au pied du conteneur',
    address_string: 'Place Garibaldi, Nice',
    lat: '43.7009',
    long: '7.2814',
    email: 'voisin@example.org',
  });
  const created = await fetch(`${f.hall.url}/open311/v2/requests.json`, { method: 'POST', body: form });
  assert.equal(created.status, 201);
  const [{ service_request_id: id }] = await created.json();

  const page = await f.browser.newPage({ locale: 'fr-FR' });
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('#nav-reports').click();
  const row = page.locator(`#reports-table tr[data-id="${id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Dépôt sauvage/);

  // Filters: by status kind.
  await page.locator('#rf-status').selectOption('fixed');
  await page.locator('#rf-apply').click();
  await row.waitFor({ state: 'detached' });
  await page.locator('#rf-status').selectOption('open');
  await page.locator('#rf-apply').click();
  await row.waitFor();

  await row.getByRole('button').click();
  const report = page.locator('#report-page');
  await report.waitFor();
  assert.match(await report.innerText(), /voisin@example\.org/, 'staff see the contact');
  // The report has a URL of its own, opens above the list with the focus on
  // its title, and a refresh keeps it open.
  assert.equal(new URL(page.url()).hash, `#/reports/${id}`);
  const above = async () =>
    (await report.boundingBox()).y < (await page.locator('#reports-table').boundingBox()).y;
  assert.ok(await above(), 'the report above the list');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'report-title');
  await page.reload();
  await report.waitFor();
  assert.match(await report.innerText(), /voisin@example\.org/);
  assert.equal(await page.locator('#nav-reports').getAttribute('aria-current'), 'page');
  // A duplicate of a report that does not exist: refused, said in French.
  await page.locator('#rs-status').selectOption('duplicate');
  await page.locator('#rs-detail').fill('pas-un-signalement');
  await page.locator('#rs-save').click();
  const refused = page.locator('p.error[role="alert"]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /^Refusé par le serveur : .*pas-un-signalement/);
  await page.locator('#rs-status').selectOption('planned');
  await page.locator('#rs-message').fill('Enlèvement prévu demain matin.');
  await page.locator('#rs-save').click();
  await page.locator('#report-history li', { hasText: 'Enlèvement prévu demain matin.' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'console-reports.png'), fullPage: true });

  // Open311 shows the change, without the contact.
  const list = await (await fetch(`${f.hall.url}/open311/v2/requests/${id}.json`)).json();
  assert.equal(list[0].status, 'open');
  assert.equal(list[0].status_notes, 'Enlèvement prévu demain matin.');
  assert.ok(!JSON.stringify(list).includes('voisin@example.org'));
});

test('past one page, the list shows the next reports and the exports hold them all', async () => {
  // 230 more reports: the list's first page holds 200.
  const more = 230;
  for (let i = 0; i < more; i++) {
    const resp = await fetch(`${f.hall.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: crypto.randomUUID(),
        category: 'roads',
        description: `Nid-de-poule numéro ${i}`,
        location: { position: { lat: 43.7009, lon: 7.2683 } },
        commune: '06088',
        lang: 'fr',
        answers: { danger: 'non' },
      }),
    });
    assert.equal(resp.status, 201, await resp.text());
  }
  // One more, filed by an agent for a resident who came to the desk.
  const desk = await fetch(`${f.hall.url}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await staffToken(f.hall)}` },
    body: JSON.stringify({
      id: crypto.randomUUID(), category: 'roads', description: 'Signalé au guichet', commune: '06088', lang: 'fr',
      location: { position: { lat: 43.7009, lon: 7.2683 } }, answers: { danger: 'non' },
    }),
  });
  assert.equal(desk.status, 201, await desk.text());
  const total = more + 2; // and the first test's
  const page = await f.browser.newPage({ locale: 'fr-FR', acceptDownloads: true });
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('#nav-reports').click();
  const rows = page.locator('#reports-table tbody tr');
  await page.locator('#reports-more').waitFor();
  assert.equal(await rows.count(), 200);

  // The CSV export holds every report the filters match, not the page shown.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#reports-csv').click()]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(csv.length, 1 + total, 'a header and every report');
  // Who filed a report for a resident is in it; a resident's own has no one there.
  assert.equal(csv[0], 'id,received_at,category,commune,status,description,address,lat,lon,filed_by');
  // (The last column: a description's commas come before it.)
  const filedBy = (line) => line.split(',').at(-1);
  assert.deepEqual(csv.filter((l) => l.includes('Signalé au guichet')).map(filedBy), [f.hall.username]);
  assert.equal(csv.filter((l) => filedBy(l) === '').length, total - 1);
  const [geo] = await Promise.all([page.waitForEvent('download'), page.locator('#reports-geojson').click()]);
  const features = JSON.parse(readFileSync(await geo.path(), 'utf8')).features;
  assert.deepEqual(features.filter((x) => x.properties.filed_by).map((x) => x.properties.filed_by), [f.hall.username]);

  await page.locator('#reports-more').click();
  await page.locator('#reports-more').waitFor({ state: 'detached' });
  assert.equal(await rows.count(), total);
  await page.close();
});

test('the reports the filters match are on a map, clustered, and a click opens one', async () => {
  const file = async (body) => {
    const resp = await fetch(`${f.hall.url}/api/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: crypto.randomUUID(), category: 'cleanliness', lang: 'fr', answers: {}, ...body }),
    });
    assert.equal(resp.status, 201, await resp.text());
  };
  // In Èze: one at the old town, one located by the commune alone.
  await file({ description: 'Dépôt sauvage sous le village', location: { position: { lat: 43.7281, lon: 7.3617 } }, commune: null });
  await file({ description: 'Sacs abandonnés près du chemin de Nietzsche', location: { position: null }, commune: '06059' });
  const page = await f.browser.newPage({ locale: 'fr-FR' });
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('#nav-reports').click();
  await page.locator('#reports-table tbody tr').first().waitFor();
  await page.locator('#reports-map-toggle').click();
  // The 230 potholes at one spot are a cluster; Èze's report a dot.
  await page.locator('#reports-map .cluster').first().waitFor();
  assert.equal(await page.locator('#reports-map path.report-marker.kind-open').count() >= 1, true);
  const violations = await axeViolationsInPage(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await page.locator('#reports-map').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'console-reports-map.png'), fullPage: false });

  // The filters apply to the map: Èze's two reports, one without a position.
  await page.locator('#rf-commune').selectOption('06059');
  await page.locator('#rf-apply').click();
  await page.waitForFunction(() => document.querySelectorAll('#reports-table tbody tr').length === 2);
  await page.waitForFunction(() => document.querySelectorAll('#reports-map path.report-marker').length === 1);
  assert.equal(await page.locator('#reports-map .cluster').count(), 0);
  assert.match(await page.locator('#reports-map-unlocated').innerText(), /1 signalement sans position/);
  await page.locator('#reports-map path.report-marker').click();
  await page.locator('#report-page').waitFor();
  assert.match(await page.locator('#report-page').innerText(), /Dépôt sauvage sous le village/);
  await page.close();
});
