// The web app's service worker: the app shell opens offline, and an alert
// pushed while the page is closed is shown as a notification in the
// resident's language once it is fetched and verified (the push carries
// only the alert's id). Built by Vite as /sw.js (see vite.config.ts).
import { Translator, isLang } from '../lib/i18n';
import { FILES } from './locales';
import type { RulesAt } from '../bindings/RulesAt';
import { alertTexts, readingLangs } from '../app/reading';
import { toHash } from '../app/route';
import type { SignedThread } from '../bindings/SignedThread';
import type { ResidentAlert } from '../bindings/ResidentAlert';
import { shareWithWorker, stateForWorker } from './worker-state';
import { pin, verifyThread } from './verify';
import type { PublicKey } from '../bindings/PublicKey';

// The few service-worker types used (the DOM and WebWorker libraries cannot
// be loaded in one program).
type ExtendableEvent = Event & { waitUntil(p: Promise<unknown>): void };
type FetchEvent = ExtendableEvent & { request: Request; respondWith(r: Promise<Response>): void };
type PushEvent = ExtendableEvent & { data: { json(): unknown } | null };
type NotificationEvent = ExtendableEvent & { notification: Notification & { data: unknown } };
type WindowClient = { url: string; focus(): Promise<unknown>; navigate(url: string): Promise<unknown> };
interface Worker {
  addEventListener(type: 'install' | 'activate', fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: FetchEvent) => void): void;
  addEventListener(type: 'push', fn: (e: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', fn: (e: NotificationEvent) => void): void;
  skipWaiting(): Promise<void>;
  registration: ServiceWorkerRegistration;
  clients: {
    claim(): Promise<void>;
    matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<unknown>;
  };
}
const sw = self as unknown as Worker;

/** The shell's cache; a new build (new asset names) refills it. */
const SHELL = 'beffroi-shell-v1';
/** Answers kept for offline use: the communes, the keys, the map settings, the report categories. */
const DATA = ['/api/v1/communes', '/api/v1/keys', '/api/v1/map', '/api/v1/report-categories'];

/** The page and every asset it names (script, style, icons, manifest);
 * the assets of earlier builds are dropped. */
async function precache(): Promise<void> {
  const cache = await caches.open(SHELL);
  const page = await fetch('/', { cache: 'no-cache' });
  const html = await page.clone().text();
  const named = [...new Set([...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]))];
  await cache.addAll(named);
  await cache.put('/', page);
  // The data the page needs offline, already at the first visit (the page's
  // own first reads may come before this worker controls it).
  for (const path of DATA) {
    const res = await fetch(path).catch(() => null);
    if (res?.ok) await cache.put(path, res);
  }
  for (const old of await cache.keys()) {
    const path = new URL(old.url).pathname;
    if (path.startsWith('/assets/') && !named.includes(path)) await cache.delete(old);
  }
}

sw.addEventListener('install', (e) => {
  e.waitUntil(precache().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(sw.clients.claim());
});

/** The network first (fresh data when online), the cache when offline. */
async function networkFirst(request: Request, key: string): Promise<Response> {
  const cache = await caches.open(SHELL);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(key, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw err;
  }
}

/** Hashed assets never change: the cache first. */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

/** The web app's own reads of the data it keeps: the first page of the
 * communes, the keys, the map settings (other queries, such as the console's,
 * go to the network untouched, so the cache holds one entry per path). */
function keptData(url: URL): boolean {
  return DATA.includes(url.pathname) && (url.search === '' || url.search === '?since=0');
}

sw.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  if (e.request.mode === 'navigate') {
    if (url.pathname === '/') e.respondWith(networkFirst(e.request, '/'));
  } else if (url.pathname.startsWith('/assets/')) e.respondWith(cacheFirst(e.request));
  else if (keptData(url)) e.respondWith(networkFirst(e.request, url.pathname));
});

/** What a push says: an alert (its thread and message), that the rules in
 * force changed, or the subscription's confirmation. */
type Payload = { alert?: string; message?: string; subscribed?: boolean; measures?: boolean };

/** The rules in force changed: said with the rules now in force in the
 * communes followed, as the town hall says them in the resident's language
 * (or, offline, only that they changed). */
