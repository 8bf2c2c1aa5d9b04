import { describe, expect, it } from 'vitest';
import { roundPoint } from './aidpoint';

describe('a post point rounded in the browser', () => {
  it('is the cell centre the town hall computes, whatever the door', () => {
    const door = { lat: 43.697123, lon: 7.270456 };
    const shown = roundPoint(door);
    // The same values as beffroi_domain::aid::round_point gives (the Rust test's door).
    expect(shown.lat).toBeCloseTo(43.696550485, 8);
    expect(shown.lon).toBeCloseTo(7.269647513, 8);
    expect(roundPoint({ lat: shown.lat + 0.0003, lon: shown.lon - 0.0004 })).toEqual(shown);
    expect(roundPoint(shown)).toEqual(shown);
  });
});
