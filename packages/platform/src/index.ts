// What a system is written with: the shape of a system module and its
// services, the service kit, events, errors, ids, callers and lists. What
// starts a node is in `@seed/platform/node`, what operators run in
// `@seed/platform/operations`, pure domain code in `@seed/platform/domain`.
// Everything not named here stays inside the platform.

export type { Clock } from "./clock.js";
export { defineEvents, type EventCatalog, type EventsOf, type Upcast } from "./contracts/events.js";
export { type Correlation, correlateBy } from "./correlation.js";
export { deadlineOf } from "./deadline.js";
export {
  ApiError,
  badRequest,
  conflict,
  type ErrorData,
  type ErrorDetail,
  type ErrorDetails,
  type ErrorName,
  forbidden,
  invalidValue,
  isClientError,
  notFound,
  paymentDeclined,
  ruleOf,
  unauthorized,
  unavailable,
  validationError,
} from "./errors.js";
export { type EventEnvelope, streamName } from "./event-store.js";
export {
  type Endpoint,
  endpoint,
  type HttpRoute,
  type RefusalCode,
  type RequestMeta,
  type Role,
  type RouteReasons,
  type RouteSpec,
  type User,
} from "./http.js";
export {
  caller,
  creationId,
  ensureOwnerOr,
  labelLanguage,
  labeller,
  type StatusLabels,
} from "./identity.js";
export { idFrom, idTime, newId, ULID_PATTERN } from "./ids.js";
export {
  filtersOf,
  ListQuery,
  type Page,
  PageOf,
  pageOf,
  type RowPage,
  type RowQuery,
  rowQuery,
} from "./list.js";
export { defineSystem, type Runtime, type ServiceFactory, type SystemManifest, type SystemModule } from "./node.js";
export { type OrphanWatch, ownerStoreBy, reconcilePeriod, storeWindowMs, watchOrphans } from "./orphans.js";
export { type CallEffect, call, type Effect, type ExecuteEffect, execute, type Reactions } from "./reaction.js";
export {
  type OwnedReadOptions,
  ownedReadActions,
  type ReadOptions,
  sharedReadActions,
} from "./read-actions.js";
export type { ReadResource, ReadRoles } from "./read-routes.js";
export type { ExecuteOptions } from "./repository.js";
export { defineRoles, type RoleOf, type SystemRoles } from "./roles.js";
export { type KitOptions, ServiceKit } from "./service-kit.js";
export { defineSettings, type SystemSettings } from "./settings.js";
export { AVAILABLE_SHARD } from "./shard.js";
export { aggregateSubjectOf, commitSubject, subjectOf } from "./subjects.js";
