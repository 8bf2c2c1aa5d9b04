// The console's rules in force (measures) in a real Chromium, against a real
// server, in French: a publisher adds a curfew for Nice, an invalid one is
// refused with the server's words and the form kept, an edit makes version 2,
// a stale edit is refused and reloaded, the history shows every version, and
// the withdrawn rule leaves the list. An editor sees the list but cannot
// write. At 360 px the page does not scroll sideways; axe-core finds nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, axeViolationsInPage, bin, consoleFixture, staffToken } from './harness.mjs';

const f = consoleFixture('console-measures', { before, after });

/** A datetime-local value `days` from now, in the browser's time zone. */
const localInput = (page, days) =>
  page.evaluate((days) => {
    const d = new Date(Date.now() + days * 86400000);
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, days);

async function logIn(page, username, password) {
  await page.goto(`${f.hall.url}/console/`);
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('button', { name: 'Règles en vigueur' }).click();
  await page.locator('#measures-count').waitFor();
}

test('publishers add, refuse, edit, trace and withdraw a rule in force; editors only read', { timeout: 90000 }, async () => {
  const page = await f.browser.newPage({ locale: 'fr-FR' });
  page.setDefaultTimeout(10000);
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.accept();
  });
  await logIn(page, f.hall.username, f.hall.password);
  assert.equal(new URL(page.url()).hash, '#/measures');
  assert.equal(await page.locator('#nav-measures').getAttribute('aria-current'), 'page');

  // A curfew for Nice since yesterday, first with an end before its start.
  await page.locator('#measure-new').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'mf-kind', 'the focus goes to the form');
  await page.locator('#mf-kind').selectOption('curfew');
  // Only the curfew's inputs are shown.
  assert.equal(await page.locator('#mf-gatherings, #mf-level, #mf-masks').count(), 0);
  await page.getByLabel('Début du couvre-feu').fill('21:00');
  await page.getByLabel('Fin du couvre-feu').fill('06:00');
  assert.match(await page.locator('#mf-preview').innerText(), /Couvre-feu de 21:00 à 06:00/);
  await page.locator('#mf-some-communes').check();
  await page.locator('#measure-form input[data-code="06088"]').check();
  await page.locator('#mf-since').fill(await localInput(page, -1));
  await page.locator('#mf-until').fill(await localInput(page, -2));
  await page.locator('#mf-text-fr').fill('Sorties autorisées pour le travail, la santé et les urgences.');
  await page.locator('#mf-save').click();
  const formError = page.locator('#measure-form-error');
  await formError.waitFor();
  assert.equal(await formError.getAttribute('role'), 'alert');
  // The server's own sentence, in French; the form keeps what was typed.
  assert.match(await formError.innerText(), /^Refusé par le serveur : La mesure prend fin avant de prendre effet\./);
  assert.equal(await page.locator('#mf-curfew-from').inputValue(), '21:00');
  assert.equal(await page.locator('#measure-form input[data-code="06088"]').isChecked(), true);
  assert.match(await page.locator('#mf-text-fr').inputValue(), /^Sorties autorisées/);

  await page.locator('#mf-until').fill('');
  await page.locator('#mf-save').click();
  const row = page.locator('#measures-list > li', { hasText: 'Couvre-feu de 21:00 à 06:00' });
  await row.waitFor();
  await page.locator('#measure-form').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'measures-notice');
  const listed = await row.innerText();
  assert.match(listed, /Nice/);
  assert.match(listed, /En vigueur/, 'in force, said in words');
  assert.match(listed, /Depuis le .* · Sans date de fin/);
  assert.match(listed, /Sorties autorisées pour le travail/);
  assert.equal(await row.getAttribute('data-version'), '1');
  const id = await row.getAttribute('data-id');

  // Edited to 18:00: version 2.
  await row.getByRole('button', { name: /^Modifier/ }).click();
  assert.match(await page.locator('#measure-form-title').innerText(), /version 1/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'mf-kind');
  await page.locator('#mf-curfew-from').fill('18:00');
  await page.locator('#mf-save').click();
  const edited = page.locator(`#measures-list > li[data-id="${id}"][data-version="2"]`);
  await edited.waitFor();
  assert.match(await edited.innerText(), /Couvre-feu de 18:00 à 06:00/);

  // The history: both versions, each with its rule and dates.
  await edited.locator('.history-btn').click();
  const versions = edited.locator('.versions > li');
  await versions.first().waitFor();
  assert.equal(await versions.count(), 2);
  assert.match(await versions.nth(0).innerText(), /Version 1 du .*\n?.*Couvre-feu de 21:00 à 06:00 — Nice/);
  assert.match(await versions.nth(1).innerText(), /Version 2 du .*\n?.*Couvre-feu de 18:00 à 06:00 — Nice/);
  assert.equal(await edited.locator('.history-btn').getAttribute('aria-expanded'), 'true');
  assert.match(await page.evaluate(() => document.activeElement?.id ?? ''), /-history-title$/);

  // Someone else changes it while the form shows version 2: refused, then reloaded.
  await edited.getByRole('button', { name: /^Modifier/ }).click();
  const token = await staffToken(f.hall);
  const other = await fetch(`${f.hall.url}/api/v1/admin/measures/${encodeURIComponent(id)}?version=2`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rule: { kind: 'curfew', from: '19:00', until: '06:00' }, communes: ['06088'], texts: [], since: new Date(Date.now() - 86400000).toISOString(), until: null }),
  });
  assert.equal(other.status, 200, await other.text());
  await page.locator('#mf-curfew-from').fill('20:00');
  await page.locator('#mf-save').click();
  await formError.waitFor();
  assert.match(await formError.innerText(), /modifiée depuis votre lecture \(elle est à la version 3\)/);
  await page.locator('#mf-reload').click();
  await page.locator('#measure-form-title', { hasText: 'version 3' }).waitFor();
  assert.equal(await page.locator('#mf-curfew-from').inputValue(), '19:00');

  // At a phone's width, form open, nothing scrolls sideways; axe finds nothing.
  await page.setViewportSize({ width: 360, height: 800 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${width} px wide at 360 px`);
  const violations = await axeViolationsInPage(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await page.screenshot({ path: join(artifacts, 'console-measures.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('#mf-cancel').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'measure-new');

  // An editor reads the rules and their history, and is offered no change.
  const added = spawnSync(bin('beffroi-server'), ['staff', 'add', '--data', join(f.data.dir, 'server'), '--name', 'redaction', '--role', 'editor'], {
    input: 'un mot de passe assez long\n',
    encoding: 'utf8',
  });
  assert.equal(added.status, 0, added.stderr);
  const editor = await f.browser.newPage({ locale: 'fr-FR' });
  editor.setDefaultTimeout(10000);
  await logIn(editor, 'redaction', 'un mot de passe assez long');
  const seen = editor.locator(`#measures-list > li[data-id="${id}"]`);
  await seen.waitFor();
  assert.equal(await editor.locator('#measure-new, .edit-btn, .withdraw-btn').count(), 0);
  await editor.locator('#measures-needs-publisher').waitFor();
  await seen.locator('.history-btn').click();
  await seen.locator('.versions > li').nth(2).waitFor();
  await editor.close();

  // Withdrawn (after a confirmation): gone from the list.
  const current = page.locator(`#measures-list > li[data-id="${id}"]`);
  await current.getByRole('button', { name: /^Retirer/ }).click();
  await current.waitFor({ state: 'detached' });
  assert.match(dialogs.at(-1), /^Retirer la règle « Couvre-feu de 19:00 à 06:00 »/);
  assert.match(await page.locator('#measures-notice').innerText(), /Règle retirée/);
  const open = await (await fetch(`${f.hall.url}/api/v1/open-data/measures.json`)).json();
  assert.deepEqual(open, []);
  await page.close();
});
