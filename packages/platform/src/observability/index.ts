// Observability of the platform: structured logs with request, correlation
// and trace ids, tracing across calls and events, operator metrics, the per-node $ops service, and what the REPL's
// operator commands do.
export * from "./flow.js";
export * from "./logging.js";
export * from "./metrics.js";
export * from "./operator.js";
export * from "./ops-service.js";
export * from "./request-scope.js";
export * from "./span-recorder.js";
export * from "./trace-ids.js";
export * from "./tracing.js";
