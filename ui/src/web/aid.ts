// Mutual aid in the web app: what the desktop core does from its store
// (`beffroi_client::aid`), done in the browser. The published posts are
// kept (localStorage) for offline browsing and synced as a delta with
// tombstones; the device's posting key is made once and sent only in a
// header; what cannot reach the town hall waits in an outbox sent in order
// (a refusal is said at once when online, nothing kept); the inbox (its
// posts, conversations, messages) is read after each sending and while
// the screen is open (a browser's live stream cannot carry the key).
import type { AidBackend } from '../app/Aid.svelte';
import type { AidInbox } from '../bindings/AidInbox';
import type { AidKind } from '../bindings/AidKind';
import type { AidListing } from '../bindings/AidListing';
import type { AidMessage } from '../bindings/AidMessage';
import type { AidMine } from '../bindings/AidMine';
import type { AidPost } from '../bindings/AidPost';
import type { AidQueued } from '../bindings/AidQueued';
import type { AidRequest } from '../bindings/AidRequest';
import type { Commune } from '../bindings/Commune';
import type { PlaceResult } from '../bindings/PlaceResult';
import type { Position } from '../bindings/Position';
import type { SyncPage } from '../bindings/SyncPage';
import { WebError, call } from './backend';
import * as reportOutbox from './outbox';
import { loadState } from './state';
import { roundPoint } from './aidpoint';

const KEY = 'beffroi-web-aid-key';
const POSTS = 'beffroi-web-aid';
const OUTBOX = 'beffroi-web-aid-outbox';
const INBOX = 'beffroi-web-aid-inbox';

type Kept = { cursor: number; posts: AidPost[] };
type KeptInbox = { cursor: number; inbox: AidInbox; messages: AidMessage[] };
type Waiting = AidQueued & { key: string };

