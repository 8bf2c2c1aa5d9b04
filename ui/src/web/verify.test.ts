// The browser's checks of alerts, with keys made here (Node's WebCrypto has
// Ed25519 as browsers do).
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { PublicKey } from '../bindings/PublicKey';
import type { SignedThread } from '../bindings/SignedThread';
import { keyId, pin, verify, verifyThread } from './verify';

type Pair = { pub: PublicKey; priv: KeyObject; raw: Buffer };

async function pair(endorsedBy?: Pair): Promise<Pair> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const pub: PublicKey = { key_id: await keyId(new Uint8Array(raw)), public_key: raw.toString('base64'), created: '2026-12-06T00:00:00Z' };
  if (endorsedBy) {
    pub.endorsed_by = endorsedBy.pub.key_id;
    pub.endorsement = sign(null, raw, endorsedBy.priv).toString('base64');
  }
  return { pub, priv: privateKey, raw };
}

function signed(p: Pair, message: object) {
  const text = JSON.stringify(message);
  return { key_id: p.pub.key_id, signature: sign(null, Buffer.from(text), p.priv).toString('base64'), message: text };
}

const message = (identifier: string, headline: string, more: object = {}) => ({
  identifier,
  sent: new Date(Date.now() - 60_000).toISOString(),
  msg_type: 'alert',
  references: [] as { identifier: string }[],
  urgency: 'immediate',
  severity: 'severe',
  expires: null,
  texts: [{ lang: 'fr', headline }],
  ...more,
});

describe('alerts verified in the browser', () => {
  it('takes a message signed by a trusted key, and nothing altered, unknown or mislabelled', async () => {
    const k = await pair();
    const s = signed(k, message('a1', 'Crue'));
    expect((await verify(s, [k.pub]))?.identifier).toBe('a1');
    expect(await verify({ ...s, message: s.message.replace('Crue', 'Rien') }, [k.pub])).toBeNull();
    expect(await verify(s, [])).toBeNull();
    expect(await verify({ ...s, signature: 'AAAA' }, [k.pub])).toBeNull();
    // A key listed under another's id is refused.
    const other = await pair();
    expect(await verify(s, [{ ...other.pub, key_id: k.pub.key_id }])).toBeNull();
  });

  it('pins every valid key at first, then only keys a pinned key endorsed (chained)', async () => {
    const first = await pair();
    const second = await pair(first);
    const third = await pair(second);
    const stranger = await pair();
    const broken = { ...(await pair()).pub, key_id: '0000000000000000' };
    expect((await pin([], [first.pub, broken])).map((k) => k.key_id)).toEqual([first.pub.key_id]);
    const later = await pin([first.pub], [third.pub, second.pub, stranger.pub]);
    expect(later.map((k) => k.key_id).sort()).toEqual([first.pub.key_id, second.pub.key_id, third.pub.key_id].sort());
  });

  it('shows a thread only when every message verifies, with the signed text', async () => {
    const k = await pair();
    const m1 = message('a1', 'Crue');
    const m2 = message('a2', 'Crue : évacuez', { msg_type: 'update', references: [{ identifier: 'a1' }] });
    const thread = {
      alert: {
        thread: 'a1',
        state: 'active',
        all_clear: false,
        level: 'information',
        message: message('a2', 'server copy'),
        history: [{ identifier: 'a1' }, { identifier: 'a2' }],
      },
      signed: [signed(k, m1), signed(k, m2)],
    } as unknown as SignedThread;
    const shown = await verifyThread(thread, [k.pub]);
    expect(shown?.message.texts[0].headline).toBe('Crue : évacuez');
    // The level comes from the signed severity and urgency, not the server's field.
    expect(shown?.level).toBe('emergency');
    // One message altered: the whole thread is refused.
    const altered = structuredClone(thread);
    altered.signed[0].message = altered.signed[0].message.replace('Crue', 'Rien');
    expect(await verifyThread(altered, [k.pub])).toBeNull();
    // A history that names a message not signed is refused.
    const padded = structuredClone(thread);
    padded.alert.history.push({ identifier: 'a3', msg_type: 'update', sent: '' });
    expect(await verifyThread(padded, [k.pub])).toBeNull();
    // A message of another thread mixed in (it references none of these) is refused.
    const mixed = structuredClone(thread);
    mixed.signed.push(signed(k, message('b1', 'Autre alerte')));
    mixed.alert.history.push({ identifier: 'b1', msg_type: 'alert', sent: '' });
    expect(await verifyThread(mixed, [k.pub])).toBeNull();
  });

  it('works out from the signed messages and the clock whether an alert is in force, over or expired', async () => {
    const k = await pair();
    const thread = (messages: object[], server: object = {}) =>
      ({
        alert: {
          thread: 'a1',
          state: 'active',
          all_clear: false,
          level: 'information',
          message: messages[0],
          history: messages.map((m) => ({ identifier: (m as { identifier: string }).identifier })),
          ...server,
        },
        signed: messages.map((m) => signed(k, m)),
      }) as unknown as SignedThread;
    const alert = message('a1', 'Crue');
    const cancel = message('a2', 'Crue', { msg_type: 'cancel', references: [{ identifier: 'a1' }] });
    // Something between says "over" for an alert in force: the page says in force.
    const relayed = await verifyThread(thread([alert], { state: 'cancelled', all_clear: true }), [k.pub]);
    expect([relayed?.state, relayed?.all_clear]).toEqual(['active', false]);
    // Cancelled: over, shown in green for six hours, with the alert's text.
    const over = await verifyThread(thread([alert, cancel]), [k.pub]);
    expect([over?.state, over?.all_clear, over?.message.identifier]).toEqual(['cancelled', true, 'a1']);
    const later = await verifyThread(thread([alert, cancel]), [k.pub], new Date(Date.now() + 7 * 3600_000));
    expect(later?.all_clear).toBe(false);
    // Past its expiry on this device's clock: expired, whatever the server said.
    const past = message('a1', 'Crue', { expires: new Date(Date.now() - 1000).toISOString() });
    expect((await verifyThread(thread([past]), [k.pub]))?.state).toBe('expired');
  });
});
