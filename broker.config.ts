// Moleculer settings shared by every node: transporter, resilience, metrics,
// tracing, logging. Values come from the validated config (environment).

import {
  type Config,
  deadlineMiddleware,
  errorHandler,
  natsOptions,
  refusalMiddleware,
  TypeBoxValidator,
} from "@seed/platform";
import type { BrokerOptions } from "moleculer";

export default function brokerConfig(config: Config): BrokerOptions {
  return {
    namespace: config.NAMESPACE,
    ...(config.NODE_ID ? { nodeID: config.NODE_ID } : {}),
    transporter: { type: "NATS", options: natsOptions(config) },
    logger: {
      type: "Console",
      options: {
        level: config.LOG_LEVEL,
        formatter: config.LOG_FORMAT === "json" ? "json" : "short",
        colors: config.LOG_FORMAT !== "json",
      },
    },
    // Calls go by each action's strategy even when the service also runs in
    // this process: the pay service routes check and cancel of one pay to one
    // replica (shard by pay id), and a local shortcut would bypass that.
    registry: { preferLocal: false },
    // A node killed without goodbye is noticed within seconds, not half a minute,
    // so calls stop going to it and time out for nothing.
    heartbeatInterval: 2,
    heartbeatTimeout: 6,
    // Calls made while NATS is down would otherwise wait forever.
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    // Only errors marked retryable (timeouts, 503) of calls are retried; client errors never.
    retryPolicy: {
      enabled: config.RETRY_ATTEMPTS > 0,
      retries: config.RETRY_ATTEMPTS,
      delay: 50,
      maxDelay: 500,
      factor: 2,
      check: (err: Error) => Boolean((err as { retryable?: boolean }).retryable),
    },
    circuitBreaker: {
      enabled: true,
      threshold: config.BREAKER_THRESHOLD,
      minRequestCount: config.BREAKER_MIN_REQUESTS,
      windowTime: config.BREAKER_WINDOW_SECONDS,
      halfOpenTime: config.BREAKER_HALF_OPEN_MS,
      // Business refusals (4xx) are answers, not failures of the callee.
      check: (err: Error) => {
        const code = (err as { code?: number }).code ?? 500;
        return code >= 500 || code === 408 || (err as { type?: string }).type === "REQUEST_TIMEOUT";
      },
    },
    bulkhead: { enabled: true, concurrency: config.BULKHEAD_CONCURRENCY, maxQueueSize: config.BULKHEAD_QUEUE },
    validator: new TypeBoxValidator(),
    errorHandler,
    middlewares: [refusalMiddleware, deadlineMiddleware()],
    metrics: { enabled: true, reporter: [] },
    tracing: { enabled: false },
    // A stopping node finishes the requests it already accepted.
    tracking: { enabled: true, shutdownTimeout: config.SHUTDOWN_TIMEOUT_MS },
  };
}
