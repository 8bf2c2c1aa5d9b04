// The console's advice pages in a real Chromium, against a real server, in
// French: the demo's three pages are listed; a publisher writes a page with
// hostile Markdown and previews it inert, an identifier in use is refused
// with the server's words and the form kept, the page is saved, opened at
// its public address (no script, inert), edited to version 2, a stale edit
// is refused and reloaded, the history shows every version, and the page is
// withdrawn. At 360 px the page does not scroll sideways; axe finds nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, axeViolationsInPage, consoleFixture, staffToken } from './harness.mjs';

const f = consoleFixture('console-advice', { before, after });

const HOSTILE = [
  '## Piscines',
  'Fermées jusqu\'à nouvel ordre.',
  '<script>window.pwned = 1</script>',
  '<img src=x onerror="window.pwned = 2">',
  '[Réserver](javascript:window.pwned=3) · [Mairie](https://www.nice.fr)',
  '![suivi](https://tracker.example/pixel.gif)',
].join('\n\n');

test('publishers write, preview, edit, trace and withdraw an advice page; hostile Markdown stays inert', { timeout: 90000 }, async () => {
  const page = await f.browser.newPage({ locale: 'fr-FR' });
  page.setDefaultTimeout(10000);
  const tracked = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(f.hall.url)) tracked.push(r.url());
  });
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(f.hall.username);
  await page.getByLabel('Mot de passe').fill(f.hall.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Conseils' }).click();
  await page.locator('#advice-count').waitFor();
  assert.equal(new URL(page.url()).hash, '#/advice');
  assert.equal(await page.locator('#advice-count').innerText(), '3 pages.');
  assert.match(await page.locator('#advice-list').innerText(), /Plan familial de mise en sûreté/);

  // A new page for Nice, first under an identifier in use.
  await page.locator('#advice-new').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'af-id');
  await page.locator('#af-id').fill('plan-familial');
  await page.locator('#af-some-communes').check();
  await page.locator('#advice-form input[data-code="06088"]').check();
  await page.getByLabel('Titre').first().fill('Piscines fermées');
  await page.locator('#af-body-fr').fill(HOSTILE);

  // The preview, as residents will read it: nothing active survives.
  await page.locator('#af-preview-fr').click();
  const preview = page.locator('#af-preview');
  await preview.locator('h3').waitFor();
  assert.equal(await preview.locator('script, img, iframe').count(), 0);
  assert.match(await preview.innerText(), /<script>window\.pwned = 1<\/script>/);
  assert.deepEqual(await preview.locator('a').evaluateAll((l) => l.map((a) => a.getAttribute('href'))), [null, 'https://www.nice.fr']);
  assert.equal(await page.evaluate(() => window.pwned), undefined);

  await page.locator('#af-save').click();
  const formError = page.locator('#advice-form-error');
  await formError.waitFor();
  assert.match(await formError.innerText(), /^Refusé par le serveur : Une page d'identifiant « plan-familial » existe déjà/);
  assert.equal(await page.locator('#af-title-fr').inputValue(), 'Piscines fermées', 'the form is kept');
  await page.locator('#af-id').fill('piscines');
  await page.locator('#af-save').click();
  const row = page.locator('#advice-list > li[data-id="piscines"]');
  await row.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'advice-notice');
  assert.match(await row.innerText(), /Piscines fermées/);
  assert.match(await row.innerText(), /Nice/);
  assert.equal(await row.getAttribute('data-version'), '1');
  const link = await row.locator('.public-link').getAttribute('href');
  assert.equal(link, `${f.hall.url}/advice/piscines`);

  // Its public page: no script at all, the body inert.
  const pub = await f.browser.newPage({ locale: 'fr-FR' });
  await pub.goto(link);
  assert.equal(await pub.locator('h1').innerText(), 'Piscines fermées');
  assert.equal(await pub.locator('script, img, iframe').count(), 0);
  assert.equal(await pub.evaluate(() => window.pwned), undefined);
  assert.deepEqual(await axeViolationsInPage(pub), []);
  await pub.close();

  // Edited: version 2. Then someone else changes it: refused, reloaded.
  await row.getByRole('button', { name: /^Modifier/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'af-title-fr');
  assert.equal(await page.locator('#af-id').getAttribute('readonly'), '');
  await page.locator('#af-title-en').fill('Swimming pools closed');
  await page.locator('#af-body-en').fill('Closed until further notice.');
  await page.locator('#af-save').click();
  const edited = page.locator('#advice-list > li[data-id="piscines"][data-version="2"]');
  await edited.waitFor();
  await edited.getByRole('button', { name: /^Modifier/ }).click();
  const token = await staffToken(f.hall);
  const other = await fetch(`${f.hall.url}/api/v1/admin/advice/piscines?version=2`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ communes: ['06088'], texts: [{ lang: 'fr', title: 'Piscines rouvertes', body: 'Dès lundi.' }] }),
  });
  assert.equal(other.status, 200, await other.text());
  await page.locator('#af-title-fr').fill('Piscines : horaires');
  await page.locator('#af-save').click();
  await formError.waitFor();
  assert.match(await formError.innerText(), /modifiée depuis votre lecture \(elle est à la version 3\)/);
  await page.locator('#af-reload').click();
  await page.locator('#advice-form-title', { hasText: 'version 3' }).waitFor();
  assert.equal(await page.locator('#af-title-fr').inputValue(), 'Piscines rouvertes');

  // At a phone's width, form open, nothing scrolls sideways; axe finds nothing.
  await page.setViewportSize({ width: 360, height: 800 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${width} px wide at 360 px`);
  assert.deepEqual(await axeViolationsInPage(page), []);
  await page.screenshot({ path: join(artifacts, 'console-advice.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('#af-cancel').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'advice-new');

  // The history, then withdrawn (after a confirmation): gone from the list.
  const current = page.locator('#advice-list > li[data-id="piscines"]');
  await current.locator('.history-btn').click();
  await current.locator('.versions > li').nth(2).waitFor();
  assert.match(await current.locator('.versions > li').nth(0).innerText(), /Version 1 du .*\n?.*Piscines fermées — Nice/);
  await current.getByRole('button', { name: /^Retirer/ }).click();
  await current.waitFor({ state: 'detached' });
  assert.match(dialogs.at(-1), /^Retirer la page « Piscines rouvertes »/);
  assert.match(await page.locator('#advice-notice').innerText(), /Page « Piscines rouvertes » retirée/);
  assert.deepEqual(tracked, [], 'no third party was asked for anything');

  // Writing an alert, the pages' addresses are offered as its link.
  await page.getByRole('button', { name: 'Alertes' }).click();
  await page.locator('#alert-new').click();
  const offered = await page.locator('#advice-links option').evaluateAll((o) => o.map((x) => x.value));
  assert.ok(offered.includes(`${f.hall.url}/advice/plan-familial`), JSON.stringify(offered));
  assert.ok(!offered.includes(`${f.hall.url}/advice/piscines`), 'not a withdrawn one');
  assert.equal(await page.locator('#alert-web-fr').getAttribute('list'), 'advice-links');
  await page.close();
});