function read<T>(name: string, empty: T): T {
  try {
    return (JSON.parse(localStorage.getItem(name) ?? 'null') as T | null) ?? empty;
  } catch {
    return empty;
  }
}
/** Keeps a value; a full storage is said, not thrown into the middle of a sending. */
function write(name: string, value: unknown): boolean {
  try {
    localStorage.setItem(name, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

/** A refusal for good (not "too many", not "too slow": those are tried again). */
const refused = (e: unknown) => e instanceof WebError && e.kind === 'invalid' && e.status !== 408 && e.status !== 429;

/** One change of the outbox at a time, across this page's callers and the browser's tabs. */
let chain: Promise<unknown> = Promise.resolve();
function exclusive<T>(run: () => Promise<T>): Promise<T> {
  const locked = (): Promise<T> =>
    navigator.locks ? (navigator.locks.request('beffroi-aid-outbox', run) as Promise<T>) : run();
  const next = chain.then(locked, locked);
  chain = next.catch(() => {});
  return next;
}

/** Changes one entry of the outbox as it is now (never a stale copy of the whole). */
function update(key: string, change: (w: Waiting | undefined) => Waiting | null) {
  const waiting = read<Waiting[]>(OUTBOX, []);
  const i = waiting.findIndex((w) => w.key === key);
  const next = change(i >= 0 ? waiting[i] : undefined);
  if (i >= 0) waiting.splice(i, 1);
  if (next) waiting.splice(i >= 0 ? i : waiting.length, 0, next);
  write(OUTBOX, waiting);
}

/** This browser's posting key (32 random bytes, URL-safe Base64), made at first use. */
function key(): string {
  let k = localStorage.getItem(KEY);
  if (!k) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    k = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    localStorage.setItem(KEY, k);
  }
  return k;
}

/** The metres between two points (haversine). */
function distance(a: Position, b: Position): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(r(b.lat - a.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** The request's id in the outbox: the same request twice is one. */
function keyOf(r: AidRequest): string {
  switch (r.kind) {
    case 'post':
      return `post:${r.post.id}`;
    case 'withdraw':
      return `withdraw:${r.post}`;
    case 'message':
      return `message:${r.message.id}`;
    case 'contact':
      return `contact:${r.thread}`;
    case 'abuse':
      return `abuse:${r.post}`;
    case 'close':
      return `close:${r.thread}`;
  }
}

/** The call a request makes. */
function request(r: AidRequest): [string, string, unknown] {
  switch (r.kind) {
    case 'post':
      return ['POST', '/api/v1/aid/posts', r.post];
    case 'withdraw':
      return ['DELETE', `/api/v1/aid/posts/${encodeURIComponent(r.post)}`, undefined];
    case 'message':
      return ['POST', '/api/v1/aid/messages', r.message];
    case 'contact':
      return ['PUT', `/api/v1/aid/threads/${encodeURIComponent(r.thread)}/contact`, { contact: r.contact }];
    case 'abuse':
      return ['POST', `/api/v1/aid/posts/${encodeURIComponent(r.post)}/abuse`, { reason: r.reason }];
    case 'close':
      return ['DELETE', `/api/v1/aid/threads/${encodeURIComponent(r.thread)}`, undefined];
  }
}

async function send(r: AidRequest, lang: string): Promise<void> {
  const [method, path, body] = request(r);
  await call(path, lang, {
    method,
    headers: { 'Beffroi-Aid-Key': key(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Sends what waits, in order, up to the first that must wait again. */
function flush(lang: string): Promise<void> {
  return exclusive(async () => {
    for (const w of read<Waiting[]>(OUTBOX, []).filter((x) => x.state === 'queued')) {
      try {
        await send(w.request, lang);
        update(w.key, () => null);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        update(w.key, (now) => (now ? { ...now, attempts: now.attempts + 1, last_error: message, state: refused(e) ? 'failed' : 'queued' } : null));
        if (!refused(e)) break;
      }
    }
  });
}

/**
 * Sends a request now; out of reach (or the town hall busy) it waits in
 * the outbox. A refusal is thrown (nothing kept): the form says why.
 * Resolves whether it was sent (else kept).
 */
async function submit(r: AidRequest, lang: string): Promise<boolean> {
  await flush(lang).catch(() => {});
  return exclusive(async () => {
    const queued = read<Waiting[]>(OUTBOX, []).some((w) => w.state === 'queued');
    if (!queued) {
      try {
        await send(r, lang);
        return true;
      } catch (e) {
        if (refused(e)) throw e;
      }
    }
    update(keyOf(r), () => ({ key: keyOf(r), request: r, state: 'queued', attempts: 0, last_error: null }));
    return false;
  });
}

/** Reads the published posts after the kept cursor (page by page). */
async function pullPosts(lang: string): Promise<void> {
  const kept = read<Kept>(POSTS, { cursor: 0, posts: [] });
  for (let i = 0; i < 100; i += 1) {
    const page = (await (await call(`/api/v1/aid/posts?since=${kept.cursor}`, lang)).json()) as SyncPage<AidPost>;
    const gone = new Set([...page.deleted, ...page.items.map((p) => p.id)]);
    const now = Date.now();
    kept.posts = [...kept.posts.filter((p) => !gone.has(p.id) && Date.parse(p.expires) > now), ...page.items];
    kept.cursor = Number(page.next_cursor);
    write(POSTS, kept);
    if (!page.has_more) break;
  }
}

/** Reads this browser's inbox after the kept cursor (only once it has a key). */
async function pullInbox(lang: string): Promise<void> {
  if (!localStorage.getItem(KEY)) return;
  const kept = read<KeptInbox>(INBOX, { cursor: 0, inbox: { posts: [], threads: [], messages: [], next_cursor: 0 }, messages: [] });
  const res = await call(`/api/v1/aid/inbox?since=${kept.cursor}`, lang, { headers: { 'Beffroi-Aid-Key': key() } });
  const inbox = (await res.json()) as AidInbox;
  const known = new Set(kept.messages.map((m) => m.id));
  kept.messages.push(...inbox.messages.filter((m) => !known.has(m.id)));
  // The conversations of the inbox only, and not without bound.
  const threads = new Set(inbox.threads.map((x) => x.id));
  kept.messages = kept.messages.filter((m) => threads.has(m.thread)).slice(-2000);
  kept.inbox = { ...inbox, messages: [] };
  kept.cursor = Number(inbox.next_cursor);
  write(INBOX, kept);
}

/** Sends what waits and reads what changed; offline, the kept copy serves. */
export async function syncAid(lang: string): Promise<void> {
  await flush(lang);
  await pullPosts(lang);
  await pullInbox(lang);
}

/** Mutual aid over the town hall that served the page. */
export function webAidBackend(lang: () => string, communes: () => Commune[]): AidBackend {
  const sync = () => syncAid(lang()).catch(() => {});
  /** What is kept serves at once when the network is slow: the sync goes on behind. */
  const soon = () => Promise.race([sync(), new Promise((ok) => setTimeout(ok, 3000))]);
  return {
    async nearby(from: Position, kind: AidKind | null): Promise<AidListing[]> {
      await soon();
      const now = Date.now();
      const mine = new Set(read<KeptInbox | null>(INBOX, null)?.inbox.posts.map((p) => p.post.id) ?? []);
      const centre = (code: string | null) => communes().find((c) => c.code === code)?.centre ?? null;
      const list: AidListing[] = read<Kept>(POSTS, { cursor: 0, posts: [] })
        .posts.filter((p) => Date.parse(p.expires) > now && (kind === null || p.kind === kind))
        .map((p) => {
          const at = p.near ?? centre(p.commune);
          return { post: p, initiative: null, distance_m: at ? distance(from, at) : null, mine: mine.has(p.id) };
        });
      if (kind === null) {
        try {
          const res = await call('/api/v1/directory/search', lang(), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ category: 'mutual_aid', near: from, order: 'distance', limit: 50 }),
          });
          for (const r of (await res.json()) as PlaceResult[]) {
            list.push({ post: null, initiative: r, distance_m: r.distance_m, mine: false });
          }
        } catch {
          // Offline: the neighbours' posts kept here still show.
        }
      }
      return list.sort((a, b) => (a.distance_m ?? Infinity) - (b.distance_m ?? Infinity));
    },
    async mine(): Promise<AidMine> {
      const kept = read<KeptInbox | null>(INBOX, null);
      const published = read<Kept>(POSTS, { cursor: 0, posts: [] }).posts;
      const posts = kept?.inbox.posts ?? [];
      return {
        posts,
        conversations: (kept?.inbox.threads ?? []).map((thread) => ({
          thread,
          post: [...posts.map((p) => p.post), ...published].find((p) => p.id === thread.post) ?? null,
          messages: (kept?.messages ?? []).filter((m) => m.thread === thread.id),
        })),
        outbox: read<Waiting[]>(OUTBOX, []).map(({ key: _k, ...q }) => q),
      };
    },
    async post(post) {
      key();
      const near = post.place.near ? roundPoint(post.place.near) : null;
      const rounded = { ...post, place: { ...post.place, near } };
      await submit({ kind: 'post', post: rounded }, lang());
      await sync();
      return { ...rounded, commune: post.place.commune, near, published_at: new Date().toISOString(), expires: post.expires ?? '' };
    },
    async withdraw(id) {
      // Not sent yet: it never leaves (under the lock: a sending cannot be taking it).
      const kept = await exclusive(async () => {
        const waiting = read<Waiting[]>(OUTBOX, []).find((w) => w.key === `post:${id}`);
        if (waiting) update(waiting.key, () => null);
        return waiting !== undefined;
      });
      if (!kept) await submit({ kind: 'withdraw', post: id }, lang());
      await sync();
    },
    async dismiss() {
      await exclusive(async () => write(OUTBOX, read<Waiting[]>(OUTBOX, []).filter((w) => w.state !== 'failed')));
    },
    async write(post, thread, text) {
      key();
      const kept = read<KeptInbox | null>(INBOX, null);
      const queued = read<Waiting[]>(OUTBOX, [])
        .map((w) => w.request)
        .find((r): r is Extract<AidRequest, { kind: 'message' }> => r.kind === 'message' && r.message.post === post);
      const id = thread ?? kept?.inbox.threads.find((x) => !x.author && x.post === post)?.id ?? queued?.message.thread ?? crypto.randomUUID();
      await submit({ kind: 'message', message: { id: crypto.randomUUID(), thread: id, post, text: text.trim() } }, lang());
      await sync();
      return id;
    },
    async share(thread, contact) {
      await submit({ kind: 'contact', thread, contact: contact?.trim() || null }, lang());
      await sync();
    },
    async close(thread) {
      await submit({ kind: 'close', thread }, lang());
      await sync();
    },
    async abuse(post, reason) {
      key();
      await submit({ kind: 'abuse', post, reason: reason.trim() }, lang());
      await sync();
    },
  };
}

/** What this page follows on its live stream: its reports with their
 * secrets, the public reports it follows, whether it has a posting key. */
async function following() {
  const reports = (await reportOutbox.all())
    .filter((q) => q.state === 'sent' && q.secret)
    .map((q) => `${q.id}:${q.secret}`)
    .slice(0, 200);
  return { reports, publicReports: loadState().followed.slice(0, 200), made: localStorage.getItem(KEY) };
}

/** A summary of what the page follows: a stream whose ticket says less is opened again. */
export async function streamFollows(): Promise<string> {
  const f = await following().catch(() => null);
  return f ? JSON.stringify([f.reports, f.publicReports, !!f.made]) : '';
}

/**
 * What this page follows, traded for a ticket used once (an EventSource
 * sends no header, and none of it goes into a URL); `null` when the town
 * hall cannot be asked (the stream then carries the alerts only).
 */
export async function streamTicket(lang: string): Promise<{ ticket: string; follows: string } | null> {
  try {
    const f = await following();
    const res = await call('/api/v1/alerts/stream-tickets', lang, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(f.made ? { 'Beffroi-Aid-Key': f.made } : {}) },
      body: JSON.stringify({ reports: f.reports, public_reports: f.publicReports }),
    });
    const { ticket } = (await res.json()) as { ticket: string };
    return { ticket, follows: JSON.stringify([f.reports, f.publicReports, !!f.made]) };
  } catch {
    return null;
  }
}
