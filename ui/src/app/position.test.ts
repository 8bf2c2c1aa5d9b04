import { describe, expect, it } from 'vitest';
import { LAST_POSITION_KEY, MAX_AGE_MS, lastPosition, rememberPosition } from './position';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

describe('the last position', () => {
  it('is the one remembered while it is recent', () => {
    const s = memory();
    rememberPosition(s, 43.7, 7.26, 1_000);
    expect(lastPosition(s, 1_000 + MAX_AGE_MS)).toEqual({ lat: 43.7, lon: 7.26, at: 1_000 });
  });
  it('says nothing once old, from the future, or malformed', () => {
    const s = memory();
    expect(lastPosition(s)).toBeNull();
    rememberPosition(s, 43.7, 7.26, 1_000);
    expect(lastPosition(s, 1_001 + MAX_AGE_MS)).toBeNull();
    expect(lastPosition(s, 999)).toBeNull();
    for (const bad of ['{', '"x"', '{"lat":95,"lon":7,"at":1}', '{"lat":"43","lon":7,"at":1}']) {
      s.setItem(LAST_POSITION_KEY, bad);
      expect(lastPosition(s, 2)).toBeNull();
    }
  });
});
