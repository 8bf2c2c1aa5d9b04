// Shared fixtures for the UI end-to-end tests: real binaries from the cargo
// target dir, a real town hall server on 127.0.0.1:0, temporary data dirs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const targetDir = process.env.CARGO_TARGET_DIR
  ? resolve(repoRoot, process.env.CARGO_TARGET_DIR)
  : join(repoRoot, 'target');
export const bin = (name) => join(targetDir, 'debug', name);

/** Where screenshots go (kept after the run). */
export const artifacts = join(repoRoot, 'tests/ui/artifacts');
mkdirSync(artifacts, { recursive: true });

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `beffroi-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Waits for a child's exit, killing it with SIGKILL after `ms`. */
export function stopChild(child, ms = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    child.kill('SIGTERM');
  });
}

/** Loads the real OSM extract into the server data in `dataDir` (before it starts). */
export function importPlaces(dataDir) {
  const out = spawnSync(
    bin('beffroi-server'),
    ['import', 'places', join(repoRoot, 'data/osm-monaco-pois.geojson'), '--data', dataDir],
    { encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`import failed: ${out.stderr}`);
  return out.stdout;
}

/**
 * Starts `beffroi-server serve --demo` over `dataDir`, on a free port or on
 * `listen` (to restart a server where its clients expect it), with `args` more.
 * Resolves with { url, username, password, stop } once it prints its listening line.
 */
export function startTownHall(dataDir, listen = '127.0.0.1:0', args = []) {
  const child = spawn(bin('beffroi-server'), ['serve', '--demo', '--listen', listen, '--data', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    let creds = {};
    const lines = createInterface({ input: child.stdout });
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`beffroi-server exited early (${code})`)));
    lines.on('line', (line) => {
      const m = line.match(/username=(\S+) password=(\S+)/);
      if (m) creds = { ...creds, username: m[1], password: m[2] };
      const k = line.match(/^demo Open311 api_key=(\S+)$/);
      if (k) creds = { ...creds, open311Key: k[1] };
      const l = line.match(/^listening on (http:\/\/\S+)$/);
      if (l) {
        child.removeAllListeners('exit');
        ok({ url: l[1], ...creds, child, stop: () => stopChild(child) });
      }
    });
  });
}

/** A staff bearer token for `hall` (its demo account), for the staff API. */
export async function staffToken(hall) {
  const login = await fetch(`${hall.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: hall.username, password: hall.password }),
  });
  return (await login.json()).token;
}

/**
 * Drafts and publishes an alert through the staff API: a fire, severe and
 * immediate unless said otherwise, over `area`. Resolves with `cancel()`.
 */
export async function publishAlert(hall, token, { headline, area, status = 'actual', severity = 'severe', web = undefined }) {
  const call = async (path, body) => {
    const res = await fetch(`${hall.url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
    return json;
  };
  const draft = await call('/admin/alerts', {
    status, category: 'fire', event: 'Feu', urgency: 'immediate', severity, certainty: 'observed',
    texts: [{ lang: 'fr', headline, description: 'Éloignez-vous de la zone.', web }], area,
  });
  await call(`/admin/alerts/${draft.id}/publish`);
  return { cancel: () => call(`/admin/alerts/${draft.id}/cancel`) };
}

/** Debian's Chromium, headless, with the flags that work as root on a closed network. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Registers before/after hooks for a console test: a demo town hall and a
 * Chromium, both stopped afterwards. Returns an object filled by `before`.
 */
export function consoleFixture(name, { before, after }, args = []) {
  const f = {};
  before(async () => {
    f.data = tempDir(name);
    f.hall = await startTownHall(join(f.data.dir, 'server'), '127.0.0.1:0', args);
    f.browser = await launchChromium();
  });
  after(async () => {
    await f.browser?.close();
    await f.hall?.stop();
    f.data?.cleanup();
  });
  return f;
}

/**
 * Registers before/after hooks for a resident-window test: a demo town hall
 * (with the Monaco places when `places`) and tauri-driver, stopped
 * afterwards, and the window the test puts in `f.app`, closed. Returns an
 * object filled by `before`.
 */
export function appFixture(name, { before, after }, { places = false } = {}) {
  const f = {};
  before(async () => {
    f.data = tempDir(name);
    if (places) importPlaces(join(f.data.dir, 'server'));
    f.hall = await startTownHall(join(f.data.dir, 'server'));
    ({ port: f.port, child: f.driver } = await startTauriDriver());
  });
  after(async () => {
    await f.app?.deleteSession().catch(() => {});
    if (f.driver) await stopChild(f.driver);
    await f.hall?.stop();
    f.data?.cleanup();
  });
  return f;
}

/** Polls `fn` until it returns a truthy value or `ms` pass. */
export async function eventually(fn, ms = 15000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

const TAURI_DRIVER = process.env.TAURI_DRIVER ?? join(homedir(), '.cargo/bin/tauri-driver');

/** Starts tauri-driver on free ports; resolves with { port, child } once it answers. */
export async function startTauriDriver() {
  const port = await freePort();
  const nativePort = await freePort();
  const child = spawn(TAURI_DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/status`)).ok, 15000, 'tauri-driver');
  return { port, child };
}

