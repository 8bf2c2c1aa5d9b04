// The town hall console in a real Chromium, against a real server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { artifacts, consoleFixture } from './harness.mjs';

const f = consoleFixture('console', { before, after });

test('a wrong password shows an error, the demo account sees the 51 communes', async () => {
  const page = await f.browser.newPage({ locale: 'fr-FR' });
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill('not the password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const error = page.locator('#login-error');
  await error.waitFor();
  assert.equal(await error.textContent(), 'Identifiant ou mot de passe incorrect.');
  assert.equal(await error.getAttribute('role'), 'alert');

  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const rows = page.locator('#communes-table tbody tr');
  await rows.nth(50).waitFor();
  assert.equal(await rows.count(), 51);
  assert.match(await page.locator('tr[data-code="06088"]').innerText(), /Nice/);
  assert.match(await page.locator('#whoami').innerText(), /demo \(administrateur\)/);
  // The focus does not fall to the page's body: it is on the screen's title.
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  await page.screenshot({ path: join(artifacts, 'console-communes.png'), fullPage: false });

  // The link for residents' posters carries the server and its key's
  // fingerprint (the one GET /api/v1/keys publishes), with its QR code drawn.
  const url = await page.locator('#link-url').innerText();
  const link = new URL(url);
  assert.equal(link.protocol, 'beffroi:');
  assert.equal(link.searchParams.get('server'), f.hall.url);
  const keys = await (await fetch(`${f.hall.url}/api/v1/keys`)).json();
  const raw = Buffer.from(keys.at(-1).public_key, 'base64');
  const fingerprint = createHash('sha256').update(raw).digest('hex');
  assert.equal(link.searchParams.get('key'), fingerprint);
  assert.equal(
    (await page.locator('#link-fingerprint').innerText()).replaceAll(' ', ''),
    fingerprint.slice(0, 32),
  );
  const qr = page.getByRole('img', { name: 'Code QR du lien de la mairie' });
  await qr.waitFor();
  assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code is drawn');

  // The language switch re-renders in Italian without a reload.
  await page.getByLabel('Langue').selectOption('it');
  assert.equal(await page.locator('#communes-title').innerText(), 'Comuni del territorio');
  await page.close();
});
