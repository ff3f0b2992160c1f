// Observability of the platform: structured logs with request and correlation
// ids, operator metrics, the per-node $ops service, and what the REPL's
// operator commands do.
export * from "./logging.js";
export * from "./metrics.js";
export * from "./operator.js";
export * from "./ops-service.js";
export * from "./request-scope.js";
