// Per-caller rate limit: a token bucket per key (user id, or peer address for
// anonymous calls) that refills RATE_LIMIT_PER_MINUTE tokens a minute, so a
// caller may burst up to a minute's worth and then goes at the steady rate.
// The buckets live in this process: with N gateway replicas a caller gets up
// to N times the limit, which is fine for protecting against runaway clients.
import { ApiError } from "@seed/platform";

interface Bucket {
  tokens: number;
  at: number;
}

const SWEEP_EVERY_MS = 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private lastSweep: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
    this.lastSweep = now();
  }

  get enabled(): boolean {
    return this.perMinute > 0;
  }

  /** Takes one token for `key`; 429 with Retry-After when there is none. */
  take(key: string): void {
    if (!this.enabled) return;
    const now = this.now();
    this.sweep(now);
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * this.perMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
    throw new ApiError(429, "TooManyRequests", "rate limit exceeded, slow down", { retryAfter });
  }

  /** Forgets buckets that have refilled: they hold no information. */
  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}
