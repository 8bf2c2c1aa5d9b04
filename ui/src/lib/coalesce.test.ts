import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesce';

/** A run that waits until released, recording its arguments. */
function gated() {
  const runs: string[] = [];
  const waiting: (() => void)[] = [];
  const run = (what: string) =>
    new Promise<void>((ok) => {
      runs.push(what);
      waiting.push(ok);
    });
  return { runs, run, release: () => waiting.splice(0).forEach((ok) => ok()) };
}

const tick = () => new Promise((ok) => setTimeout(ok, 0));
/** Whether `p` has settled by now. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await tick();
  return done;
}

describe('coalesced', () => {
  it('runs again after each run that calls came during, with the latest arguments', async () => {
    const g = gated();
    const call = coalesced(g.run);
    const first = call('a');
    const b = call('b');
    const c = call('c');
    await tick();
    expect(g.runs).toEqual(['a']);
    g.release();
    await tick();
    // The calls made while 'a' ran are not dropped: one more run, the latest's.
    expect(g.runs).toEqual(['a', 'c']);
    expect(await settled(b)).toBe(false);
    expect(await settled(c)).toBe(false);
    // And a call during that one gets another.
    const d = call('d');
    g.release();
    await tick();
    expect(g.runs).toEqual(['a', 'c', 'd']);
    expect(await settled(first)).toBe(false);
    g.release();
    await Promise.all([first, b, c, d]);
    expect(g.runs).toEqual(['a', 'c', 'd']);
  });

  it('runs once per call when calls do not overlap', async () => {
    const g = gated();
    const call = coalesced(g.run);
    const one = call('a');
    await tick();
    g.release();
    await one;
    const two = call('b');
    await tick();
    g.release();
    await two;
    expect(g.runs).toEqual(['a', 'b']);
  });

  it('a call the run makes before its first await joins the round', async () => {
    const runs: number[] = [];
    let depth = 0;
    const call: () => Promise<void> = coalesced(async () => {
      runs.push((depth += 1));
      if (runs.length === 1) void call();
      await tick();
      depth -= 1;
    });
    await call();
    // Two runs, one after the other: never one inside the other.
    expect(runs).toEqual([1, 1]);
  });

  it('a failed run ends the round, its calls reject, and the next call runs again', async () => {
    let n = 0;
    let gate: () => void = () => {};
    const call = coalesced(async () => {
      n += 1;
      if (n === 1) {
        await new Promise<void>((ok) => (gate = ok));
        throw new Error('offline');
      }
    });
    const first = call();
    const during = call();
    await tick();
    gate();
    await expect(first).rejects.toThrow('offline');
    await expect(during).rejects.toThrow('offline');
    expect(n).toBe(1);
    await call();
    expect(n).toBe(2);
  });
});
