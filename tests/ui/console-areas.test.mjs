// The console's area editor in a real Chromium, against a real server: an
// agent pastes CAP polygons and circles, the server reads them and says which
// communes they reach and the directory's places inside by kind (or what is
// wrong, in French), the alert goes out with
// its shapes in the CAP feed, and an update keeps them. axe-core finds no
// serious or critical violation.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, axeViolationsInPage, consoleFixture, staffToken } from './harness.mjs';

const f = consoleFixture('console-areas', { before, after });

const MASSENA = '43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277 43.692,7.264';
const EZE = '43.7281,7.3617 1';

test('an agent pastes a polygon and a circle, sees the communes and places they reach, publishes, and an update keeps them', async () => {
  // Two pharmacies in the square, in the directory.
  const token = await staffToken(f.hall);
  for (const [name, lat, lon] of [['Pharmacie Masséna', 43.6972, 7.2705], ['Pharmacie du Jardin', 43.6985, 7.2712]]) {
    const resp = await fetch(`${f.hall.url}/api/v1/admin/places`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, category: 'pharmacy', address: { street: 'Place Masséna', postcode: '06000', city: 'Nice' }, position: { lat, lon } }),
    });
    assert.equal(resp.status, 201, await resp.text());
  }
  const page = await f.browser.newPage({ locale: 'fr-FR' });
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('#nav-alerts').click();
  await page.locator('#alert-new').click();
  await page.locator('#alert-event').fill('Feu');
  await page.locator('#alert-headline-fr').fill('Feux place Masséna et à Èze');
  await page.locator('#alert-description-fr').fill('Éloignez-vous des fumées.');
  await page.locator('#alert-category').selectOption('fire');
  await page.locator('#alert-severity').selectOption('severe');
  await page.locator('#alert-urgency').selectOption('immediate');
  await page.locator('#alert-certainty').selectOption('observed');
  await page.locator('#alert-shapes').check();

  // An open ring: the server says so, in French, and nothing is saved.
  await page.locator('#alert-polygons').fill('43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.277');
  await page.locator('#alert-area-check').click();
  await page.locator('#alert-area-error').waitFor();
  assert.match(await page.locator('#alert-area-error').innerText(), /n'est pas fermé/);
  await page.locator('#alert-save').click();
  assert.match(await page.locator('#alert-area-error').innerText(), /n'est pas fermé/);
  assert.equal(await page.locator('#alerts-table tr[data-state="draft"]').count(), 0);

  // Drawn on the map: three clicks in Nice, then "close": a CAP line in
  // the field (the field stays the keyboard's way).
  await page.locator('#alert-polygons').fill('');
  await page.locator('#alert-area-map').scrollIntoViewIfNeeded();
  const nice = await page.locator('#alert-area-map path.commune-06088').boundingBox();
  const [cx, cy] = [nice.x + nice.width / 2, nice.y + nice.height / 2];
  for (const [dx, dy] of [[-12, -8], [12, -8], [0, 12]]) await page.mouse.click(cx + dx, cy + dy);
  assert.match(await page.locator('#alert-area-corners').innerText(), /3 coins placés/);
  await page.locator('#alert-area-close').click();
  const drawn = await page.locator('#alert-polygons').inputValue();
  assert.match(drawn, /^(-?\d+\.\d+,-?\d+\.\d+ ){3}-?\d+\.\d+,-?\d+\.\d+$/, drawn);
  assert.equal(drawn.split(' ')[0], drawn.split(' ')[3], 'the ring is closed');
  await page.locator('#alert-area-check').click();
  await page.waitForFunction(() => document.querySelector('#alert-area-reach')?.textContent?.includes('Nice'));
  assert.equal(await page.locator('#alert-area-map path.drawn-shape').count(), 1);

  // Closed, with a circle around Èze: two communes.
  await page.locator('#alert-polygons').fill(MASSENA);
  await page.locator('#alert-circles').fill(EZE);
  await page.locator('#alert-area-check').click();
  await page.waitForFunction(() => document.querySelector('#alert-area-reach')?.textContent?.includes('communes'));
  const reach = await page.locator('#alert-area-reach').innerText();
  assert.match(reach, /2 communes/);
  assert.match(reach, /Nice/);
  assert.match(reach, /Èze/);
  // Whom it concerns: the directory's places inside, by kind.
  assert.equal(await page.locator('#alert-area-places').innerText(), "Lieux de l'annuaire dans la zone : Pharmacie (2).");
  const violations = await axeViolationsInPage(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await page.screenshot({ path: join(artifacts, 'console-area-editor.png'), fullPage: true });

  await page.locator('#alert-save').click();
  await page.locator('#alert-preview').waitFor();
  await page.locator('#alert-publish').click();
  assert.match(await page.locator('#alert-confirm-area').innerText(), /2 zones sur la carte/);
  await page.locator('#alert-confirm-publish').click();
  const row = page.locator('#alerts-table tr[data-state="active"]', { hasText: 'Feux place Masséna' });
  await row.waitFor();

  // The CAP feed carries both shapes, and names the communes they reach.
  const alerts = await (
    await fetch(`${f.hall.url}/api/v1/admin/alerts`, {
      headers: { authorization: `Bearer ${await staffToken(f.hall)}` },
    })
  ).json();
  const thread = alerts.find((a) => a.state === 'active').thread;
  const xml = await (await fetch(`${f.hall.url}/cap/alerts/${thread}.xml`)).text();
  assert.ok(xml.includes(`<polygon>${MASSENA}</polygon>`), xml);
  assert.ok(xml.includes(`<circle>${EZE}</circle>`), xml);
  assert.match(xml, /<areaDesc>(Èze, Nice|Nice, Èze)<\/areaDesc>/);

  // An update starts from the shapes as they were (none dropped).
  await row.locator('.update-btn').click();
  assert.equal(await page.locator('#alert-shapes').isChecked(), true);
  assert.equal(await page.locator('#alert-polygons').inputValue(), MASSENA);
  assert.equal(await page.locator('#alert-circles').inputValue(), EZE);
});
