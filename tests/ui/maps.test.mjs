// Maps in the real resident window (tauri-driver), drawn offline from the
// communes' outlines with no tiles: the alerts map (areas coloured by level,
// the resident's places), the directory map (clustered places, open or
// closed), and the report location picker (the commune of the point tapped
// is found by the server). No request leaves the app; axe-core finds no
// serious or critical violation; every map has its list beside it. With the
// town hall's base map (`--tiles-url`), tiles come while online, through the
// core, with their credit, in the app and the console, and none offline.
// Run under a display and a session bus: `xvfb-run -a dbus-run-session -- npm test`.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import {
  axeViolations,
  axeViolationsInPage,
  eventually,
  firstRunInNice,
  importPlaces,
  launchChromium,
  freePort,
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
  data = tempDir('maps');
  importPlaces(join(data.dir, 'server'));
  hall = await startTownHall(join(data.dir, 'server'));
  ({ port, child: driver } = await startTauriDriver());
});

after(async () => {
  await app?.deleteSession().catch(() => {});
  if (driver) await stopChild(driver);
  await hall?.stop();
  data?.cleanup();
});

/** Every resource the window loaded that is not the app itself (tiles, fonts, scripts from elsewhere). */
const foreign = (b) =>
  b.execute(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((u) => !u.startsWith(location.origin) && !u.startsWith('http://ipc.localhost') && !u.startsWith('ipc:')),
  );

/** Shows a map (the choice is remembered by the webview, across runs too). */
async function showMap(toggle) {
  const button = await app.$(toggle);
  await button.waitForExist({ timeout: 10000 });
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
}

/** Independent of the server's geometry: ray casting over the outlines. */
function communeAt(communes, lat, lon) {
  const inRing = (ring) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  return communes.find((c) => c.outline?.some(([outer, ...holes]) => inRing(outer) && !holes.some(inRing)))?.code ?? null;
}

