/**
 * Runs tasks one at a time per key, concurrently across keys. Commands on one
 * aggregate in one instance queue here instead of racing each other to the
 * event store; races between instances are settled by the expected sequence.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /**
   * Runs `task` once the tasks queued before it on `key` are done. With
   * `wait`, a task still queued at `wait.until` (ms since epoch) never runs:
   * it rejects with `wait.busy()`, and the next task waits for those before it.
   */
  run<T>(key: string, task: () => Promise<T>, wait?: { until: number; busy: () => Error }): Promise<T> {
    const prev = this.tails.get(key);
    const bounded = prev !== undefined && wait !== undefined;
    const result = (bounded ? waitAtMost(prev, wait) : (prev ?? Promise.resolve())).then(task);
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
function waitAtMost(prev: Promise<unknown>, wait: { until: number; busy: () => Error }): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(wait.busy()), Math.max(0, wait.until - Date.now()));
    void prev.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
