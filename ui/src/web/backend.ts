// The web app's side of the resident app's commands: what the desktop core
// does from its own store, done here over HTTP to the town hall that served
// the page. The thread logic (state, text in force, all-clear) is computed
// by the server with the same Rust code as the desktop's; every message is
// verified here before it is shown.
import type { Commune } from '../bindings/Commune';
import type { SyncPage } from '../bindings/SyncPage';
import type { ResidentAlert } from '../bindings/ResidentAlert';
import type { SignedThread } from '../bindings/SignedThread';
import type { PublicKey } from '../bindings/PublicKey';
import type { ErrorBody } from '../bindings/ErrorBody';
import type { MapSettings } from '../bindings/MapSettings';
import type { CategoryInfo } from '../bindings/CategoryInfo';
import type { DirectoryInfo } from '../bindings/DirectoryInfo';
import type { Place } from '../bindings/Place';
import type { PlaceDetails } from '../bindings/PlaceDetails';
import type { PlaceResult } from '../bindings/PlaceResult';
import type { SavedPlace } from '../bindings/SavedPlace';
import type { SearchQuery } from '../bindings/SearchQuery';
import type { FiledReport } from '../bindings/FiledReport';
import type { NearbyReport } from '../bindings/NearbyReport';
import type { NewReport } from '../bindings/NewReport';
import type { ReportCategory } from '../bindings/ReportCategory';
import type { ReporterView } from '../bindings/ReporterView';
import type { RulesAt } from '../bindings/RulesAt';
import type { AdvicePage } from '../bindings/AdvicePage';
import * as outbox from './outbox';
import { loadState, updateState } from './state';
import { pin, verifyThread } from './verify';
import { t } from '../lib/locale.svelte';

/** A failed call, shaped like the desktop core's errors (see `describe`). */
export class WebError extends Error {
  constructor(
    readonly kind: 'offline' | 'server' | 'invalid',
    message: string,
    /** The town hall's HTTP status, when it answered. */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/**
 * A call to the town hall that served the page, in the resident's language:
 * the answer when it is a success; else a `WebError` carrying the server's
 * message (already in that language), or saying the server is out of reach.
 */
export async function call(path: string, lang: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...init.headers, 'Accept-Language': lang } });
  } catch {
    throw new WebError('offline', t('error-offline'));
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ErrorBody | null;
    throw new WebError(res.status < 500 ? 'invalid' : 'server', body?.error.message ?? t('web-error-status', { status: res.status }), res.status);
  }
  return res;
}

/** The resident's language, else the browser's. */
const lang = () => loadState().lang ?? navigator.language;

async function get<T>(path: string): Promise<T> {
  return (await (await call(path, lang())).json()) as T;
}

/** The territory's communes, by name (read page by page). */
export async function communes(): Promise<Commune[]> {
  const all: Commune[] = [];
  let since = 0;
  for (;;) {
    const page = await get<SyncPage<Commune>>(`/api/v1/communes?since=${since}`);
    all.push(...page.items);
    if (!page.has_more || page.items.length === 0) break;
    since = Number(page.next_cursor);
  }
  return all.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}
export const mapSettings = () => get<MapSettings>('/api/v1/map');

/** The keys to trust now: pinned at the first visit, rotated by endorsement. */
async function trustedKeys(): Promise<PublicKey[]> {
  const pinned = loadState().keys;
  const trusted = await pin(pinned, await get<PublicKey[]>('/api/v1/keys'));
  if (trusted.length !== pinned.length) updateState((s) => (s.keys = trusted));
  return trusted;
}

/** The threads for some communes, as the server read them (not yet verified). */
export const threads = (communes: string[]) =>
  get<SignedThread[]>(`/api/v1/alerts/threads?communes=${communes.join(',')}`);

/**
 * The rules in force (and coming within a week) in the communes followed,
 * said by the server in the resident's language, with when they came;
 * offline, the last ones fetched (the page leaves out those ended since).
 */
export async function rules(): Promise<{ rules: RulesAt | null; received: number }> {
  const codes = loadState().communes;
  if (codes.length === 0) return { rules: null, received: 0 };
  try {
    const fresh = await get<RulesAt>(`/api/v1/measures/in-force?communes=${codes.join(',')}`);
    const received = Date.now();
    updateState((s) => {
      s.rules = fresh;
      s.rulesReceived = received;
    });
    return { rules: fresh, received };
  } catch (e) {
    if (e instanceof WebError && e.kind === 'offline') {
      const s = loadState();
      return { rules: s.rules, received: s.rulesReceived };
    }
    throw e;
  }
}

