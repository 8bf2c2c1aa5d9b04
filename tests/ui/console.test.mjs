// The town hall console in a real Chromium, against a real server.
import assert from 'node:assert/strict';
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
  await page.screenshot({ path: join(artifacts, 'console-communes.png'), fullPage: false });

  // The language switch re-renders in Italian without a reload.
  await page.getByLabel('Langue').selectOption('it');
  assert.equal(await page.locator('#communes-title').innerText(), 'Comuni del territorio');
  await page.close();
});
