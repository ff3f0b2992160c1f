// The checks that make a node heal itself under an orchestrator: liveness
// fails when the process cannot recover on its own (its event loop stalls, or
// NATS stays unreachable past a bound), so Kubernetes — or the local
// supervisor — restarts it; readiness fails while NATS is disconnected, so no
// work is sent to a node that would only answer 503.
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { NatsConnection } from "nats";
import type { Health } from "./health.js";

export interface VitalsOptions {
  /** Longest event-loop delay still healthy (ms). */
  maxLoopDelayMs: number;
  /** A stall stays reported this long after it ended, so a probe can see it (ms). */
  loopWindowMs: number;
  /** NATS may be disconnected this long before liveness fails (ms). */
  natsDownLimitMs: number;
}

export interface Vitals {
  stop(): void;
}

/** Watches the event loop and the NATS connection and registers the resulting checks. */
export function watchVitals(health: Health, nc: NatsConnection, opts: VitalsOptions): Vitals {
  const stopLoop = watchEventLoop(health, opts);
  const stopNats = watchNats(health, nc, opts);
  return {
    stop() {
      stopLoop();
      stopNats();
    },
  };
}

function watchEventLoop(health: Health, opts: VitalsOptions): () => void {
  // The histogram samples the loop's delay every 20 ms; read and reset it
  // often, keeping the worst delay seen recently.
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  let stalledUntil = 0;
  let worstMs = 0;
  const sampleEvery = Math.max(50, Math.min(1000, Math.floor(opts.loopWindowMs / 4)));
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    // A timer that fires late measures the stall it just sat through, even
    // before the histogram has recorded it.
    const lateMs = now - last - sampleEvery;
    last = now;
    const delayMs = Math.max(histogram.max / 1e6, lateMs);
    histogram.reset();
    if (delayMs > opts.maxLoopDelayMs) {
      stalledUntil = Date.now() + opts.loopWindowMs;
      worstMs = Math.round(delayMs);
    }
  }, sampleEvery);
  timer.unref();
  health.registerLiveness("event loop", () =>
    Date.now() < stalledUntil
      ? { ok: false, detail: `stalled for ${worstMs} ms (limit ${opts.maxLoopDelayMs} ms)` }
      : { ok: true },
  );
  return () => {
    clearInterval(timer);
    histogram.disable();
  };
}

function watchNats(health: Health, nc: NatsConnection, opts: VitalsOptions): () => void {
  let downSince: number | undefined;
  let stopped = false;
  void (async () => {
    for await (const s of nc.status()) {
      if (stopped) break;
      if (s.type === "disconnect" || s.type === "reconnecting") downSince ??= Date.now();
      else if (s.type === "reconnect") downSince = undefined;
    }
  })().catch(() => {});
  health.register("nats", () => {
    if (nc.isClosed()) return { ok: false, detail: "NATS connection closed" };
    if (downSince !== undefined) return { ok: false, detail: "NATS disconnected, reconnecting" };
    return { ok: true };
  });
  health.registerLiveness("nats", () => {
    if (downSince === undefined) return { ok: true };
    const downMs = Date.now() - downSince;
    return downMs > opts.natsDownLimitMs
      ? { ok: false, detail: `NATS unreachable for ${Math.round(downMs / 1000)} s` }
      : { ok: true, detail: "reconnecting" };
  });
  return () => {
    stopped = true;
  };
}
