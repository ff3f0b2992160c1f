// Moleculer settings shared by every node: transporter, resilience, metrics,
// tracing, logging. Values come from the validated config (environment).

import {
  breakerAccounting,
  type Config,
  countsAgainstEndpoint,
  deadlineMiddleware,
  errorHandler,
  loggerOptions,
  moleculerMiddlewares,
  natsOptions,
  refusalMiddleware,
  requestScopeMiddleware,
  TypeBoxValidator,
  traceScopeMiddleware,
  tracingOptions,
} from "@seed/platform/node";
import { type BrokerOptions, Errors, type Middleware } from "moleculer";

/**
 * Attempts for a call that a stopping node turned away (see retryPolicy): with
 * backoff 50, 100, 200, 400, 500 ms they span more than a second, the time a
 * busy peer may take to hear that a replica left and that its successor came.
 */
const NOT_RUN_RETRIES = 5;

/**
 * How long a stopping node keeps serving after telling its peers it has no
 * services any more (Moleculer's default is 100 ms). Requests its peers send
 * before they hear it are still served instead of refused, so a rolling
 * restart on a busy machine does not lean on retries alone.
 */
const STOP_DELAY_MS = 500;

/** The callee refused before doing anything: no node had it, its node was stopping, or its copy was behind. */
const neverRan = (err: Error) =>
  err instanceof Errors.ServiceNotAvailableError ||
  err instanceof Errors.ServiceNotFoundError ||
  (err as { data?: { nothingDone?: boolean } }).data?.nothingDone === true;

/**
 * The broker options of a node. `extra` middlewares (the fault tests' crash
 * points) come after the platform's and before Moleculer's own.
 */
export default function brokerConfig(config: Config, extra: Middleware[] = []): BrokerOptions {
  return {
    namespace: config.NAMESPACE,
    ...(config.NODE_ID ? { nodeID: config.NODE_ID } : {}),
    transporter: { type: "NATS", options: natsOptions(config) },
    // One line per entry; in JSON, request and correlation ids are fields of their own.
    logger: loggerOptions(config.LOG_FORMAT, config.LOG_LEVEL),
    // Calls go by each action's strategy even when the service also runs in
    // this process: the pay service routes check and cancel of one pay to one
    // replica (shard by pay id), and a local shortcut would bypass that.
    registry: { preferLocal: false, stopDelay: STOP_DELAY_MS },
    // A node killed without goodbye is noticed within seconds, not half a minute,
    // so calls stop going to it and time out for nothing.
    heartbeatInterval: 2,
    heartbeatTimeout: 6,
    // Peers learn of a (re)started node's services the moment they start, not
    // a second later: a node that reports ready must already be callable
    // (otherwise a rolling restart finds no replica for a moment).
    // (An option Moleculer has and its typings lack.) A starting node waits
    // DISCOVERY_WAIT_MS for its peers' services (Moleculer's fixed 500 ms,
    // made an option by patches/moleculer@0.15.2.patch); a call made before
    // they are known is refused unrun and retried (retryPolicy below).
    transit: {
      serviceChangedDebounceTime: 0,
      discoveryWait: config.DISCOVERY_WAIT_MS,
    } as BrokerOptions["transit"],
    // Calls made while NATS is down would otherwise wait forever.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    // A call refused by a node that is stopping, or by a replica whose copy
    // is still catching up, did nothing: it is always safe to send it again,
    // and the next attempt usually goes to another replica (this is what makes
    // rolling restarts lossless). Other retryable errors (timeouts,
    // 503) are retried only when RETRY_ATTEMPTS asks for it: a timed-out
    // command may have run. Client errors never.
    retryPolicy: {
      enabled: true,
      retries: Math.max(config.RETRY_ATTEMPTS, NOT_RUN_RETRIES),
      delay: 50,
      maxDelay: 500,
      factor: 2,
      check: (err: Error) => {
        if (neverRan(err)) return true;
        return config.RETRY_ATTEMPTS > 0 && Boolean((err as { retryable?: boolean }).retryable);
      },
    },
    circuitBreaker: {
      enabled: true,
      threshold: config.BREAKER_THRESHOLD,
      minRequestCount: config.BREAKER_MIN_REQUESTS,
      windowTime: config.BREAKER_WINDOW_SECONDS,
      halfOpenTime: config.BREAKER_HALF_OPEN_MS,
      // A replica declining a call it did not start (it catches up, the call
      // goes to another) is no failure: counted, it would turn a moment's
      // catching up into seconds of refusals. What else counts: breaker.ts.
      check: (err: Error) => !neverRan(err) && countsAgainstEndpoint(err),
    },
    bulkhead: { enabled: true, concurrency: config.BULKHEAD_CONCURRENCY, maxQueueSize: config.BULKHEAD_QUEUE },
    validator: new TypeBoxValidator(),
    errorHandler,
    // Every action runs in its request's scope: its log lines and the events
    // it appends carry the request id (X-Request-Id). Calls carry deadlines;
    // breakers count what breaker.ts says.
    // With tracing on, events appended and calls made carry the running span.
    middlewares: [
      requestScopeMiddleware,
      ...(config.TRACING_EXPORTER === "none" ? [] : [traceScopeMiddleware]),
      refusalMiddleware,
      deadlineMiddleware(),
      breakerAccounting(),
      ...extra,
      // Then Moleculer's own, as it would add them, except that per-call
      // metrics are kept without rehashing labels on every call
      // (observability/call-metrics.ts).
      ...moleculerMiddlewares,
    ],
    internalMiddlewares: false,
    metrics: {
      enabled: true,
      reporter: [],
      // Moleculer's action and event timings keep their buckets, count and sum
      // (what /metrics and the dashboard read: histogram_quantile over buckets)
      // but not the sliding-window quantiles it would otherwise add a sample
      // to on every call and rotate a timer for per label set. Its options
      // are merged with lodash's defaultsDeep: null, not [], turns them off.
      defaultQuantiles: null as unknown as number[],
    },
    // Off unless TRACING_EXPORTER names an exporter (tracing.ts; its cost: docs/PERFORMANCE.md).
    tracing: tracingOptions(config),
    // A stopping node finishes the requests it already accepted.
    tracking: { enabled: true, shutdownTimeout: config.SHUTDOWN_TIMEOUT_MS },
  };
}
