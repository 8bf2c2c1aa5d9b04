// Differential test: Beffroi's opening_hours evaluation (beffroi_domain::hours, through the
// `hours_eval` example) against opening_hours.js, the reference implementation OSM's editors and
// validators use, over the shared corpora copied into tests/fixtures/opening_hours/.
//
// Every expression both accept is evaluated at the same instants (French public holidays,
// Monaco's, both DST switches, midnight boundaries, ordinary days) in Europe/Paris with the
// place's country. Any disagreement fails the run unless the expression is listed in
// tests/fixtures/opening_hours/accepted_differences.json with a reason documented in
// docs/directory.md; a listed expression that no longer differs fails it too, so the list stays
// true. Expressions only one side accepts are counted, not compared.
//
// Run with TZ=Europe/Paris (opening_hours.js reads dates in the process's time zone):
// `npm test` in this folder.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpeningHours from 'opening_hours';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'tests', 'fixtures', 'opening_hours');

function fail(message) {
  console.error(`opening_hours differential: ${message}`);
  process.exit(1);
}

// opening_hours.js evaluates in the process's local time; check it is the territory's.
if (new Date('2026-07-14T10:00:00Z').getTimezoneOffset() !== -120
    || new Date('2026-12-25T10:00:00Z').getTimezoneOffset() !== -60) {
  fail('run with TZ=Europe/Paris (npm test sets it)');
}

// Wall-clock instants with their offset (unambiguous across DST), 2026 unless said otherwise.
const INSTANTS = [
  // An ordinary week (Monday 7 to Sunday 13 December; 8 December is a holiday in Monaco only).
  '2026-12-07T00:00:00+01:00', '2026-12-07T07:59:00+01:00', '2026-12-07T08:00:00+01:00',
  '2026-12-07T10:00:00+01:00', '2026-12-07T12:30:00+01:00', '2026-12-07T13:45:00+01:00',
  '2026-12-07T18:30:00+01:00', '2026-12-07T19:45:00+01:00', '2026-12-07T22:30:00+01:00',
  '2026-12-07T23:59:00+01:00', '2026-12-08T10:00:00+01:00', '2026-12-08T20:00:00+01:00',
  '2026-12-09T09:00:00+01:00', '2026-12-09T15:00:00+01:00', '2026-12-10T12:30:00+01:00',
  '2026-12-10T20:00:00+01:00', '2026-12-11T10:00:00+01:00', '2026-12-11T18:00:00+01:00',
  '2026-12-11T23:59:59+01:00', '2026-12-12T00:00:00+01:00', '2026-12-12T10:00:00+01:00',
  '2026-12-12T15:00:00+01:00', '2026-12-12T21:00:00+01:00', '2026-12-13T00:30:00+01:00',
  '2026-12-13T10:00:00+01:00', '2026-12-13T16:00:00+01:00', '2026-12-13T23:59:59+01:00',
  '2026-12-14T00:00:00+01:00',
  // Summer days (CEST), a weekday, a Saturday, a Sunday.
  '2026-06-17T10:00:00+02:00', '2026-06-17T21:30:00+02:00', '2026-08-22T11:00:00+02:00',
  '2026-07-19T11:00:00+02:00', '2026-09-01T09:00:00+02:00',
  // French public holidays (and the days around Christmas and New Year).
  '2026-01-01T11:00:00+01:00', '2026-04-06T10:00:00+02:00', '2026-04-06T15:00:00+02:00',
  '2026-05-01T10:00:00+02:00', '2026-05-08T10:00:00+02:00', '2026-05-14T10:00:00+02:00',
  '2026-05-25T10:00:00+02:00', '2026-07-14T10:00:00+02:00', '2026-07-14T19:45:00+02:00',
  '2026-08-15T10:00:00+02:00', '2026-11-01T11:00:00+01:00', '2026-11-11T10:00:00+01:00',
  '2026-12-24T18:00:00+01:00', '2026-12-25T10:00:00+01:00', '2026-12-25T12:30:00+01:00',
  '2026-12-26T10:00:00+01:00', '2026-12-31T23:59:00+01:00', '2027-01-01T00:00:00+01:00',
  // Monaco's own holidays: Sainte Dévote, Fête-Dieu, Fête du Prince.
  '2026-01-27T10:00:00+01:00', '2026-06-04T10:00:00+02:00', '2026-11-19T10:00:00+01:00',
  // Spring forward, Sunday 29 March (02:00 CET becomes 03:00 CEST), and the days around it.
  '2026-03-28T23:30:00+01:00', '2026-03-29T00:00:00+01:00', '2026-03-29T01:59:00+01:00',
  '2026-03-29T03:00:00+02:00', '2026-03-29T03:30:00+02:00', '2026-03-29T10:00:00+02:00',
  '2026-03-30T00:30:00+02:00',
  // Fall back, Sunday 25 October (03:00 CEST becomes 02:00 CET: 02:30 happens twice).
  '2026-10-25T01:30:00+02:00', '2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00',
  '2026-10-25T03:00:00+01:00', '2026-10-25T10:00:00+01:00',
  // Another year and month.
  '2027-02-15T10:00:00+01:00', '2027-02-28T15:00:00+01:00',
];