test('the alerts map, the directory map and the report picker draw offline and fetch nothing', async () => {
  const token = await staffToken(hall);
  // Around Place Masséna: it concerns a resident of Nice.
  await publishAlert(hall, token, {
    headline: 'Feu place Masséna',
    area: {
      kind: 'communes', communes: [],
      polygons: [{ points: [[43.692, 7.264], [43.702, 7.264], [43.702, 7.277], [43.692, 7.277], [43.692, 7.264]].map(([lat, lon]) => ({ lat, lon })) }],
    },
  });
  await publishAlert(hall, token, { headline: 'Coupure d’eau à Nice', area: { kind: 'communes', communes: ['06088'] }, severity: 'moderate' });

  app = await openApp(port, ['--server', hall.url, '--data', join(data.dir, 'resident')]);
  await firstRunInNice(app);

  // The alerts map: 51 outlines, the two areas in their levels' colours,
  // and the list below it still.
  await (await app.$('#nav-alerts')).click();
  await showMap('#alerts-map-toggle');
  await eventually(async () => (await app.$$('#alerts-map path.area')).length >= 2, 15000, 'the areas drawn');
  const outlines = await app.execute(() => document.querySelectorAll('#alerts-map path').length);
  assert.ok(outlines >= 51 + 2, `${outlines} paths`);
  assert.equal((await app.$$('#alerts-map path.level-emergency')).length, 1, 'the fire: severe and immediate');
  assert.equal((await app.$$('#alerts-map path.level-watch_and_act')).length, 1, 'the water cut: moderate and immediate');
  assert.ok((await app.$$('#alerts-active .alert-item')).length >= 1, 'the list is still there');
  assert.equal(await (await app.$('#alerts-map')).getAttribute('role'), 'region');
  assert.match(await (await app.$('#alerts-map')).getAttribute('aria-label'), /la liste ci-dessous/);
  let violations = await axeViolations(app);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await screenshot(app, 'alerts-map.png');
  // A tap on an area opens its alert.
  await (await app.$('#alerts-map path.level-emergency')).click();
  await (await app.$('#alert-page')).waitForExist({ timeout: 10000 });
  assert.match(await (await app.$('#alert-headline')).getText(), /Masséna/);

  // The directory map: Monaco's places, clustered, open or closed.
  await (await app.$('#nav-directory')).click();
  await showMap('#directory-map-toggle');
  await eventually(
    async () => (await app.$$('#directory-map .cluster')).length + (await app.$$('#directory-map path.place-marker')).length > 0,
    15000,
    'the places drawn',
  );
  violations = await axeViolations(app);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await (await app.$('#directory-map')).scrollIntoView();
  await screenshot(app, 'directory-map.png');

  // The report picker: a tap on the map; the server finds the commune.
  await (await app.$('#report-open')).click();
  const tile = await app.$('#report-categories button[data-category="cleanliness"]');
  await tile.waitForExist({ timeout: 10000 });
  await tile.click();
  await (await app.$('#report-where-change')).click();
  await (await app.$('#report-where-map')).click();
  const picker = await app.$('#report-map');
  await picker.waitForExist({ timeout: 10000 });
  await picker.scrollIntoView();
  // A real tap, in the middle of Levens' outline (a commune inland).
  const { x, y } = await app.execute(() => {
    const r = document.querySelector('#report-map path.commune-06075').getBoundingClientRect();
    return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
  });
  await app.performActions([
    {
      type: 'pointer',
      id: 'finger',
      parameters: { pointerType: 'mouse' },
      actions: [
        { type: 'pointerMove', duration: 0, origin: 'viewport', x, y },
        { type: 'pointerDown', button: 0 },
        { type: 'pointerUp', button: 0 },
      ],
    },
  ]);
  await app.releaseActions();
  await eventually(async () => /carte \(/.test(await (await app.$('#report-where-summary')).getText()), 5000, 'the point picked');
  const [lat, lon] = (await (await app.$('#report-where-summary')).getText()).match(/-?\d+\.\d+/g).map(Number);
  violations = await axeViolations(app);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  // The territory fills the picker (fitted once the box is laid out): its
  // outlines' box is most of the map's height.
  const fill = await app.execute(() => {
    const map = document.querySelector('#report-map').getBoundingClientRect();
    const svg = document.querySelector('#report-map svg g').getBoundingClientRect();
    return svg.height / map.height;
  });
  assert.ok(fill > 0.8, `the territory fills ${Math.round(fill * 100)} % of the map's height`);
  await screenshot(app, 'report-map.png');
  await (await app.$('#report-description')).setValue('Dépôt sauvage au bord de la route');
  await (await app.$('#report-send')).click();
  const communes = (await (await fetch(`${hall.url}/api/v1/communes?limit=1000`)).json()).items;
  const expected = communeAt(communes, lat, lon);
  let stored;
  await eventually(async () => {
    const list = await (await fetch(`${hall.url}/api/v1/admin/reports`, { headers: { authorization: `Bearer ${token}` } })).json();
    stored = list[0];
    return stored !== undefined;
  }, 15000, 'the report on the server');
  assert.ok(expected, `the centre of the map (${lat}, ${lon}) is in a commune`);
  assert.equal(stored.report.commune, expected);
  assert.equal(stored.report.location.position.lat.toFixed(5), lat.toFixed(5));

  assert.deepEqual(await foreign(app), [], 'nothing fetched from elsewhere');
});

test('about to report a pothole a neighbour already reported, the resident follows theirs instead', async () => {
  const token = await staffToken(hall);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // A kiosk on Place Masséna, in the directory; a neighbour's report 10 m away.
  const place = await fetch(`${hall.url}/api/v1/admin/places`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'Kiosque Masséna', category: 'tobacco', address: { housenumber: null, street: 'Place Masséna', postcode: '06000', city: 'Nice', country: 'FR' },
      position: { lat: 43.6971, lon: 7.2706 }, phone: null, website: null, email: null, wheelchair: null,
      opening_hours: null, crisis: null, delivery: null, takeaway: null, drive_through: null, last_checked: null,
    }),
  });
  assert.ok(place.ok, await place.text());
  const id = crypto.randomUUID();
  const filed = await fetch(`${hall.url}/api/v1/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id, category: 'roads', description: 'Nid-de-poule devant le kiosque', lang: 'fr',
      location: { position: { lat: 43.69718, lon: 7.2706 } }, commune: null, answers: { danger: 'oui' },
    }),
  });
  assert.equal(filed.status, 201, await filed.text());
  await (await app.$('#sync-now')).click();
  await eventually(async () => (await (await app.$('#sync-now')).isEnabled()), 15000, 'synced');

  await (await app.$('#report-open')).click();
  const tile = await app.$('#report-categories button[data-category="roads"]');
  await tile.waitForExist({ timeout: 10000 });
  await tile.click();
  await (await app.$('#report-where-change')).click();
  await (await app.$('input[name="where"][value="place"]')).click();
  await (await app.$('#report-place-search')).setValue('kiosque massena');
  await eventually(
    async () => (await texts(app, '#report-place-results li'))[0]?.includes('Kiosque Masséna') ?? false,
    10000,
    'the kiosk found',
  );
  await (await app.$('#report-place-results li button')).click();
  const nearby = await app.$('#report-nearby');
  await nearby.waitForExist({ timeout: 10000 });
  assert.match(await nearby.getText(), /Nid-de-poule devant le kiosque/);
  // The form says plainly what the town hall will see.
  assert.match(await (await app.$('#report-privacy')).getText(), /reste anonyme/);
  const violations = await axeViolations(app);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
  await nearby.scrollIntoView();
  await screenshot(app, 'report-nearby.png');
  await (await nearby.$('button.follow')).click();

  // Followed, not filed: listed under the reports followed, with its status.
  const followed = await app.$(`#reports-followed li[data-id="${id}"]`);
  await followed.waitForExist({ timeout: 10000 });
  assert.match(await followed.getText(), /reçu/);
  const mine = (await (await fetch(`${hall.url}/api/v1/admin/reports`, { headers })).json()).filter(
    (r) => r.report.category === 'roads',
  );
  assert.equal(mine.length, 1, 'no second pothole report');

  // The kiosk's page follows its alerts: a point place named after it.
  await (await app.$('#nav-directory')).click();
  await (await app.$('#directory-search')).setValue('kiosque massena');
  // The list follows the search after a short pause: wait for the kiosk.
  await eventually(
    async () => (await texts(app, '#places-list li')).length === 1 && (await texts(app, '#places-list li'))[0].includes('Kiosque Masséna'),
    10000,
    'the kiosk alone in the list',
  );
  await (await app.$('#places-list li button')).click();
  await (await app.$('#place-follow')).waitForExist({ timeout: 10000 });
  await (await app.$('#place-follow')).click();
  await eventually(async () => /Vous suivez « Kiosque Masséna »/.test(await (await app.$('#place-followed')).getText()), 10000, 'followed');
  // Listed in the settings, in Nice (found on the device).
  await (await app.$('#settings-open')).click();
  const listed = await app.$('#places-list .place');
  await listed.waitForExist({ timeout: 10000 });
  assert.match(await listed.getText(), /Kiosque Masséna.*Nice/s);
});

