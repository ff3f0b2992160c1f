// The windows of a first write waiting for its owner: the owner is stored
// within the store window or never, the reconciliation looks only after the
// full wait, and the gap between the two is the margin.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { DEADLINE_MARGIN_MS } from "../src/deadline.js";
import { ownerStoreBy, reconcilePeriod, storeWindowMs } from "../src/orphans.js";

describe("storeWindowMs", () => {
  it("leaves at least a second (a quarter of long waits) before the reconciliation, never less than half the wait", () => {
    expect(storeWindowMs(30_000)).toBe(22_500);
    expect(storeWindowMs(12_000)).toBe(9_000);
    expect(storeWindowMs(4_000)).toBe(3_000);
    expect(storeWindowMs(1_000)).toBe(500);
    for (const after of [1_000, 1_500, 2_000, 10_000, 60_000, 86_400_000]) {
      expect(storeWindowMs(after)).toBeLessThan(after);
      expect(storeWindowMs(after)).toBeGreaterThanOrEqual(after / 2);
    }
  });
});

describe("reconcilePeriod", () => {
  it("a quarter of the wait, between 200 ms and 5 s", () => {
    expect(reconcilePeriod(4_000)).toBe(1_000);
    expect(reconcilePeriod(400)).toBe(200);
    expect(reconcilePeriod(30_000)).toBe(5_000);
  });
});

describe("ownerStoreBy", () => {
  const AFTER = 4_000;
  const WINDOW = storeWindowMs(AFTER);

  it("gives what is left of the window as a deadline in this process's real time", () => {
    const clock = new ManualClock(Date.parse("2030-03-11T01:30:00Z")); // far from real time on purpose
    const since = clock.now() - 1_000;
    const before = Date.now();
    const by = ownerStoreBy(since, AFTER, clock) as number;
    expect(by).toBeGreaterThanOrEqual(before + WINDOW - 1_000);
    expect(by).toBeLessThanOrEqual(Date.now() + WINDOW - 1_000);
  });

  it("none once the window is over, or too close to its end for an append to land", () => {
    const clock = new ManualClock(0);
    const since = clock.now();
    clock.advance(WINDOW - DEADLINE_MARGIN_MS - 1);
    expect(ownerStoreBy(since, AFTER, clock)).toBeDefined();
    clock.advance(1);
    expect(ownerStoreBy(since, AFTER, clock)).toBeUndefined();
    clock.advance(AFTER);
    expect(ownerStoreBy(since, AFTER, clock)).toBeUndefined();
  });
});