async function notifyRules(tr: Translator, lang: string, communes: string[]): Promise<void> {
  // Several servers may share the town hall: each reads the rules again
  // within seconds of a change; and every phone is told at once.
  await new Promise((r) => setTimeout(r, 1000 + Math.random() * 4000));
  let places: RulesAt['places'] = [];
  try {
    const res = await fetch(`/api/v1/measures/in-force?communes=${communes.join(',')}`, {
      headers: { 'Accept-Language': lang },
    });
    if (res.ok) places = ((await res.json()) as RulesAt).places;
  } catch {
    places = [];
  }
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });
  // In force, then what comes (a curfew from tomorrow is the news).
  const said = (r: RulesAt['places'][number]['rules'][number]) =>
    r.upcoming ? `${r.summary} (${tr.t('measure-starts', { date: when.format(new Date(r.since)) })})` : r.summary;
  const names = places.map((p) => p.commune_name).join(', ');
  const body = places
    .map((p) => tr.t('web-rules-line', { commune: p.commune_name, rules: p.rules.map(said).join(' · ') || tr.t('measures-none') }))
    .join('\n');
  await sw.registration.showNotification(names ? tr.t('measures-changed', { commune: names }) : tr.t('app-title'), {
    body: (body || tr.t('web-notify-measures')).slice(0, 240),
    tag: 'measures',
    data: { thread: null },
  });
}

async function notify(payload: Payload): Promise<void> {
  const state = await stateForWorker();
  const lang = isLang(state?.lang) ? state.lang : 'fr';
  const tr = new Translator(lang, 'web', FILES);
  if (payload.subscribed) {
    await sw.registration.showNotification(tr.t('app-title'), { body: tr.t('web-push-on'), tag: 'subscribed' });
    return;
  }
  if (payload.measures) {
    await notifyRules(tr, lang, state?.communes ?? []);
    return;
  }
  let alert: ResidentAlert | null = null;
  if (state && state.communes.length > 0 && payload.alert) {
    try {
      // The keys may have rotated since the page last ran (endorsed by a pinned one).
      const offered = await fetch('/api/v1/keys').then((r) => (r.ok ? (r.json() as Promise<PublicKey[]>) : []));
      const keys = await pin(state.keys, offered);
      if (keys.length !== state.keys.length) await shareWithWorker({ ...state, keys });
      state.keys = keys;
      const res = await fetch(`/api/v1/alerts/threads?communes=${state.communes.join(',')}`, {
        headers: { 'Accept-Language': lang },
      });
      const threads = res.ok ? ((await res.json()) as SignedThread[]) : [];
      const thread = threads.find(
        (t) => t.alert.thread === payload.alert || t.alert.history.some((h) => h.identifier === payload.message),
      );
      if (thread) alert = await verifyThread(thread, state.keys);
    } catch {
      alert = null;
    }
  }
  if (!alert) {
    // Offline, or not verifiable: the browser must show something; it says
    // only that an alert came, never unverified words.
    await sw.registration.showNotification(tr.t('app-title'), {
      body: tr.t('web-notify-unverified'),
      tag: payload.alert ?? 'alert',
      data: { thread: payload.alert ?? null },
    });
    return;
  }
  const text = alertTexts(alert, readingLangs(lang, navigator.languages ?? []))[0];
  const severity = tr.t(`severity-${alert.message.severity}`);
  await sw.registration.showNotification(text?.headline ?? alert.message.event, {
    body: `${severity} — ${text?.description ?? ''}`.slice(0, 240),
    tag: alert.thread,
    lang: text?.lang,
    requireInteraction: alert.message.severity === 'extreme',
    data: { thread: alert.thread },
  });
}

sw.addEventListener('push', (e) => {
  let payload: Payload = {};
  try {
    payload = (e.data?.json() ?? {}) as Payload;
  } catch {
    payload = {};
  }
  e.waitUntil(notify(payload));
});

sw.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const thread = (e.notification.data as { thread?: string | null } | null)?.thread ?? null;
  const target = `/${toHash({ view: 'alerts', place: null, alert: thread, filing: false, settings: false })}`;
  // The web app's own window if one is open (never another page of this
  // origin, such as the console), else a new one.
  e.waitUntil(
    sw.clients
      .matchAll({ type: 'window', includeUncontrolled: false })
      .then((open) => {
        const here = open.find((c) => new URL(c.url).pathname === '/');
        return here ? here.navigate(target).then(() => here.focus()) : sw.clients.openWindow(target);
      })
      .catch(() => sw.clients.openWindow(target)),
  );
});
