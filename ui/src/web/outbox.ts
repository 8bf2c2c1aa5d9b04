// The web app's outbox: a report filed in the page is kept in the browser
// (IndexedDB, photos included) until the town hall has it, then with the
// secret that lets the page follow its status. Sent with the id made here,
// so sending again after a lost answer stores it once (the server answers
// the same receipt).
import type { NewReport } from '../bindings/NewReport';
import type { OutboxState } from '../bindings/OutboxState';
import type { ReporterView } from '../bindings/ReporterView';
import type { ReportReceipt } from '../bindings/ReportReceipt';
import { coalesced } from '../lib/coalesce';

export type Queued = {
  id: string;
  report: NewReport;
  photos: Blob[];
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  queued_at: string;
  secret: string | null;
  view: ReporterView | null;
};

const DB = 'beffroi-web';
const STORE = 'outbox';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, fail) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

let db: Promise<IDBDatabase> | null = null;
function open(): Promise<IDBDatabase> {
  db ??= new Promise((ok, fail) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'id' });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  return db;
}

async function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await open()).transaction(STORE, mode).objectStore(STORE);
}

export async function all(): Promise<Queued[]> {
  const list = await request((await store('readonly')).getAll() as IDBRequest<Queued[]>);
  return list.sort((a, b) => b.queued_at.localeCompare(a.queued_at));
}

export async function get(id: string): Promise<Queued | undefined> {
  return request((await store('readonly')).get(id) as IDBRequest<Queued | undefined>);
}

export async function put(q: Queued): Promise<void> {
  await request((await store('readwrite')).put(q));
}

/** Keeps a report to send, with its photos (already cleaned); returns its id. */
export async function queue(report: NewReport, photos: Blob[]): Promise<string> {
  const id = report.id || crypto.randomUUID();
  await put({
    id,
    report: { ...report, id },
    photos,
    state: 'queued',
    attempts: 0,
    last_error: null,
    queued_at: new Date().toISOString(),
    secret: null,
    view: null,
  });
  return id;
}

/** What sending one report came to. */
export type Outcome =
  | { kind: 'sent'; receipt: ReportReceipt }
  | { kind: 'refused'; message: string }
  | { kind: 'retry'; message: string };

/** Sends one report as the server takes it: multipart, the report then its photos. */
export async function send(q: Queued, lang: string, offline: string): Promise<Outcome> {
  const form = new FormData();
  form.append('report', new Blob([JSON.stringify(q.report)], { type: 'application/json' }));
  q.photos.forEach((p, i) => form.append('photo', p, `photo-${i + 1}.jpg`));
  let res: Response;
  try {
    res = await fetch('/api/v1/reports', { method: 'POST', body: form, headers: { 'Accept-Language': lang } });
  } catch {
    return { kind: 'retry', message: offline };
  }
  const body = (await res.json().catch(() => null)) as (ReportReceipt & { error?: { message: string } }) | null;
  if (res.ok && body) return { kind: 'sent', receipt: body };
  const message = body?.error?.message ?? String(res.status);
  // Too many, or the server's trouble: later. Anything else: the report itself is refused.
  return res.status === 429 || res.status >= 500 ? { kind: 'retry', message } : { kind: 'refused', message };
}

/** Sends every report waiting, one at a time; one flush at a time (a report
 * queued during one is sent by another right after). */
export const flush = coalesced(async (lang: string, offline: string): Promise<void> => {
  for (const q of await all()) {
    if (q.state !== 'queued' && q.state !== 'sending') continue;
    const outcome = await send(q, lang, offline);
    const now = (await get(q.id)) ?? q;
    now.attempts += 1;
    if (outcome.kind === 'sent') {
      now.state = 'sent';
      now.secret = outcome.receipt.secret;
      now.last_error = null;
    } else {
      now.state = outcome.kind === 'refused' ? 'failed' : 'queued';
      now.last_error = outcome.message;
    }
    await put(now);
    if (outcome.kind === 'retry') break;
  }
});
