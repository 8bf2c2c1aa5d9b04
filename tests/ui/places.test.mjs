// Places a resident follows besides home, in the real window (tauri-driver):
// added in the settings without a map (a point typed as latitude and
// longitude), a polygon alert over "Travail" (in Èze) but not home (Nice)
// notifies with the place's name (dunst, on the test's D-Bus session), and a
// test alert is labelled everywhere and not notified once the resident turned
// that off. axe-core finds no serious or critical violation on the new screens.
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  axeViolations,
  eventually,
  firstRunInNice,
  notifications,
  openApp,
  publishAlert,
  screenshot,
  staffToken,
  startTauriDriver,
  startTownHall,
  stopChild,
  tempDir,
  texts,
} from './harness.mjs';

let hall, data, driver, port, app;

before(async () => {
  data = tempDir('places');
  hall = await startTownHall(join(data.dir, 'server'));
  ({ port, child: driver } = await startTauriDriver());
});

after(async () => {
  await app?.deleteSession().catch(() => {});
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

/** A square of about 2 km around Èze's old town. */
const AROUND_EZE = [
  [43.719, 7.349],
  [43.737, 7.349],
  [43.737, 7.374],
  [43.719, 7.374],
  [43.719, 7.349],
].map(([lat, lon]) => ({ lat, lon }));

test('a place typed in the settings gets the polygon alert over it, by name; a test alert is labelled and not notified', async () => {
  app = await openApp(port, ['--server', hall.url, '--data', join(data.dir, 'resident')]);
  await firstRunInNice(app);

  // The settings, at a phone's width: the places section with its form.
  await app.setWindowSize(360, 800);
  await (await app.$('#settings-open')).click();
  await (await app.$('#places')).waitForExist({ timeout: 10000 });
  assert.deepEqual(await texts(app, '#places-none'), ["Aucun autre lieu pour l'instant."]);

  // A point outside the territory is refused by name, nothing saved.
  await (await app.$('#place-name')).setValue('Bateau');
  await (await app.$('#place-kind-point')).click();
  await (await app.$('#place-lat')).setValue('43,5');
  await (await app.$('#place-lon')).setValue('7,3');
  await (await app.$('#place-save')).click();
  await eventually(async () => (await texts(app, '#places-error')).join('').includes('hors du territoire'), 10000, 'the refusal');
  assert.deepEqual(await texts(app, '#places-list .place'), []);

  // Work, in Èze's old town (typed with decimal commas, as in French).
  await (await app.$('#place-name')).setValue('Travail');
  await (await app.$('#place-lat')).setValue('43,7281');
  await (await app.$('#place-lon')).setValue('7,3617');
  await (await app.$('#place-severity')).selectByAttribute('value', 'moderate');
  await (await app.$('#place-save')).click();
  await eventually(async () => (await texts(app, '#places-list .place')).length === 1, 10000, 'the place listed');
  const [listed] = await texts(app, '#places-list .place');
  assert.match(listed, /Travail/);
  assert.match(listed, /Èze/, 'the point got its commune on the device');
  assert.match(listed, /Modérée/);
  assert.equal(await (await app.$('#places-error')).isExisting(), false);

  // Test alerts: not notified from now on.
  const tests = await app.$('#notify-tests');
  assert.equal(await tests.isSelected(), true, 'notified by default');
  await tests.click();
  await eventually(async () => !(await tests.isSelected()), 5000, 'unchecked');

  const violations = await axeViolations(app);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  // Nothing wider than the window at 360 px.
  const overflow = await app.execute(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the settings overflow by ${overflow}px at 360 px`);
  await screenshot(app, 'settings-places-360.png');
  await app.setWindowSize(1024, 768);
  await (await app.$('button=Annuler')).click();
  await (await app.$('nav.tabs')).waitForExist({ timeout: 10000 });

  // A fire over Èze: work is in it, home (Nice) is not.
  const token = await staffToken(hall);
  const fire = 'Feu de forêt au-dessus d\u2019Èze';
  const sent = await publishAlert(hall, token, { headline: fire, area: { kind: 'communes', communes: [], polygons: [{ points: AROUND_EZE }] } });
  await eventually(() => notifications().includes(`[Travail] ${fire}`), 15000, 'the notification naming the place');
  await (await app.$('#nav-alerts')).click();
  const item = await app.$(`#alerts-active .alert-item`);
  await item.waitForExist({ timeout: 10000 });
  assert.match(await item.getText(), /Vos lieux : Travail/);
  await (await item.$('button')).click();
  await (await app.$('#alert-page')).waitForExist({ timeout: 10000 });
  assert.match(await (await app.$('#alert-places')).getText(), /Travail/);
  assert.match(await (await app.$('#alert-area')).getText(), /une zone sur la carte/);
  // Severe and immediate: an emergency, with its standard call to action
  // after the alert's own words, and who issues it.
  assert.match(await (await app.$('#alert-level')).getText(), /Urgence : agissez/);
  assert.match(await (await app.$('#alert-cta')).getText(), /Agissez maintenant pour vous mettre en sécurité/);
  assert.match(await (await app.$('#alert-issuer')).getText(), /Émis par Métropole Nice Côte d.Azur/);
  const pageViolations = await axeViolations(app);
  assert.deepEqual(pageViolations, [], JSON.stringify(pageViolations, null, 1));
  await (await app.$('#alert-back')).click();

  // A test alert for the whole territory: listed, labelled, not notified.
  const drill = 'Essai des sirènes';
  await publishAlert(hall, token, { headline: drill, status: 'test', area: { kind: 'territory' } });
  const drillItem = await app.$(`li.alert-item*=${drill}`);
  await drillItem.waitForExist({ timeout: 15000 });
  assert.match(await drillItem.getText(), /Test technique/);
  assert.doesNotMatch(await drillItem.getText(), /Vos lieux/, 'the whole territory names no place');
  // The notification would have come before the list changed (the core
  // notifies, then tells the window); a second later it still has not.
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(!notifications().some((n) => n.includes(drill)), `notified: ${notifications()}`);
  // The fire is over: the all-clear shows in green among the alerts in force.
  await sent.cancel();
  const over = await app.$(`li.alert-item[data-level="all-clear"]*=${fire}`);
  await over.waitForExist({ timeout: 15000 });
  assert.match(await over.getText(), /Fin d.alerte/);
  assert.equal(await over.getAttribute('data-state'), 'cancelled');
  const green = await app.execute(() => getComputedStyle(document.querySelector('li[data-level="all-clear"] .badge.all-clear')).color);
  assert.equal(green, 'rgb(30, 107, 52)');
  await screenshot(app, 'alerts-places.png');
});
