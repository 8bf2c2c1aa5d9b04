/**
 * `run`, one at a time: a call while it runs asks for one more run once it
 * ends (what changed meanwhile is read or sent then), however many calls
 * came, with the latest call's arguments. The calls of a round share its
 * promise, which settles when no call came during its last run: so each
 * call's promise settles after a run that started after the call. A run that
 * throws ends the round: the calls made during it are not run, and their
 * promises reject with its error (the next call starts a new round).
 *
 * Returning the running promise alone (`running ??= run()`) would drop a
 * call made while a run had already read what it works on: a report's new
 * status announced during a reading, a report queued during a sending.
 */
export function coalesced<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let running: Promise<void> | null = null;
  let again: A | null = null;
  return (...args: A) => {
    if (running) {
      again = args;
      return running;
    }
    let settle: { ok: () => void; fail: (e: unknown) => void } | undefined;
    // Set before `run` starts, so that a call `run` makes before its first
    // `await` joins this round instead of starting another.
    const round = new Promise<void>((ok, fail) => (settle = { ok, fail }));
    running = round;
    void (async () => {
      let next: A | null = args;
      try {
        while (next) {
          again = null;
          await run(...next);
          next = again;
        }
        settle?.ok();
      } catch (e) {
        settle?.fail(e);
      } finally {
        running = null;
        again = null;
      }
    })();
    return round;
  };
}
