// What fault tests are written with (`@seed/platform/testing/faults`): the
// fixture of a fault test file (its own nats-server, main node, spawned
// children, one movable clock, teardown) and the pieces it is made of.
export * from "./fault-cluster.js";
export * from "./fault-env.js";
export { MovingClock } from "./moving-clock.js";
