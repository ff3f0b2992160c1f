/**
 * Runs tasks one at a time per key, concurrently across keys. Commands on one
 * aggregate in one instance queue here instead of racing each other to the
 * event store; races between instances are settled by the expected sequence.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** `busy` is what a task that gave up waiting for its key is rejected with. */
  constructor(private readonly busy: (key: string) => Error = (key) => new Error(`${key} is busy`)) {}

  /**
   * Runs `task` once the tasks queued before it on `key` are done. With
   * `until` (ms since epoch), a task still queued then never runs: it rejects
   * with `busy(key)`, and the next task waits for those before it.
   */
  run<T>(key: string, task: () => Promise<T>, until?: number): Promise<T> {
    const prev = this.tails.get(key);
    const bounded = prev !== undefined && until !== undefined;
    const result = (bounded ? waitAtMost(prev, until, () => this.busy(key)) : (prev ?? Promise.resolve())).then(task);
    // A task that gave up leaves the key to those before it: the next one waits for them too.
    const tail = bounded ? Promise.allSettled([prev, result]) : result.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/** Resolves when `prev` settles, or rejects with `busy()` at `until` if it has not by then. */
function waitAtMost(prev: Promise<unknown>, until: number, busy: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(busy()), Math.max(0, until - Date.now()));
    void prev.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
