// The console's directory page in a real Chromium, against a real server.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { artifacts, consoleFixture } from './harness.mjs';

const f = consoleFixture('console-places', { before, after });

test('staff create, fix, close and delete a place, and import a file with a per-row report', async () => {
  const page = await f.browser.newPage({ locale: 'fr-FR' });
  page.on('dialog', (d) => d.accept());
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Annuaire des commerces et services' }).click();

  // A new place whose hours do not parse is refused with the parser's message.
  await page.getByRole('button', { name: 'Ajouter un lieu' }).click();
  await page.locator('#pf-name').fill('Boulangerie de la Place');
  // A farm sells its own produce unless staff say otherwise: its box is ticked.
  await page.locator('#pf-category').selectOption('farm');
  assert.equal(await page.locator('#pf-direct-sales').isChecked(), true);
  await page.locator('#pf-category').selectOption('bakery');
  assert.equal(await page.locator('#pf-direct-sales').isChecked(), false);
  await page.locator('#pf-hours').fill('lundi 7h-19h');
  await page.locator('#pf-save').click();
  const formError = page.locator('#place-form-error');
  await formError.waitFor();
  // The server says it in the console's language.
  assert.match(await formError.innerText(), /Horaires « lundi 7h-19h » non valides/);

  await page.locator('#pf-hours').fill('Mo-Sa 07:00-19:00');
  await page.locator('#pf-save').click();
  const row = page.locator('#places-table tbody tr', { hasText: 'Boulangerie de la Place' });
  await row.waitFor();
  assert.match(await row.innerText(), /Mo-Sa 07:00-19:00/);

  // Close it for the crisis, then delete it.
  await page.getByRole('button', { name: 'Fermer Boulangerie de la Place', exact: true }).click();
  await row.getByText('fermé', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Supprimer Boulangerie de la Place' }).click();
  await row.waitFor({ state: 'detached' });

  // Import a CSV with one bad row: the others are imported, the bad one explained.
  const csv = join(f.data.dir, 'places.csv');
  writeFileSync(
    csv,
    'id,name,category,lat,lon,opening_hours\n' +
      'node/1,Pharmacie du Port,pharmacy,43.6966,7.2850,Mo-Sa 08:30-19:30\n' +
      'node/2,Épicerie Trop Loin,convenience,143.7,7.28,\n' +
      'node/3,Tabac du Cours,tobacco,43.6955,7.2760,Mo-Su 07:00-20:00\n',
  );
  await page.locator('#import-file').setInputFiles(csv);
  await page.getByRole('button', { name: 'Importer' }).click();
  const counts = page.locator('#import-counts');
  await counts.waitFor();
  assert.match(await counts.innerText(), /^2 ajoutés, 0 mis à jour, 0 inchangés, 0 conservés .*, 0 ignorés .*, 1 refusés\.$/);
  assert.match(await page.locator('#import-rejected').innerText(), /3\s+node\/2\s+La latitude 143.7 est hors limites/);
  await page.locator('#places-table tbody tr', { hasText: 'Pharmacie du Port' }).waitFor();
  await page.screenshot({ path: join(artifacts, 'console-places.png'), fullPage: true });
  await page.close();
});
