// What the service worker needs of the page's state (it cannot read
// localStorage): the language, the communes and the pinned keys, kept in the
// Cache Storage under a private name.
import type { PublicKey } from '../bindings/PublicKey';
import type { Lang } from '../lib/i18n';

export type WorkerState = { lang: Lang | null; communes: string[]; keys: PublicKey[] };

const CACHE = 'beffroi-state';
const URL_ = '/__beffroi/state';

export async function shareWithWorker(s: WorkerState): Promise<void> {
  if (!('caches' in globalThis)) return;
  const cache = await caches.open(CACHE);
  await cache.put(URL_, new Response(JSON.stringify(s), { headers: { 'Content-Type': 'application/json' } }));
}

export async function stateForWorker(): Promise<WorkerState | null> {
  const hit = await (await caches.open(CACHE)).match(URL_);
  return hit ? ((await hit.json()) as WorkerState) : null;
}
