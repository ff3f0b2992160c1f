// What every handler of the gateway shares: config, tokens, users, rate
// limiter, idempotency store, metrics — and the one way to answer an error.
// Built once per gateway service; the moleculer-web schema only wires it.
import type { Clock, Role } from "@seed/platform";
import { type Config, type Health, logFields, systemClock } from "@seed/platform/node";
import type { ServiceBroker } from "moleculer";
import type { NatsConnection } from "nats";
import type { AllowedMethods } from "./allowed-methods.js";
import { hashPassword } from "./auth/passwords.js";
import { TokenService } from "./auth/tokens.js";
import { loadUsers, type UserDirectory } from "./auth/users.js";
import { methodNotAllowed, type Problem, problemResponse, toProblem } from "./http-errors.js";
import { IdempotencyStore } from "./idempotency.js";
import { HttpMetrics } from "./metrics.js";
import { RateLimiter } from "./rate-limit.js";
import { type AliasHandler, type GatewayRequest, type GatewayResponse, pathOf, requestIdOf } from "./request.js";
import { send } from "./respond.js";

type LoggerInstance = ServiceBroker["logger"];

export interface GatewayRuntime {
  config: Config;
  broker: ServiceBroker;
  nc: NatsConnection;
  health: Health;
  /** "Now" of the services (an Idempotency-Key's window); default: the system clock. */
  clock?: Clock;
}

interface Identity {
  tokens: TokenService;
  users: UserDirectory;
  /** A hash checked when the user name is unknown, so both cases take the same time. */
  decoyHash: string;
}

export class GatewayCore {
  readonly config: Config;
  readonly limiter: RateLimiter;
  readonly idempotency: IdempotencyStore;
  readonly metrics: HttpMetrics;
  readonly health: Health;
  private readonly identityPromise: Promise<Identity>;
  private logger: LoggerInstance;
  private allowed: AllowedMethods | undefined;

  /**
   * `roles`: those its users and tokens may hold (every system's, also on a
   * gateway that routes only some systems: one users file serves them all).
   */
  constructor(
    rt: GatewayRuntime,
    readonly roles: readonly Role[],
  ) {
    this.config = rt.config;
    this.health = rt.health;
    this.logger = rt.broker.getLogger("api");
    this.limiter = new RateLimiter(rt.config.RATE_LIMIT_PER_MINUTE);
    this.metrics = new HttpMetrics(rt.broker);
    this.idempotency = new IdempotencyStore(
      rt.nc,
      {
        ttlHours: rt.config.IDEMPOTENCY_TTL_HOURS,
        replicas: rt.config.STREAM_REPLICAS,
        // Long enough for a request with all its retries; a dead gateway's claim frees after it.
        leaseMs: Math.max(30_000, rt.config.REQUEST_TIMEOUT_MS * (rt.config.RETRY_ATTEMPTS + 1) * 4),
        timeoutMs: rt.config.REQUEST_TIMEOUT_MS,
      },
      () => (rt.clock ?? systemClock).now(),
    );
    // Started at once (scrypt takes a while); handlers await it, start() surfaces its errors.
    this.identityPromise = (async () => ({
      tokens: await TokenService.create(rt.config, roles),
      users: await loadUsers(rt.config, roles),
      decoyHash: await hashPassword(Math.random().toString(36)),
    }))();
    this.identityPromise.catch(() => {});
  }

  useLogger(logger: LoggerInstance): void {
    this.logger = logger;
  }

  /** The route table, for telling a wrong method (405) from an unknown path (404). */
  useRoutes(allowed: AllowedMethods): void {
    this.allowed = allowed;
  }

  identity(): Promise<Identity> {
    return this.identityPromise;
  }

  async start(): Promise<void> {
    const { users, tokens } = await this.identityPromise;
    this.logger.info(
      `${users.size} users can log in; tokens ${tokens.canIssue ? "issued and verified (HS256)" : "verified (RS256)"}`,
    );
    try {
      await this.idempotency.open();
    } catch (err) {
      // Not fatal: POSTs with a key answer 503 until NATS lets us open it.
      this.logger.warn("idempotency bucket not available yet:", (err as Error).message);
    }
  }

  /** Wraps an async handler so that whatever it throws becomes an error answer. */
  handler(fn: (req: GatewayRequest, res: GatewayResponse) => Promise<void>): AliasHandler {
    return (req, res) => {
      fn(req, res).catch((err: unknown) => this.fail(req, res, err));
    };
  }

  /** The error answer (also moleculer-web's onError): mapped once, logged by kind. */
  fail(req: GatewayRequest, res: GatewayResponse, err: unknown): void {
    const problem = this.report(req, err);
    send(req, res, problemResponse(problem, requestIdOf(req)));
  }

  /** Classifies and logs an error; the log keeps what the client must not see. */
  report(req: GatewayRequest, err: unknown): Problem {
    const problem = this.wrongMethod(req, err) ?? toProblem(err);
    const requestId = requestIdOf(req);
    const where = `${req.method} ${pathOf(req)} [${requestId}]`;
    // The request id is also a field of its own in JSON logs.
    const fields = logFields({ requestId });
    if ("internal" in problem) {
      this.logger.error(`${where} failed:`, err, fields);
    } else if (problem.status >= 500) {
      const e = err as { type?: unknown; message?: unknown };
      this.logger.warn(`${where} → ${problem.status}: ${String(e.type ?? "")} ${String(e.message ?? "")}`, fields);
    } else {
      this.logger.debug(`${where} → ${problem.status} ${problem.error}: ${problem.message}`, fields);
    }
    return problem;
  }

  /** moleculer-web found no route: a 405 when the path is known under other methods. */
  private wrongMethod(req: GatewayRequest, err: unknown): Problem | undefined {
    if ((err as { type?: unknown })?.type !== "NOT_FOUND" || !this.allowed) return undefined;
    const allow = this.allowed.of(pathOf(req));
    return allow.length > 0 ? methodNotAllowed(req.method ?? "", allow) : undefined;
  }

  warn(message: string): void {
    this.logger.warn(message);
  }

  /** Called when a response has been sent. */
  observe(req: GatewayRequest, res: GatewayResponse, startedAt: bigint): void {
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    this.metrics.observe(req.method ?? "GET", req.$alias?.fullPath ?? "unmatched", res.statusCode, seconds);
  }
}
