// The console's mutual-aid moderation in a real Chromium, against a real
// server, in French: residents' devices post (with their posting keys, as
// the app does); the oldest pending post is first; a moderator publishes
// one and hides another; an abuse report shows with its reason; a
// publisher blocks the device (after a confirmation), which hides its
// posts and refuses it; a commune is switched to publish at once. The
// public feed never says which device posted. At 360 px nothing scrolls
// sideways; axe finds nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, axeViolationsInPage, consoleFixture } from './harness.mjs';

const f = consoleFixture('console-aid', { before, after });

const KEY = 'k'.repeat(43) + '1';
const OTHER_KEY = 'm'.repeat(43) + '2';

async function device(key, method, path, body) {
  const res = await fetch(`${f.hall.url}/api/v1${path}`, {
    method,
    headers: { 'beffroi-aid-key': key, 'content-type': 'application/json', 'accept-language': 'fr' },
    body: body && JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

const post = (id, text, commune = '06088') => ({
  id, side: 'offer', kind: 'shopping', text, when: 'le matin', place: { commune }, lang: 'fr',
});

test('moderators publish and hide residents\' posts, publishers block a device and switch a commune', { timeout: 90000 }, async () => {
  const first = '0193b000-0000-7000-8000-000000000001';
  const second = '0193b000-0000-7000-8000-000000000002';
  assert.equal((await device(KEY, 'POST', '/aid/posts', post(first, 'Je fais les courses du quartier'))).status, 201);
  assert.equal((await device(OTHER_KEY, 'POST', '/aid/posts', post(second, 'Je vends des masques, prix intéressants'))).status, 201);

  const page = await f.browser.newPage({ locale: 'fr-FR' });
  page.setDefaultTimeout(10000);
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Entraide' }).click();
  const list = page.locator('#aid-posts > li');
  await list.nth(1).waitFor();
  assert.equal(new URL(page.url()).hash, '#/aid');
  // The queue: the oldest first, each with its device's fingerprint only.
  assert.deepEqual(await list.evaluateAll((l) => l.map((x) => x.dataset.id)), [first, second]);
  const row = page.locator(`#aid-posts > li[data-id="${first}"]`);
  assert.match(await row.innerText(), /Propose · Courses/);
  assert.match(await row.innerText(), /Nice · Reçue le .* · Appareil [0-9a-f]{8}/);
  assert.ok(!(await row.innerText()).includes(KEY), 'never the key');

  // Published; the other hidden.
  await row.getByRole('button', { name: 'Publier' }).click();
  await page.locator('#aid-notice', { hasText: 'Annonce publiée.' }).waitFor();
  await row.waitFor({ state: 'detached' });
  await page.locator(`#aid-posts > li[data-id="${second}"]`).getByRole('button', { name: 'Masquer' }).click();
  await page.locator('#aid-notice', { hasText: 'Annonce masquée.' }).waitFor();
  await page.locator('#aid-empty').waitFor();

  // A neighbour reports the published one; the moderator sees why.
  const feed = JSON.parse((await device(OTHER_KEY, 'GET', '/aid/posts?since=0')).text);
  assert.deepEqual(feed.items.map((p) => p.id), [first]);
  assert.equal((await device(OTHER_KEY, 'POST', `/aid/posts/${first}/abuse`, { reason: 'Démarchage déguisé' })).status, 204);
  await page.locator('#aid-filter').selectOption('published');
  const published = page.locator(`#aid-posts > li[data-id="${first}"]`);
  await published.waitFor();
  await published.locator('summary', { hasText: "1 signalement d'abus" }).click();
  assert.match(await published.locator('.abuse').innerText(), /Démarchage déguisé/);

  // Blocked (the demo's account is a publisher): its post hidden, the device refused.
  await published.getByRole('button', { name: "Bloquer l'appareil" }).click();
  await page.locator('#aid-notice', { hasText: 'Appareil bloqué ; 1 annonce masquée.' }).waitFor();
  assert.match(dialogs.at(-1), /^Bloquer cet appareil \?/);
  const refused = await device(KEY, 'POST', '/aid/posts', post('0193b000-0000-7000-8000-000000000003', 'Encore'));
  assert.equal(refused.status, 403);
  assert.match(refused.text, /bloqué/);
  await page.locator('#aid-filter').selectOption('');
  await page.locator(`#aid-posts > li[data-id="${first}"] .badge`, { hasText: 'Appareil bloqué' }).waitFor();

  // Cagnes publishes at once from now on.
  await page.locator('#aid-publish-first-title').scrollIntoViewIfNeeded();
  await page.locator('input[data-code="06027"]').check();
  await page.locator('#aid-notice', { hasText: 'Cagnes-sur-Mer : publication directe.' }).waitFor();
  const direct = await device(OTHER_KEY, 'POST', '/aid/posts', post('0193b000-0000-7000-8000-000000000004', 'Je garde des enfants', '06027'));
  assert.match(direct.text, /"published"/);

  // What anyone reads never says which device wrote what.
  const all = (await device(OTHER_KEY, 'GET', '/aid/posts?since=0')).text;
  assert.ok(!all.includes(KEY) && !all.includes(OTHER_KEY) && !all.includes('key_hash'), all);

  // At a phone's width nothing scrolls sideways; axe finds nothing.
  await page.setViewportSize({ width: 360, height: 800 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${width} px wide at 360 px`);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, 'console-aid.png'), fullPage: false });
  await page.close();
});
