// A node starting while NATS is busy or between leaders (a server just
// restarted, JetStream electing, every core taken by a catch-up) meets
// requests that time out or find no responder. Those pass: the start waits
// them out instead of failing the node, which would only be started again
// after a delay. Anything else (a refused configuration, a stream that
// cannot be replicated) still fails at once.
import type { Logger as LoggerInstance } from "moleculer";
import pRetry from "p-retry";

/** How long a start step waits for NATS to answer before the node gives up. */
export const START_PATIENCE_MS = 30_000;

/** NATS did not answer for now: a timeout, no responder, or JetStream unavailable (503). */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "TIMEOUT" || code === "503" || code === 503;
}

export interface UntilAnsweredOptions {
  logger?: Pick<LoggerInstance, "warn">;
  /** Total wait before the last failure is thrown (default START_PATIENCE_MS). */
  timeoutMs?: number;
  /** Stop retrying (the service is stopping): the last failure is thrown. */
  cancelled?: () => boolean;
}

/** Runs `step`, again after a growing pause (0.1 s up to 2 s) while it fails for a transient reason. */
export function untilAnswered<T>(what: string, step: () => Promise<T>, opts: UntilAnsweredOptions = {}): Promise<T> {
  return pRetry(step, {
    retries: Number.POSITIVE_INFINITY,
    maxRetryTime: opts.timeoutMs ?? START_PATIENCE_MS,
    minTimeout: 100,
    maxTimeout: 2000,
    randomize: true,
    shouldRetry: ({ error }) => isTransient(error) && !opts.cancelled?.(),
    onFailedAttempt: ({ error, attemptNumber }) => {
      if (isTransient(error))
        opts.logger?.warn(`${what}: NATS not answering (${error.message}), attempt ${attemptNumber}`);
    },
  });
}
