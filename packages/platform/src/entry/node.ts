// What starts a node: the configuration, the broker's middlewares and
// settings, the node itself with the systems it runs, its health, and what the
// gateway serving HTTP in front of the systems needs beyond what a system uses.

export { breakerAccounting, countsAgainstEndpoint } from "../breaker.js";
export { systemClock } from "../clock.js";
export {
  type Config,
  configVariables,
  loadConfig,
  refuseKnownSecrets,
  type SettingsOwner,
} from "../config.js";
export { deadlineMiddleware } from "../deadline.js";
export { errorHandler, isUnavailable, refusalAsApiError, refusalMiddleware } from "../error-handler.js";
export { type Health, healthOf } from "../health.js";
export { type HealthServer, startHealthServer } from "../health-server.js";
export { pathParamsOf } from "../http.js";
export { PROMETHEUS_TYPE, renderPrometheus } from "../metrics.js";
export {
  connectEvents,
  natsOptions,
  type RunningNode,
  type StartNodeOptions,
  selectServices,
  startNode,
  systemsToLoad,
} from "../node.js";
export { moleculerMiddlewares, type Series, seriesOf } from "../observability/call-metrics.js";
export { logFields, loggerOptions } from "../observability/logging.js";
export { requestScopeMiddleware } from "../observability/request-scope.js";
export { traceScopeMiddleware, tracingOptions } from "../observability/tracing.js";
export { routesOf } from "../system-routes.js";
export { type Checker, compileChecker, TypeBoxValidator } from "../validator.js";
