// Readiness and liveness of this process. Services register checks; the
// gateway (or a node's own health server) reports them at /health/*.
// Readiness says "send me work" (connected, caught up); liveness says "I can
// recover by myself" — when it fails, the orchestrator restarts the process.
export interface CheckResult {
  ok: boolean;
  detail?: string;
}

type Check = () => CheckResult;

export class Health {
  private readonly checks = new Map<string, Check>();
  private readonly vitals = new Map<string, Check>();
  private shuttingDown = false;

  /** A named readiness condition, e.g. "shop.orderStatus caught up". */
  register(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  /** A named liveness condition, e.g. "event loop responsive"; failing it asks for a restart. */
  registerLiveness(name: string, check: Check): void {
    this.vitals.set(name, check);
  }

  liveness(): { live: boolean; checks: Record<string, CheckResult> } {
    const checks: Record<string, CheckResult> = {};
    let live = true;
    for (const [name, check] of this.vitals) {
      const r = check();
      checks[name] = r;
      if (!r.ok) live = false;
    }
    return { live, checks };
  }

  /** Readiness goes off first on SIGTERM so load balancers stop sending work. */
  startShutdown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  readiness(): { ready: boolean; checks: Record<string, CheckResult> } {
    const checks: Record<string, CheckResult> = {};
    let ready = !this.shuttingDown;
    if (this.shuttingDown) checks.shutdown = { ok: false, detail: "shutting down" };
    for (const [name, check] of this.checks) {
      const r = check();
      checks[name] = r;
      if (!r.ok) ready = false;
    }
    return { ready, checks };
  }
}

const byBroker = new WeakMap<object, Health>();

/** The health of one node (one broker); created on first use. */
export function healthOf(broker: object): Health {
  let h = byBroker.get(broker);
  if (!h) {
    h = new Health();
    byBroker.set(broker, h);
  }
  return h;
}
