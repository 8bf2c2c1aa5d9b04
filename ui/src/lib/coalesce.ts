/**
 * `run`, one at a time: a call while it runs asks for one more run once it
 * ends (what changed meanwhile is read or sent then), however many calls
 * came, with the latest call's arguments. Every call's promise settles once
 * a run that started after the call has ended.
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
    running = (async () => {
      let next: A | null = args;
      try {
        while (next) {
          again = null;
          await run(...next);
          next = again;
        }
      } finally {
        running = null;
        again = null;
      }
    })();
    return running;
  };
}
