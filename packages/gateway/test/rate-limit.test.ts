import { describe, expect, it } from "vitest";
import { RateLimiter } from "../src/rate-limit.js";

describe("rate limiter", () => {
  it("allows a minute's burst, then refills at the steady rate", () => {
    let now = 0;
    const rl = new RateLimiter(60, () => now); // one per second
    for (let i = 0; i < 60; i++) rl.take("a");
    expect(() => rl.take("a")).toThrow(expect.objectContaining({ code: 429, data: { retryAfter: 1 } }));
    rl.take("b"); // other callers are not affected
    now += 1000;
    rl.take("a");
    expect(() => rl.take("a")).toThrow();
  });

  it("is off at 0", () => {
    const rl = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) rl.take("a");
    expect(rl.enabled).toBe(false);
  });

  it("says how long to wait", () => {
    const now = 0;
    const rl = new RateLimiter(2, () => now); // one per 30 s
    rl.take("a");
    rl.take("a");
    expect(() => rl.take("a")).toThrow(expect.objectContaining({ data: { retryAfter: 30 } }));
  });
});
