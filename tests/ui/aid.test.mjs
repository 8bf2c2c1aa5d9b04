// Mutual aid in the resident's window (tauri-driver), end to end: an offer
// written while the town hall is out of reach waits on the device, is sent
// once when it is back, is moderated in the console (Chromium), and is then
// read by a neighbour's device nearest first; the neighbour's answer
// reaches the window live, with no contact crossing until both share. The
// screen passes axe and fits 360 px.
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  axeViolations,
  eventually,
  firstRunInNice,
  freePort,
  notifications,
  launchChromium,
  openApp,
  screenshot,
  startTauriDriver,
  startTownHall,
  staffToken,
  stopChild,
  tempDir,
  texts,
} from './harness.mjs';

let hall, data, driver, port, browser, listen;

before(async () => {
  data = tempDir('aid');
  listen = `127.0.0.1:${await freePort()}`;
  hall = await startTownHall(join(data.dir, 'server'), listen);
  ({ port, child: driver } = await startTauriDriver());
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

const attr = (b, selector, name) =>
  b.execute((s, n) => document.querySelector(s)?.getAttribute(n) ?? null, selector, name);

/** The neighbour's device, as the server sees it: its posting key. */
const NEIGHBOUR = 'n'.repeat(43) + '7';
async function neighbour(method, path, body) {
  const res = await fetch(`${hall.url}/api/v1${path}`, {
    method,
    headers: { 'beffroi-aid-key': NEIGHBOUR, 'content-type': 'application/json', 'accept-language': 'fr' },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

test('an offer written offline is sent once, moderated in the console, read nearby and answered without contacts crossing', { timeout: 180000 }, async () => {
  const app = await openApp(port, ['--server', hall.url, '--data', join(data.dir, 'resident')]);
  try {
    await firstRunInNice(app);
    await (await app.$('#nav-aid')).click();
    await (await app.$('#aid-title')).waitForExist({ timeout: 5000 });
    assert.match((await texts(app, '.aid > p.muted')).join(''), /sans compte/);

    // The town hall goes down; the offer waits on the device.
    await hall.stop();
    await (await app.$('#sync-status button')).click();
    await eventually(async () => (await attr(app, '#sync-status', 'data-online')) === 'offline', 15000, 'offline');
    await (await app.$('#aid-new-kind')).selectByAttribute('value', 'meals');
    await (await app.$('#aid-text')).setValue('Je prépare un repas de plus chaque midi pour un voisin seul');
    await (await app.$('#aid-when')).setValue('en semaine');
    await (await app.$('#aid-publish')).click();
    await eventually(async () => /enregistrée sur l'appareil/.test((await texts(app, '#aid-notice')).join('')), 15000, 'kept offline');
    const queued = await app.$('#aid-mine li[data-state="queued"]');
    await queued.waitForExist({ timeout: 5000 });
    const id = await queued.getAttribute('data-id');

    // Back: sent once, waiting for moderation.
    hall = await startTownHall(join(data.dir, 'server'), listen);
    await eventually(
      async () => (await attr(app, `#aid-mine li[data-id="${id}"]`, 'data-state')) === 'pending',
      45000,
      'sent when the town hall is back',
    );
    const token = await staffToken(hall);
    const pending = await (await fetch(`${hall.url}/api/v1/admin/aid?state=pending`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(pending.map((p) => p.post.id), [id], 'exactly once');
    assert.equal((await neighbour('GET', '/aid/posts?since=0')).json.items.length, 0, 'nothing public before approval');

    // Moderated in the console.
    const page = await browser.newPage({ locale: 'fr-FR' });
    await page.goto(`${hall.url}/console/#/aid`);
    await page.getByLabel('Identifiant').fill(hall.username);
    await page.getByLabel('Mot de passe').fill(hall.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('button', { name: 'Entraide' }).click();
    await page.locator(`#aid-posts > li[data-id="${id}"]`).getByRole('button', { name: 'Publier' }).click();
    await page.locator('#aid-notice', { hasText: 'Annonce publiée.' }).waitFor();
    await page.close();

    // A neighbour's device reads it, then answers through the town hall.
    const feed = (await neighbour('GET', '/aid/posts?since=0')).json;
    assert.deepEqual(feed.items.map((p) => p.id), [id]);
    assert.equal(feed.items[0].commune, '06088');
    const thread = '0193c000-0000-7000-8000-0000000000e1';
    const sent = await neighbour('POST', '/aid/messages', {
      id: '0193c000-0000-7000-8000-0000000000e2', thread, post: id, text: 'Mon père serait ravi, merci !',
    });
    assert.equal(sent.status, 201);
    await eventually(
      async () => /Mon père serait ravi/.test((await texts(app, `#aid-conversations li[data-thread="${thread}"]`)).join('')),
      20000,
      'the answer, live',
    );
    await eventually(async () => (await attr(app, `#aid-mine li[data-id="${id}"]`, 'data-state')) === 'published', 10000, 'published');
    // Notified on the desktop, without the message's text.
    const shown = await eventually(() => notifications().find((n) => n.startsWith('Entraide')), 10000, 'the notification');
    assert.equal(shown, 'Entraide : un nouveau message');

    // Contacts: the neighbour shares first; the window only says so.
    assert.equal((await neighbour('PUT', `/aid/threads/${thread}/contact`, { contact: '06 98 76 54 32' })).status, 204);
    await eventually(async () => /a partagé son contact/.test((await texts(app, `#aid-conversations li[data-thread="${thread}"]`)).join('')), 20000, 'they share');
    assert.ok(!(await texts(app, '#aid-conversations')).join('').includes('06 98 76 54 32'));
    await (await app.$(`#contact-${thread}`)).setValue('voisin@example.org');
    const shareButton = await app.$(`//li[@data-thread="${thread}"]//button[normalize-space()="Partager mon contact"]`);
    await shareButton.click();
    await eventually(async () => /Son contact : 06 98 76 54 32/.test((await texts(app, `#aid-conversations li[data-thread="${thread}"]`)).join('')), 20000, 'both share');
    const inbox = (await neighbour('GET', '/aid/inbox')).json;
    assert.equal(inbox.threads[0].their_contact, 'voisin@example.org');

    // The screen: axe finds nothing serious; at 360 px nothing scrolls sideways.
    assert.deepEqual(await axeViolations(app), []);
    await screenshot(app, 'resident-aid.png');
    await app.setWindowSize(360, 740);
    await eventually(async () => (await app.execute(() => window.innerWidth)) <= 400, 5000, 'a 360 px window');
    const width = await app.execute(() => document.documentElement.scrollWidth);
    assert.ok(width <= (await app.execute(() => window.innerWidth)), `${width} px wide`);
    await app.execute(() => window.scrollTo(0, 0));
    await screenshot(app, 'resident-aid-360.png');
  } finally {
    await app.deleteSession();
  }
});
