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
import { loadState, updateState } from './state';
import { pin, verifyThread } from './verify';

/** A failed call, shaped like the desktop core's errors (see `describe`). */
export class WebError extends Error {
  constructor(
    readonly kind: 'offline' | 'server' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

async function get<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { 'Accept-Language': loadState().lang ?? navigator.language } });
  } catch {
    throw new WebError('offline', 'offline');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ErrorBody | null;
    throw new WebError(res.status < 500 ? 'invalid' : 'server', body?.error.message ?? res.statusText);
  }
  return (await res.json()) as T;
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

export type AlertList = { alerts: ResidentAlert[]; rejected: number; fetched: string | null; online: boolean };

/** The alerts for the resident's communes, verified; the last list kept when offline. */
export async function alerts(): Promise<AlertList> {
  const state = loadState();
  if (state.communes.length === 0) return { alerts: [], rejected: 0, fetched: null, online: true };
  try {
    const trusted = await trustedKeys();
    const alerts: ResidentAlert[] = [];
    let rejected = 0;
    for (const t of await threads(state.communes)) {
      const a = await verifyThread(t, trusted);
      if (a) alerts.push({ ...a, read: (state.read[a.thread] ?? 0) >= a.history.length });
      else rejected += 1;
    }
    const fetched = new Date().toISOString();
    updateState((s) => {
      s.alerts = alerts;
      s.fetched = fetched;
    });
    return { alerts, rejected, fetched, online: true };
  } catch (e) {
    if (e instanceof WebError && e.kind === 'offline') {
      const kept = loadState();
      return { alerts: kept.alerts, rejected: 0, fetched: kept.fetched, online: false };
    }
    throw e;
  }
}

export function markRead(thread: string): boolean {
  const a = loadState().alerts.find((x) => x.thread === thread);
  if (!a) return false;
  updateState((s) => (s.read[thread] = a.history.length));
  return true;
}

/** The commands the shared screens call (`invoke`), done by the web app. */
export const commands: Record<string, (args: Record<string, unknown>) => Promise<unknown>> = {
  mark_alert_read: async (args) => markRead(String(args.thread)),
  alert_link: async (args) => `${location.origin}/alerts/${encodeURIComponent(String(args.thread))}`,
};