/** Where the advice pages are kept: apart from the rest of the page's
 * state, which a full storage must never stop from being saved. */
const ADVICE_KEY = 'beffroi-web-advice';

/** The advice pages as last fetched (rendered by the server in the resident's language). */
export function keptAdvice(): AdvicePage[] {
  try {
    return (JSON.parse(localStorage.getItem(ADVICE_KEY) ?? '[]') as AdvicePage[]) ?? [];
  } catch {
    return [];
  }
}

/**
 * The advice pages for the communes followed, rendered by the town hall in
 * the resident's language and kept for offline reading; offline, the last
 * ones fetched.
 */
export async function advice(): Promise<AdvicePage[]> {
  const codes = loadState().communes;
  try {
    const fresh = await get<AdvicePage[]>(`/api/v1/advice/pages?communes=${codes.join(',')}`);
    try {
      localStorage.setItem(ADVICE_KEY, JSON.stringify(fresh));
    } catch {
      // The browser's storage is full: shown now, not kept for offline.
    }
    return fresh;
  } catch (e) {
    if (e instanceof WebError && e.kind === 'offline') return keptAdvice();
    throw e;
  }
}

/** One advice page: kept, else (an alert's link to another commune's page) asked for. */
export async function advicePage(id: string): Promise<AdvicePage | null> {
  const kept = keptAdvice().find((p) => p.id === id);
  if (kept) return kept;
  const all = await get<AdvicePage[]>('/api/v1/advice/pages');
  return all.find((p) => p.id === id) ?? null;
}

export type AlertList = { alerts: ResidentAlert[]; rejected: number; fetched: string | null; online: boolean };

/** Threads checked with `trusted` now; those that fail are counted. */
async function checked(list: SignedThread[], trusted: PublicKey[], read: Record<string, number>) {
  const alerts: ResidentAlert[] = [];
  let rejected = 0;
  for (const t of list) {
    const a = await verifyThread(t, trusted);
    if (a) alerts.push({ ...a, read: (read[a.thread] ?? 0) >= a.history.length });
    else rejected += 1;
  }
  return { alerts, rejected };
}

/**
 * The alerts for the resident's communes, verified. Offline, the last
 * threads received are verified again, with the clock of the moment (an
 * alert expires or its all-clear ends while offline too).
 */
export async function alerts(): Promise<AlertList> {
  const state = loadState();
  if (state.communes.length === 0) return { alerts: [], rejected: 0, fetched: null, online: true };
  try {
    const trusted = await trustedKeys();
    const list = await threads(state.communes);
    const fetched = new Date().toISOString();
    updateState((s) => {
      s.threads = list;
      s.fetched = fetched;
    });
    return { ...(await checked(list, trusted, state.read)), fetched, online: true };
  } catch (e) {
    if (e instanceof WebError && e.kind === 'offline') {
      return { ...(await checked(state.threads, state.keys, state.read)), fetched: state.fetched, online: false };
    }
    throw e;
  }
}

/** Marks a thread read up to the messages it has now. */
export function markRead(thread: string): boolean {
  const t = loadState().threads.find((x) => x.alert.thread === thread);
  if (!t) return false;
  updateState((s) => (s.read[thread] = t.signed.length));
  return true;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await call(path, lang(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as T;
}

/** The places whose page was opened, to follow one by its commune. */
const opened = new Map<string, Place>();

/**
 * Following a place, on the web: its commune joins the communes followed
 * (the web app follows communes; the desktop app also follows points).
 */
function followPlace(place: SavedPlace): SavedPlace {
  const p = [...opened.values()].find((x) => x.position.lat === place.point?.lat && x.position.lon === place.point?.lon);
  if (!p?.commune) throw new WebError('invalid', t('web-follow-no-commune'));
  const code = p.commune;
  updateState((s) => {
    if (!s.communes.includes(code)) s.communes = [...s.communes, code];
  });
  return { ...place, commune: code, point: null };
}

/**
 * A photo as it leaves the phone: decoded and drawn again (at most 2048 px
 * a side) as a JPEG, so nothing of the file but its pixels is sent: no
 * EXIF (position, device, time), no other metadata. The orientation the
 * camera wrote is applied first.
 */
export async function cleanPhoto(bytes: Uint8Array<ArrayBuffer>): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), { imageOrientation: 'from-image' });
  } catch {
    throw new WebError('invalid', t('web-photo-unreadable'));
  }
  const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
}

