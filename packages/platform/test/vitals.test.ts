// Self-healing: liveness fails when the process cannot recover by itself (a
// stalled event loop, NATS gone past a bound) and readiness fails while NATS
// is disconnected; both recover on their own.
import { join } from "node:path";
import { connect } from "nats";
import { afterEach, describe, expect, it } from "vitest";
import { Health } from "../src/health.js";
import { startNatsServer } from "../src/nats-server.js";
import { natsOptions } from "../src/node.js";
import { watchVitals } from "../src/vitals.js";
import { eventually, natsUrl, startTestNode, type TestNode, tempDir, testConfig } from "../testing/index.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const blockEventLoop = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: nothing else runs
  }
};

describe("vitals", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("a stalled event loop fails liveness for a while, then liveness recovers", async () => {
    const health = new Health();
    const nc = await connect({ servers: natsUrl() });
    const vitals = watchVitals(health, nc, { maxLoopDelayMs: 200, loopWindowMs: 1000, natsDownLimitMs: 60_000 });
    cleanups.push(
      () => nc.close(),
      () => vitals.stop(),
    );

    await sleep(300);
    expect(health.liveness().live).toBe(true);
    blockEventLoop(700);
    await eventually(() => expect(health.liveness().checks["event loop"]?.ok).toBe(false), { timeout: 1000 });
    expect(health.liveness().checks["event loop"]?.detail).toMatch(/stalled for \d+ ms/);
    // Readiness is about NATS and the services, not the loop.
    expect(health.readiness().ready).toBe(true);
    await eventually(() => expect(health.liveness().live).toBe(true), { timeout: 3000 });
  });

  it("NATS gone: readiness fails at once, liveness after the bound; both recover on reconnect", async () => {
    const storeDir = join(tempDir("seed-vitals-nats-"), "js");
    let nats = await startNatsServer({ storeDir });
    const port = nats.port;
    const config = testConfig({ NATS_URL: nats.url });
    const nc = await connect({ ...natsOptions(config), reconnectTimeWait: 100 });
    const health = new Health();
    const vitals = watchVitals(health, nc, { maxLoopDelayMs: 5000, loopWindowMs: 1000, natsDownLimitMs: 1500 });
    cleanups.push(
      () => nats.stop(),
      () => nc.close(),
      () => vitals.stop(),
    );
    expect(health.readiness().ready).toBe(true);

    await nats.stop();
    await eventually(() => expect(health.readiness().checks.nats?.ok).toBe(false), { timeout: 3000 });
    expect(health.liveness().live).toBe(true); // reconnecting is still alive
    await eventually(() => expect(health.liveness().checks.nats?.ok).toBe(false), { timeout: 5000 });
    expect(health.liveness().checks.nats?.detail).toMatch(/NATS unreachable for \d+ s/);

    nats = await startNatsServer({ storeDir, port });
    await eventually(
      () => {
        expect(health.readiness().ready).toBe(true);
        expect(health.liveness().live).toBe(true);
      },
      { timeout: 10_000 },
    );
  });

  describe("over HTTP", () => {
    let node: TestNode;
    afterEach(async () => node?.stop());

    it("the gateway's /health/live answers 503 with the reason after a stall, 200 again later", async () => {
      node = await startTestNode({
        services: "api",
        config: { LIVENESS_MAX_LOOP_DELAY_MS: 200, LIVENESS_WINDOW_MS: 1500 },
        notWaitedFor: ["api routes"], // it serves no route; the warm-up would wait 3 s for every system's
      });
      expect((await fetch(`${node.url}/health/live`)).status).toBe(200);
      blockEventLoop(700);
      await sleep(300);
      const failing = await fetch(`${node.url}/health/live`);
      expect(failing.status).toBe(503);
      expect(await failing.json()).toMatchObject({ live: false, checks: { "event loop": { ok: false } } });
      await eventually(async () => expect((await fetch(`${node.url}/health/live`)).status).toBe(200), {
        timeout: 5000,
      });
    });
  });
});
