// Work that comes due with time rather than with an event: expire a
// reservation at its slot's end, issue a document once its delay has passed,
// refund a payment whose order never appeared. A ticker calls its `tick` every
// period on every replica of the service. It never overlaps itself, and a
// failed tick is logged and tried again at the next period, so `tick` must be
// idempotent across replicas: it issues commands that the aggregate decides,
// and a second replica's command finds the work done and changes nothing.
import type { Logger as LoggerInstance } from "moleculer";
import type { Clock } from "./clock.js";

export type Tick = (now: number) => Promise<void>;

export class Ticker {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopped = true;
  /** Ticks completed on this replica, for tests. */
  ticks = 0;

  constructor(
    readonly name: string,
    private readonly periodMs: number,
    private readonly tick: Tick,
    private readonly clock: Clock,
    private readonly logger: LoggerInstance,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** Runs one tick now (after a running one), e.g. when a test moved the clock. */
  async runNow(): Promise<void> {
    await this.current;
    await this.runOnce();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.schedule());
    }, this.periodMs);
    this.timer.unref();
  }

  private runOnce(): Promise<void> {
    this.current = (async () => {
      try {
        await this.tick(this.clock.now());
        this.ticks++;
      } catch (err) {
        this.logger.warn(`ticker ${this.name} failed, next try in ${this.periodMs} ms`, (err as Error).message);
      }
    })();
    return this.current;
  }
}