/** Photos cleaned for the form being filled, by token. */
const staged = new Map<string, Blob>();

/** Sends what waits in the outbox, then asks the status of the reports sent. */
export async function syncReports(): Promise<void> {
  await outbox.flush(lang(), t('error-offline'));
  for (const q of await outbox.all()) {
    if (q.state !== 'sent' || !q.secret) continue;
    try {
      const view = await get<ReporterView>(`/api/v1/reports/${encodeURIComponent(q.id)}?secret=${encodeURIComponent(q.secret)}`);
      await outbox.put({ ...q, view });
    } catch {
      // Offline, or not yet: the last status known stays.
    }
  }
}

async function filedReports(): Promise<FiledReport[]> {
  return (await outbox.all()).map((q) => ({
    report: q.report,
    state: q.state,
    attempts: q.attempts,
    last_error: q.last_error,
    photos: q.photos.length,
    next_attempt_at: null,
    queued_at: q.queued_at,
    view: q.view,
  }));
}

/** The public reports followed here (filed nearby by others), by id. */
async function followedReports(): Promise<ReporterView[]> {
  const views: ReporterView[] = [];
  for (const id of loadState().followed) {
    try {
      views.push(await get<ReporterView>(`/api/v1/reports/${encodeURIComponent(id)}/public`));
    } catch {
      // Offline, or withdrawn: shown again when it answers.
    }
  }
  return views;
}

/** The commands the shared screens call (`invoke`), done by the web app. */
export const commands: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  mark_alert_read: async (args) => markRead(String(args.thread)),
  alert_link: async (args) => `${location.origin}/alerts/${encodeURIComponent(String(args.thread))}`,
  search_places: (args) => post<PlaceResult[]>('/api/v1/directory/search', args.query as SearchQuery),
  get_place: async (args) => {
    const details = await get<PlaceDetails>(`/api/v1/directory/places/${encodeURIComponent(String(args.id))}`);
    opened.set(details.result.place.id, details.result.place);
    return details;
  },
  directory_size: async () => (await get<DirectoryInfo>('/api/v1/directory')).places,
  list_categories: () => get<CategoryInfo[]>('/api/v1/categories'),
  // "Near my commune": the first commune followed.
  home_centre: async () => {
    const first = loadState().communes[0];
    return first ? (await get<DirectoryInfo>(`/api/v1/directory?commune=${first}`)).centre : null;
  },
  save_place: async (args) => followPlace(args.place as SavedPlace),
  report_categories: () => get<ReportCategory[]>('/api/v1/report-categories'),
  // The photo's bytes come as the whole argument (as Tauri's raw body).
  stage_photo: async (args) => {
    const token = crypto.randomUUID();
    staged.set(token, await cleanPhoto(args as unknown as Uint8Array<ArrayBuffer>));
    return token;
  },
  file_report: async (args) => {
    const photos = (args.photos as string[]).map((token) => {
      const p = staged.get(token);
      if (!p) throw new WebError('invalid', t('web-photo-gone'));
      return p;
    });
    const id = await outbox.queue(args.report as NewReport, photos);
    for (const token of args.photos as string[]) staged.delete(token);
    // Sent now if the town hall answers; otherwise it waits in the outbox.
    await syncReports();
    return id;
  },
  filed_reports: () => filedReports(),
  report_photo: async (args) => {
    const q = await outbox.get(String(args.id));
    const photo = q?.photos[Number(args.n) - 1];
    if (!photo) throw new WebError('invalid', t('web-photo-gone'));
    return photo.arrayBuffer();
  },
  nearby_reports: (args) => {
    const at = args.at as { lat: number; lon: number };
    return get<NearbyReport[]>(`/api/v1/reports/nearby?category=${encodeURIComponent(String(args.category))}&lat=${at.lat}&lon=${at.lon}`);
  },
  follow_report: async (args) => {
    const view = await get<ReporterView>(`/api/v1/reports/${encodeURIComponent(String(args.id))}/public`);
    updateState((s) => {
      if (!s.followed.includes(view.id)) s.followed = [...s.followed, view.id].slice(-200);
    });
    return view;
  },
  followed_reports: () => followedReports(),
};