// Where the reference evaluates: a place in Nice (Provence-Alpes-Côte d'Azur), or in Monaco. The
// coordinates are strings, as Nominatim gives them: opening_hours.js ignores numbers and then
// puts sunrise at 06:00 and sunset at 18:00.
const NOMINATIM = {
  FR: { lat: '43.7034', lon: '7.2663', address: { country_code: 'fr', state: "Provence-Alpes-Côte d'Azur" } },
  MC: { lat: '43.7384', lon: '7.4246', address: { country_code: 'mc', state: '' } },
};

function corpora() {
  const expressions = [];
  const add = (corpus, value, country) => expressions.push({ corpus, value, country });
  for (const line of readFileSync(join(fixtures, 'monaco_opening_hours_values.txt'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const tab = line.indexOf('\t');
    if (tab < 0) fail(`monaco_opening_hours_values.txt: no count<TAB>value in ${JSON.stringify(line)}`);
    add('monaco', line.slice(tab + 1), 'MC');
  }
  for (const line of readFileSync(join(fixtures, 'opening_hours_rs_sample.txt'), 'utf8').split('\n')) {
    if (line.trim() !== '') add('opening-hours-rs sample', line, 'FR');
  }
  const js = JSON.parse(readFileSync(join(fixtures, 'opening_hours_js_values.json'), 'utf8'));
  for (const value of js.values) add('opening_hours.js tests', value, 'FR');
  return expressions;
}

const key = (e) => `${e.country}\u0000${e.value}`;

// The accepted differences, each with a reason that docs/directory.md explains.
function acceptedDifferences() {
  const list = JSON.parse(readFileSync(join(fixtures, 'accepted_differences.json'), 'utf8'));
  const doc = readFileSync(join(root, 'docs', 'directory.md'), 'utf8');
  const accepted = new Map();
  for (const entry of list.differences) {
    if (!list.reasons[entry.reason]) fail(`accepted difference with an unknown reason: ${JSON.stringify(entry)}`);
    if (!doc.includes(`${entry.country} \`${JSON.stringify(entry.value)}\``)) {
      fail(`docs/directory.md does not list the accepted difference ${entry.country} \`${JSON.stringify(entry.value)}\``);
    }
    accepted.set(key(entry), entry);
  }
  for (const reason of Object.keys(list.reasons)) {
    if (!doc.includes(`\`${reason}\``)) fail(`docs/directory.md does not explain the accepted reason \`${reason}\``);
  }
  return accepted;
}

function reference(expression, dates) {
  let oh;
  try {
    oh = new OpeningHours(expression.value, NOMINATIM[expression.country], { mode: 0, tag_key: 'opening_hours' });
  } catch (e) {
    return { error: String(e).split('\n')[0] };
  }
  const throws = [];
  const states = dates.map((d, j) => {
    try {
      return oh.getUnknown(d) ? 'u' : oh.getState(d) ? 'o' : 'c';
    } catch (e) {
      // Bug in opening_hours.js: sun events throw "does not occur on this date" at 01:30 CEST
      // on 25 October 2026 (the fall-back night). Such an instant is not compared.
      throws.push(`${INSTANTS[j]}: ${String(e).split('\n')[0]}`);
      return 'x';
    }
  }).join('');
  return { states, throws };
}

function beffroi(expressions) {
  const cargo = process.env.CARGO || 'cargo';
  const run = spawnSync(
    cargo,
    ['run', '--quiet', '-p', 'beffroi-domain', '--example', 'hours_eval'],
    {
      cwd: root,
      input: JSON.stringify({
        instants: INSTANTS,
        expressions: expressions.map(({ value, country }) => ({ value, country })),
      }),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  if (run.error) fail(`could not run ${cargo}: ${run.error.message}`);
  if (run.status !== 0) fail(`hours_eval exited with ${run.status}`);
  return JSON.parse(run.stdout);
}

const started = Date.now();
const expressions = corpora();
const accepted = acceptedDifferences();
const dates = INSTANTS.map((s) => new Date(s));
const ours = beffroi(expressions);
if (ours.length !== expressions.length) fail('hours_eval answered for a different number of expressions');

const counts = { both: 0, neither: 0, onlyReference: 0, onlyBeffroi: 0, referenceThrows: 0, agree: 0, accepted: 0 };
const disagreements = [];
const seenAccepted = new Set();
const thrown = new Set();
const compared = new Set();
expressions.forEach((expression, i) => {
  const k = key(expression);
  if (compared.has(k)) return; // the same value in two corpora
  compared.add(k);
  const theirs = reference(expression, dates);
  const mine = ours[i];
  if (theirs.error && mine.error) return void counts.neither++;
  if (theirs.error) return void counts.onlyBeffroi++;
  if (mine.error) return void counts.onlyReference++;
  counts.both++;
  counts.referenceThrows += theirs.throws.length;
  for (const t of theirs.throws) thrown.add(t);
  const differs = (j) => theirs.states[j] !== 'x' && theirs.states[j] !== mine.states[j];
  if (!INSTANTS.some((_, j) => differs(j))) return void counts.agree++;
  const detail = INSTANTS.flatMap((s, j) => (differs(j)
    ? [`${s} opening_hours.js=${theirs.states[j]} beffroi=${mine.states[j]}`] : []));
  if (accepted.has(k)) {
    counts.accepted++;
    seenAccepted.add(k);
    return;
  }
  disagreements.push({ ...expression, detail });
});

const stale = [...accepted.entries()].filter(([k]) => !seenAccepted.has(k)).map(([, e]) => e);

const distinct = compared.size;
console.log(
  `opening_hours differential: ${distinct} distinct expressions (${expressions.length} in the corpora), `
  + `${INSTANTS.length} instants; both accept ${counts.both} (${counts.both * INSTANTS.length - counts.referenceThrows} evaluations compared), `
  + `only opening_hours.js ${counts.onlyReference}, only Beffroi ${counts.onlyBeffroi}, neither ${counts.neither}, `
  + `opening_hours.js throws at ${counts.referenceThrows} evaluations (not compared); `
  + `${counts.agree} agree, ${counts.accepted} accepted differences, ${disagreements.length} not accepted `
  + `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
);

for (const t of thrown) console.log(`opening_hours.js throws (not compared): ${t}`);
for (const d of disagreements) {
  console.log(`\nDISAGREE [${d.corpus}, ${d.country}] ${JSON.stringify(d.value)}`);
  const shown = process.env.OH_DIFF_VERBOSE ? d.detail.length : 8;
  for (const line of d.detail.slice(0, shown)) console.log(`  ${line}`);
  if (d.detail.length > shown) console.log(`  … ${d.detail.length - shown} more instants`);
}
for (const e of stale) {
  console.log(`\nSTALE accepted difference (they agree now; remove it): ${JSON.stringify(e)}`);
}
if (disagreements.length || stale.length) {
  fail(`${disagreements.length} disagreement(s) not listed in tests/fixtures/opening_hours/accepted_differences.json, `
    + `${stale.length} stale entr${stale.length === 1 ? 'y' : 'ies'} (see docs/directory.md, "Differences with opening_hours.js")`);
}
