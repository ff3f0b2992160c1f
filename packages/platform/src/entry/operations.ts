// What operators and their tools run against a live system: local
// nats-servers and clusters, the event log, the REPL's commands and how they
// print, one flow's steps and calls, and the event-contract snapshots.

export { type ContractProblem, checkContract, type EventSnapshot, snapshotOf } from "../contracts/snapshot.js";
export { type DeadLetter, listDeadLetters } from "../dead-letters.js";
export { DEAD_LETTER_STREAM, EventStore } from "../event-store.js";
export { type NatsCluster, type NatsClusterOptions, startNatsCluster } from "../nats-cluster.js";
export {
  findNatsServer,
  freePort,
  type NatsServer,
  type NatsServerOptions,
  portIsFree,
  startNatsServer,
} from "../nats-server.js";
export {
  type FlowCall,
  type FlowStep,
  flowCalls,
  flowSteps,
  formatFlow,
  readFlow,
  readFlowCalls,
} from "../observability/flow.js";
export {
  type ConsumerReport,
  clusterBreakers,
  type EventLine,
  formatBreakers,
  formatDeadLetters,
  formatEventLine,
  formatProgress,
  formatStreams,
  type NodeBreakers,
  type Progress,
  rebuildWithProgress,
  replayDeadLetter,
  type StreamReport,
  streamsReport,
  tailEvents,
} from "../observability/operator.js";
export { type BreakerView, opsService } from "../observability/ops-service.js";
export { type RecordedSpan, recorderOf, SpanRecorder } from "../observability/span-recorder.js";
export { exportedId } from "../observability/trace-ids.js";
