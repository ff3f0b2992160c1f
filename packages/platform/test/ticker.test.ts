import { ServiceBroker } from "moleculer";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { Ticker } from "../src/ticker.js";
import { eventually } from "../testing/index.js";

const logger = new ServiceBroker({ logger: false }).getLogger("ticker-test");

describe("Ticker", () => {
  it("ticks with the clock's time, never overlapping itself, and survives a failed tick", async () => {
    const clock = new ManualClock(Date.parse("2026-01-01T10:00:00Z"));
    const seen: number[] = [];
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const ticker = new Ticker(
      "t",
      5,
      async (now) => {
        calls++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 15)); // longer than the period
        running--;
        if (calls === 2) throw new Error("boom");
        seen.push(now);
      },
      clock,
      logger,
    );
    ticker.start();
    await eventually(() => expect(calls).toBeGreaterThanOrEqual(2));
    clock.advance(60_000);
    await eventually(() => expect(seen.at(-1)).toBe(Date.parse("2026-01-01T10:01:00Z")));
    await ticker.stop();
    expect(maxRunning).toBe(1);
    expect(ticker.ticks).toBe(calls - 1);
    const after = calls;
    await new Promise((r) => setTimeout(r, 40));
    expect(calls).toBe(after);
  });

  it("stop waits for the tick in progress; runNow ticks at once", async () => {
    const clock = new ManualClock(0);
    let finished = 0;
    const ticker = new Ticker(
      "slow",
      10,
      async () => {
        await new Promise((r) => setTimeout(r, 50));
        finished++;
      },
      clock,
      logger,
    );
    await ticker.runNow();
    expect(finished).toBe(1);
    ticker.start();
    await new Promise((r) => setTimeout(r, 20)); // a tick has begun
    await ticker.stop();
    expect(finished).toBe(2);
  });
});
