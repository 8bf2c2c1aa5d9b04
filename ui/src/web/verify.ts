// Alerts checked in the browser (WebCrypto's Ed25519) against the town
// hall's keys, pinned at the first visit like the desktop app pins them: later
// keys are taken only when a pinned key endorsed them (a rotation). The page
// is served by the same server, so this does not guard against that server;
// it guards what passes between (a cache, a proxy, a relay, a copy of the
// page's data) and it keeps the app's rule: nothing unsigned is shown as the
// town hall's word.
import type { PublicKey } from '../bindings/PublicKey';
import type { SignedAlert } from '../bindings/SignedAlert';
import type { AlertMessage } from '../bindings/AlertMessage';
import type { ResidentAlert } from '../bindings/ResidentAlert';
import type { SignedThread } from '../bindings/SignedThread';
import type { AlertLevel } from '../bindings/AlertLevel';
import type { AlertState } from '../bindings/AlertState';

const ED25519 = { name: 'Ed25519' } as const;

export function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The key's id as the server computes it: the first 8 bytes of its SHA-256, in hex. */
export async function keyId(raw: Uint8Array<ArrayBuffer>): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', raw)).slice(0, 16);
}

/** Keys already imported, by id and bytes (a thread's messages share one). */
const imported = new Map<string, Promise<CryptoKey | null>>();

function importKey(k: PublicKey): Promise<CryptoKey | null> {
  const id = `${k.key_id}:${k.public_key}`;
  let key = imported.get(id);
  if (!key) {
    key = importNew(k);
    imported.set(id, key);
  }
  return key;
}

async function importNew(k: PublicKey): Promise<CryptoKey | null> {
  try {
    const raw = fromBase64(k.public_key);
    if (raw.length !== 32 || (await keyId(raw)) !== k.key_id) return null;
    return await crypto.subtle.importKey('raw', raw, ED25519, false, ['verify']);
  } catch {
    return null;
  }
}

async function verifyBytes(key: CryptoKey, signature: string, data: Uint8Array<ArrayBuffer>): Promise<boolean> {
  try {
    const sig = fromBase64(signature);
    return sig.length === 64 && (await crypto.subtle.verify(ED25519, key, sig, data));
  } catch {
    return false;
  }
}

/**
 * The keys to trust after the server offered `offered`: all valid ones when
 * none is pinned yet; else the pinned ones and those a trusted key endorsed
 * (endorsements may chain).
 */
export async function pin(pinned: PublicKey[], offered: PublicKey[]): Promise<PublicKey[]> {
  const valid: PublicKey[] = [];
  for (const k of offered) if (await importKey(k)) valid.push(k);
  if (pinned.length === 0) return valid;
  const trusted = [...pinned];
  for (;;) {
    let added = false;
    for (const k of valid) {
      if (trusted.some((t) => t.key_id === k.key_id) || !k.endorsed_by || !k.endorsement) continue;
      const by = trusted.find((t) => t.key_id === k.endorsed_by);
      const old = by && (await importKey(by));
      if (old && (await verifyBytes(old, k.endorsement, fromBase64(k.public_key)))) {
        trusted.push(k);
        added = true;
      }
    }
    if (!added) return trusted;
  }
}

/** The message a signed alert carries, when a trusted key signed it; else null. */
export async function verify(signed: SignedAlert, trusted: PublicKey[]): Promise<AlertMessage | null> {
  const k = trusted.find((t) => t.key_id === signed.key_id);
  const key = k && (await importKey(k));
  if (!key) return null;
  if (!(await verifyBytes(key, signed.signature, new TextEncoder().encode(signed.message)))) return null;
  try {
    return JSON.parse(signed.message) as AlertMessage;
  } catch {
    return null;
  }
}

/** How long an all-clear stays among the alerts in force (`thread::ALL_CLEAR_HOURS`). */
const ALL_CLEAR_HOURS = 6;

/** An alert's level from its severity and urgency (`AlertLevel::of`). */
export function levelOf(m: AlertMessage): AlertLevel {
  const soon = m.urgency === 'immediate' || m.urgency === 'expected';
  if (m.severity === 'extreme' || (m.severity === 'severe' && m.urgency === 'immediate')) return 'emergency';
  if (m.severity === 'severe' || (m.severity === 'moderate' && soon)) return 'watch_and_act';
  return 'information';
}

/**
 * A thread as the resident may see it, from its verified messages only:
 * every message signed by a trusted key, forming one chain (the first is
 * the thread, each next one references an earlier one), the history exactly
 * those messages. What the page shows is worked out here from the signed
 * messages and this device's clock, as `beffroi_domain::thread::read` does
 * on the server: the text in force, the level, whether the alert is in
 * force, cancelled, expired, or just over. The server's reading only says
 * which threads there are. `null` when anything fails.
 */
export async function verifyThread(t: SignedThread, trusted: PublicKey[], now = new Date()): Promise<ResidentAlert | null> {
  const messages: AlertMessage[] = [];
  for (const s of t.signed) {
    const m = await verify(s, trusted);
    if (!m) return null;
    messages.push(m);
  }
  const ids = messages.map((m) => m.identifier);
  if (ids.length === 0 || ids[0] !== t.alert.thread) return null;
  if (ids.length !== t.alert.history.length || t.alert.history.some((h, i) => h.identifier !== ids[i])) return null;
  if (messages.some((m, i) => i > 0 && !m.references.some((r) => ids.slice(0, i).includes(r.identifier)))) return null;
  const last = messages[messages.length - 1];
  const shown = [...messages].reverse().find((m) => m.msg_type !== 'cancel') ?? last;
  const over = last.msg_type === 'cancel' || (last.msg_type === 'update' && last.urgency === 'past');
  const recent = now.getTime() - new Date(last.sent).getTime() < ALL_CLEAR_HOURS * 3600_000;
  const expired = shown.expires !== null && new Date(shown.expires).getTime() <= now.getTime();
  const state: AlertState = messages.some((m) => m.msg_type === 'cancel')
    ? 'cancelled'
    : expired || (over && !recent)
      ? 'expired'
      : 'active';
  return {
    ...t.alert,
    state,
    all_clear: over && recent,
    level: levelOf(shown),
    message: shown,
    history: messages.map((m) => ({ identifier: m.identifier, msg_type: m.msg_type, sent: m.sent })),
  };
}
