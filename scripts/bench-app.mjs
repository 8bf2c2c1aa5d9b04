// `make bench-app`: what a resident's device pays for Beffroi (issue 12's
// targets), measured, not estimated:
// - the web app's transfer on a first visit (until its first screen lists the
//   communes and its service worker is installed) and on a repeat visit (from
//   the service worker), as bytes on the wire (compressed bodies and headers),
//   in Debian's Chromium against a demo town hall on loopback;
// - the desktop app as shipped (`dist` profile): the binary's size, cold start to its first
//   painted screen (the front end says so to the core, which logs it), and
//   idle memory (PSS summed over the app and WebKit's processes).
// Run under a display: `xvfb-run -a dbus-run-session -- node scripts/bench-app.mjs`.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { launchChromium, repoRoot, startTownHall, tempDir } from '../tests/ui/harness.mjs';

const RUNS = 5;
const targetDir = process.env.CARGO_TARGET_DIR ?? join(repoRoot, 'target');
// The app as shipped: the `dist` profile (Cargo.toml), else a plain release build.
const PROFILE = process.env.BENCH_PROFILE ?? 'dist';
const release = join(targetDir, PROFILE, 'beffroi-app');
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Bytes on the wire of every request the page and its worker made (not those the worker answered). */
function meter(ctx) {
  const m = { bytes: 0, requests: 0, largest: [] };
  ctx.on('requestfinished', async (req) => {
    const res = await req.response();
    if (!res || res.fromServiceWorker()) return;
    const s = await req.sizes();
    const n = s.responseBodySize + s.responseHeadersSize;
    m.bytes += n;
    m.requests += 1;
    m.largest = [...m.largest, [n, `${req.serviceWorker() ? 'worker ' : ''}${new URL(req.url()).pathname}`]].sort((a, b) => b[0] - a[0]).slice(0, 4);
  });
  return m;
}

async function web(hall) {
  const browser = await launchChromium();
  try {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'fr-FR', serviceWorkers: 'allow' });
    const first = meter(ctx);
    const page = await ctx.newPage();
    await page.goto(`${hall.url}/`);
    await page.locator('#web-setup input[type=checkbox]').first().waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForLoadState('networkidle');
    const firstVisit = { ...first };
    // A repeat visit: the same browser, the page opened again.
    first.bytes = 0;
    first.requests = 0;
    first.largest = [];
    await page.reload();
    await page.locator('#web-setup input[type=checkbox]').first().waitFor();
    await page.waitForLoadState('networkidle');
    return { firstVisit, repeat: { ...first } };
  } finally {
    await browser.close();
  }
}

/** The PIDs of `pid` and all its descendants. */
function tree(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** PSS in bytes of each of `pids` still running, by process name. */
function pss(pids) {
  const each = [];
  for (const p of pids) {
    try {
      const m = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      const name = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      if (m) each.push([name, Number(m[1]) * 1024]);
    } catch {
      // Gone meanwhile.
    }
  }
  return each;
}

/** Starts the app on a fresh data dir: ms until its first screen is painted, and its idle PSS. */
async function desktopRun(hall) {
  const data = tempDir('bench-app');
  const started = performance.now();
  const startedAt = Date.now();
  const child = spawn(release, ['--server', hall.url, '--data', data.dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
  // The steps of the start, in ms after the spawn: the core's from its log's
  // clock, the page's from the marks it sends with the first paint.
  const steps = {};
  try {
    const painted = await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('no first paint within 30 s')), 30000);
      // The log goes to standard output.
      const seen = (raw) => {
        const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
        const at = Date.parse(line.split(' ')[0]) - startedAt;
        if (line.includes('resident store opened')) steps.store = at;
        if (line.includes('app set up')) steps.setup = at;
        if (line.includes('first screen painted')) {
          clearTimeout(timer);
          const mark = (name) => Number(line.match(new RegExp(`${name}_ms=([0-9.]+)`))?.[1]);
          const origin = mark('page_origin') - startedAt;
          Object.assign(steps, { navigation: origin, script: origin + mark('script'), settings: origin + mark('settings'), drawn: origin + mark('drawn') });
          ok(performance.now() - started);
        }
      };
      createInterface({ input: child.stdout }).on('line', seen);
      createInterface({ input: child.stderr }).on('line', () => {});
      child.once('exit', (code) => fail(new Error(`the app exited (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 5000));
    const each = pss(tree(child.pid));
    return { painted, steps, pss: each.reduce((sum, [, n]) => sum + n, 0), each };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    data.cleanup();
  }
}

const data = tempDir('bench-hall');
const hall = await startTownHall(join(data.dir, 'server'));
try {
  const { firstVisit, repeat } = await web(hall);
  const largest = (m) => m.largest.map(([n, what]) => `${what} ${kib(n)}`).join(', ');
  console.log(`web app, first visit:  ${kib(firstVisit.bytes)} on the wire in ${firstVisit.requests} requests (target ≤ 300 KiB); largest: ${largest(firstVisit)}`);
  console.log(`web app, repeat visit: ${kib(repeat.bytes)} on the wire in ${repeat.requests} requests (the rest from the service worker); largest: ${largest(repeat)}`);
  let size;
  try {
    size = statSync(release).size;
  } catch {
    console.log(`desktop app: ${release} is not built (cargo build --profile ${PROFILE} -p beffroi-app)`);
    process.exitCode = 1;
  }
  if (size !== undefined) {
    console.log(`desktop app, ${PROFILE} binary: ${(size / 1e6).toFixed(1)} MB (target ≤ 15 MB)`);
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await desktopRun(hall));
    const starts = runs.map((r) => r.painted);
    console.log(`desktop app, start to first painted screen: median ${median(starts).toFixed(0)} ms, first ${starts[0].toFixed(0)} ms, max ${Math.max(...starts).toFixed(0)} ms over ${RUNS} runs (target ≤ 500 ms)`);
    const step = (name) => median(runs.map((r) => r.steps[name] ?? NaN)).toFixed(0);
    console.log(
      `  its steps (median ms after the spawn): store opened ${step('store')}, setup done ${step('setup')}, page's navigation ${step('navigation')}, ` +
        `app's script ${step('script')}, settings in hand ${step('settings')}, first screen drawn ${step('drawn')}`,
    );
    console.log(`desktop app, idle PSS (app + WebKit processes), 5 s after the first paint: median ${(median(runs.map((r) => r.pss)) / 2 ** 20).toFixed(0)} MiB (target ≤ 200 MiB)`);
    const mib = (n) => `${(n / 2 ** 20).toFixed(0)} MiB`;
    console.log(`  by process, last run: ${runs[RUNS - 1].each.map(([name, n]) => `${name} ${mib(n)}`).join(', ')}`);
  }
} finally {
  await hall.stop();
  data.cleanup();
}
