// Web Push for the web app: the browser's push subscription, registered with
// the town hall for the resident's communes (`POST /api/v1/push/subscriptions`),
// renewed at each visit (a subscription silent for 30 days expires).
import type { PushSubscription as Subscription } from '../bindings/PushSubscription';
import { call } from './backend';
import type { Lang } from '../lib/i18n';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

export function supported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function b64url(buf: ArrayBuffer | null): string {
  const bytes = new Uint8Array(buf ?? new ArrayBuffer(0));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function current(): Promise<PushState> {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await navigator.serviceWorker.ready;
  return (await reg.pushManager.getSubscription()) ? 'on' : 'off';
}

async function send(method: 'POST' | 'DELETE', body: unknown, lang: Lang): Promise<void> {
  await call('/api/v1/push/subscriptions', lang, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Subscribes (or renews) for `communes`; throws with a message to show. */
export async function subscribe(communes: string[], lang: Lang): Promise<void> {
  const reg = await navigator.serviceWorker.ready;
  const key = (await (await call('/api/v1/push/key', lang)).json()) as { public_key: string };
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromB64url(key.public_key) }));
  const body: Subscription = {
    endpoint: sub.endpoint,
    keys: { p256dh: b64url(sub.getKey('p256dh')), auth: b64url(sub.getKey('auth')) },
    communes,
    lang,
    min_severity: 'minor',
    // This page's worker shows a push saying the rules in force changed.
    measures: true,
  };
  await send('POST', body, lang);
}

export async function unsubscribe(lang: Lang): Promise<void> {
  const reg = await navigator.serviceWorker.ready;
  const sub = await reg.pushManager.getSubscription();
  if (!sub) return;
  // Unsubscribed in the browser whatever the server says: the push service
  // then answers 410 to the next push, and the server drops it.
  await send('DELETE', { endpoint: sub.endpoint, auth: b64url(sub.getKey('auth')) }, lang).catch(() => {});
  await sub.unsubscribe();
}
