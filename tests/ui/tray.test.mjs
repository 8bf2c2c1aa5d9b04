// The system tray: with a tray on the desktop (a StatusNotifierWatcher on the
// test's session bus), closing the window with the window manager's close
// button hides it and the app keeps receiving alerts, with notifications; the
// tray menu, in the resident's language, opens the window again and quits.
// Without a tray, closing the window quits as before.
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closeLikeWindowManager, startTrayHost, windowsTitled } from './desktop.mjs';
import {
  eventually,
  firstRunInNice,
  notifications,
  openApp as openWindow,
  staffToken,
  startTauriDriver,
  startTownHall,
  stopChild,
  tempDir,
  texts,
} from './harness.mjs';

let hall, data, driver, port;

before(async () => {
  data = tempDir('tray');
  hall = await startTownHall(join(data.dir, 'server'));
  ({ port, child: driver } = await startTauriDriver());
});

after(async () => {
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

const openApp = () => openWindow(port, ['--server', hall.url, '--data', join(data.dir, 'resident')]);

/** Publishes a severe alert for the whole territory through the staff API. */
async function publish(headline) {
  const post = async (path, body, token) => {
    const res = await fetch(`${hall.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
    return res.json();
  };
  const token = await staffToken(hall);
  const draft = await post(
    '/api/v1/admin/alerts',
    {
      status: 'actual',
      category: 'health',
      event: 'Confinement',
      urgency: 'immediate',
      severity: 'severe',
      certainty: 'observed',
      texts: [{ lang: 'fr', headline, description: 'Restez chez vous.' }],
      area: { kind: 'territory' },
    },
    token,
  );
  await post(`/api/v1/admin/alerts/${draft.id}/publish`, null, token);
}

/** The app's top-level window (there is one). */
async function appWindow() {
  const found = await windowsTitled('Beffroi');
  assert.equal(found.length, 1, `one window titled Beffroi: ${JSON.stringify(found)}`);
  return found[0];
}

test('closed with a tray on the desktop, the app keeps notifying; its tray menu opens it and quits', async () => {
  const host = await startTrayHost();
  const app = await openApp();
  try {
    await firstRunInNice(app);
    await eventually(async () => host.item() !== undefined, 10000, 'the tray item registering');
    const item = host.item();
    const menu = await host.menu(item);
    assert.deepEqual(
      menu.entries.map((e) => e.label),
      ['Ouvrir Beffroi', 'Quitter Beffroi'],
    );

    // The close button: the window goes, the app stays.
    const { id } = await appWindow();
    await closeLikeWindowManager(id);
    await eventually(async () => !(await appWindow()).mapped, 5000, 'the window hidden');
    assert.ok(await host.alive(item), 'the app still runs');

    // An alert published meanwhile is notified and listed.
    await publish('Fermeture des parcs');
    await eventually(() => notifications().includes('Fermeture des parcs'), 10000, 'the notification');
    await eventually(
      async () => (await texts(app, '#alert-banner')).join(' ').includes('Fermeture des parcs'),
      5000,
      'the alert in the hidden window',
    );

    // "Ouvrir Beffroi" shows the window again, with the alert.
    await menu.click('Ouvrir Beffroi');
    await eventually(async () => (await appWindow()).mapped, 5000, 'the window shown');

    // "Quitter Beffroi" ends the app.
    await menu.click('Quitter Beffroi');
    await eventually(async () => !(await host.alive(item)), 10000, 'the app gone');
    assert.equal((await windowsTitled('Beffroi')).length, 0);
  } finally {
    await app.deleteSession().catch(() => {});
    await host.stop();
  }
});

test('without a tray on the desktop, closing the window quits', async () => {
  const app = await openApp();
  try {
    await (await app.$('nav.tabs')).waitForExist({ timeout: 20000 });
    const { id } = await appWindow();
    await closeLikeWindowManager(id);
    await eventually(async () => (await windowsTitled('Beffroi')).length === 0, 10000, 'the window closed');
  } finally {
    await app.deleteSession().catch(() => {});
  }
});
