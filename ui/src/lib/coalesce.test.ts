import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesce';

/** A run that waits until released, recording its arguments. */
function gated() {
  const runs: string[] = [];
  let release: () => void = () => {};
  const run = (what: string) =>
    new Promise<void>((ok) => {
      runs.push(what);
      release = ok;
    });
  return { runs, run, release: () => release() };
}

const tick = () => new Promise((ok) => setTimeout(ok, 0));

describe('coalesced', () => {
  it('runs once more after a run that calls came during, with the latest arguments', async () => {
    const g = gated();
    const call = coalesced(g.run);
    const first = call('a');
    const during = [call('b'), call('c')];
    await tick();
    expect(g.runs).toEqual(['a']);
    g.release();
    await tick();
    // The calls made while 'a' ran are not dropped: one more run, the latest's.
    expect(g.runs).toEqual(['a', 'c']);
    let settled = false;
    void Promise.all([first, ...during]).then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    g.release();
    await Promise.all([first, ...during]);
    expect(g.runs).toEqual(['a', 'c']);
  });

  it('runs once per call when calls do not overlap', async () => {
    const g = gated();
    const call = coalesced(g.run);
    const one = call('a');
    g.release();
    await one;
    const two = call('b');
    await tick();
    g.release();
    await two;
    expect(g.runs).toEqual(['a', 'b']);
  });

  it('a failed run ends the round and the next call runs again', async () => {
    let n = 0;
    const call = coalesced(async () => {
      n += 1;
      if (n === 1) throw new Error('offline');
    });
    await expect(call()).rejects.toThrow('offline');
    await call();
    expect(n).toBe(2);
  });
});
