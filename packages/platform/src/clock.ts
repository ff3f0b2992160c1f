// Time as the services see it. Everything that depends on "now" (time slots,
// deadlines of timers, createdAt) reads it from the runtime's clock, so tests
// can move time instead of waiting for it.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock a test sets and moves by hand; it stands still in between. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.now()) {}

  now(): number {
    return this.ms;
  }

  set(at: number | Date | string): void {
    this.ms = typeof at === "number" ? at : new Date(at).getTime();
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