/** A WebDriver session on a new resident window (`beffroi-app` with `args`). */
export async function openApp(port, args) {
  const { remote } = await import('webdriverio');
  return remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    capabilities: { 'tauri:options': { application: bin('beffroi-app'), args } },
  });
}

/** Screenshots after the webview has painted the current DOM. */
export async function screenshot(b, name) {
  await b.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await b.saveScreenshot(join(artifacts, name));
}

/** The text of every element matching `selector` in the window. */
export const texts = (b, selector) =>
  b.execute((s) => [...document.querySelectorAll(s)].map((e) => e.textContent ?? ''), selector);

/** The summaries of the notifications the desktop showed (dunst's history:
 * closing the ones on screen moves them there). */
export function notifications() {
  spawnSync('dunstctl', ['close-all']);
  const out = spawnSync('dunstctl', ['history'], { encoding: 'utf8' });
  if (out.status !== 0) return [];
  return JSON.parse(out.stdout).data.flat().map((n) => n.summary.data);
}

/** The first run in French for Nice, then waits until the app is online. */
export async function firstRunInNice(app) {
  const select = await app.$('#home-commune');
  await select.waitForExist({ timeout: 20000 });
  await (await app.$('input[name="lang"][value="fr"]')).click();
  await select.selectByAttribute('value', '06088');
  await (await app.$('#first-run-submit')).click();
  // A first window right after a build can be slow to settle; if the main
  // screen does not come, say what the window shows instead.
  try {
    await (await app.$('nav.tabs')).waitForExist({ timeout: 30000 });
  } catch (e) {
    await screenshot(app, 'first-run-stuck.png').catch(() => {});
    const shown = await app.execute(() => document.body?.innerText ?? '').catch(() => '');
    throw new Error(`the main screen did not come after the first run: ${e.message}\n${shown}`);
  }
  await eventually(
    async () => (await app.execute(() => document.querySelector('#sync-status')?.getAttribute('data-online'))) === 'online',
    15000,
    'online',
  );
}

/**
 * Starts counting what the resident does in the window, as a person would
 * count it: every press of the mouse (or tap) anywhere — a tap into a text
 * field to type in it counts, as in the issue's "9 clicks and 2 fields" — and
 * the text fields typed into. Resolves with `read()` → { clicks, typed }
 * (`typed`: the typed fields' ids, each once). Pressed buttons dispatch a
 * `mousedown` first; a label forwarding its click to its input does not, so
 * a click is never counted twice.
 */
export async function countActions(b) {
  await b.execute(() => {
    const flow = { clicks: 0, typed: [] };
    const text = 'textarea, input:not([type]), input[type="text"], input[type="search"], input[type="email"], input[type="tel"], input[type="url"], input[type="number"]';
    document.addEventListener('mousedown', () => (flow.clicks += 1), true);
    document.addEventListener(
      'input',
      (e) => {
        const el = e.target;
        if (el instanceof Element && el.matches(text) && !flow.typed.includes(el.id)) flow.typed.push(el.id);
      },
      true,
    );
    window.__beffroiFlow = flow;
  });
  return { read: () => b.execute(() => ({ ...window.__beffroiFlow })) };
}

/** The WCAG contrast ratio of two CSS `rgb(…)` colours. */
export function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

const AXE = join(dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js');

/** The serious and critical accessibility violations axe-core finds in the
 * resident window `b` (WebDriver) as it is now: [{ id, impact, nodes }]. */
export async function axeViolations(b) {
  await b.execute(readFileSync(AXE, 'utf8'));
  return b.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) =>
        done(
          r.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })),
        ),
      )
      .catch((e) => done([{ id: 'axe-error', impact: 'critical', nodes: [String(e)] }]));
  });
}

/** The same for a Chromium page (playwright-core). */
export async function axeViolationsInPage(page) {
  // Evaluated through the DevTools protocol: the console's CSP does not apply.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