/** A 256 px tile: a pale ground and a darker edge (the grid shows in screenshots). */
function tilePng() {
  const size = 256;
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const edge = x === 0 || y === 0;
      const o = y * (size * 3 + 1) + 1 + x * 3;
      raw[o] = edge ? 200 : 238;
      raw[o + 1] = edge ? 205 : 241;
      raw[o + 2] = edge ? 210 : 232;
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('with the town hall\'s base map, tiles come while online, with their credit, and none offline', async () => {
  // tauri-driver drives one window at a time.
  await app?.deleteSession().catch(() => {});
  app = null;
  // A tile server on loopback that counts what it is asked.
  const png = tilePng();
  const asked = [];
  const tiles = createServer((req, res) => {
    asked.push(req.url);
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  const tilePort = await freePort();
  await new Promise((ok) => tiles.listen(tilePort, '127.0.0.1', ok));
  const dir = tempDir('maps-tiles');
  let withTiles, resident;
  try {
    withTiles = await startTownHall(join(dir.dir, 'server'), '127.0.0.1:0', [
      '--tiles-url', `http://127.0.0.1:${tilePort}/{z}/{x}/{y}.png`,
      '--tiles-attribution', 'Fond de carte de test © Beffroi',
      '--tiles-max-zoom', '18',
    ]);
    resident = await openApp(port, ['--server', withTiles.url, '--data', join(dir.dir, 'resident')]);
    await firstRunInNice(resident);
    await (await resident.$('#nav-alerts')).click();
    const toggle = await resident.$('#alerts-map-toggle');
    await toggle.waitForExist({ timeout: 10000 });
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();

    // Online: the tiles are drawn under the outlines, with their credit.
    await eventually(
      async () => (await resident.execute(() => [...document.querySelectorAll('#alerts-map .base-tiles img')].filter((i) => i.complete && i.naturalWidth === 256).length)) > 0,
      15000,
      'tiles drawn',
    ).catch(async (e) => {
      const dump = await resident.execute(() => ({
        imgs: [...document.querySelectorAll('#alerts-map img')].slice(0, 3).map((i) => [i.src, i.complete, i.naturalWidth]),
        layers: document.querySelectorAll('#alerts-map .leaflet-tile-pane *').length,
      }));
      throw new Error(`${e.message} ${JSON.stringify(dump)} asked=${asked.length}`);
    });
    assert.ok(asked.length > 0, 'the tile server was asked');
    assert.ok(asked.every((u) => /^\/\d+\/\d+\/\d+\.png$/.test(u)), asked.join(' '));
    assert.match(await (await resident.$('#alerts-map .leaflet-control-attribution')).getText(), /Fond de carte de test © Beffroi/);
    // The window loads them from the app's own scheme: the core fetched them.
    const elsewhere = (await foreign(resident)).filter((u) => !u.startsWith('tiles:') && !u.startsWith('http://tiles.localhost'));
    assert.deepEqual(elsewhere, []);
    const violations = await axeViolations(resident);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    await screenshot(resident, 'alerts-map-tiles.png');

    // The console's maps draw them too (its policy names the tile server).
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ locale: 'fr-FR' });
      await page.goto(`${withTiles.url}/console/`);
      await page.getByLabel('Identifiant').fill(withTiles.username);
      await page.getByLabel('Mot de passe').fill(withTiles.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.locator('#nav-reports').click();
      await page.locator('#reports-map-toggle').click();
      await page.waitForFunction(() => [...document.querySelectorAll('#reports-map .base-tiles img')].some((i) => i.complete && i.naturalWidth === 256));
      assert.match(await page.locator('#reports-map .leaflet-control-attribution').innerText(), /Fond de carte de test © Beffroi/);
      assert.deepEqual(await axeViolationsInPage(page), []);
    } finally {
      await browser.close();
    }

    // Offline (the town hall is unreachable): the tiles go, and none is asked for.
    await withTiles.stop();
    withTiles = null;
    await (await resident.$('#sync-now')).click();
    await eventually(
      async () => (await resident.execute(() => document.querySelector('#sync-status')?.getAttribute('data-online'))) === 'offline',
      15000,
      'offline',
    );
    await eventually(async () => (await resident.$$('#alerts-map .base-tiles')).length === 0, 5000, 'the tiles removed');
    assert.equal((await resident.$$('#alerts-map .leaflet-control-attribution')).length, 0);
    const before = asked.length;
    // The directory map, opened offline, asks for nothing either.
    await (await resident.$('#nav-directory')).click();
    const dirToggle = await resident.$('#directory-map-toggle');
    await dirToggle.waitForExist({ timeout: 10000 });
    if ((await dirToggle.getAttribute('aria-pressed')) !== 'true') await dirToggle.click();
    await (await resident.$('#directory-map path')).waitForExist({ timeout: 10000 });
    await new Promise((ok) => setTimeout(ok, 1000));
    assert.equal(asked.length, before, 'no tile asked for offline');
    assert.equal((await resident.$$('#directory-map .base-tiles')).length, 0);
  } finally {
    await resident?.deleteSession().catch(() => {});
    await withTiles?.stop();
    tiles.close();
    dir.cleanup();
  }
});
