// $ops — one per node, started by every node beside its services.
// Owns: nothing stored; it reports this node's view of the cluster.
// Offers: breakers — the circuit breakers this node keeps, one per action
//         endpoint (action on a node) it has called, with their state;
//         spans — with tracing on, the spans of given traces this node
//         recorded (the flow view's calls).
// Reacts to: $circuit-breaker.opened / half-opened / closed raised by this
//            node's breaker middleware → the seed_breaker_state gauge.
// Calls: nothing.
import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import { BREAKER_STATE, METRICS, operatorMetrics } from "./metrics.js";
import { type RecordedSpan, recorderOf } from "./span-recorder.js";

export const OPS_SERVICE = "$ops";

export type BreakerState = "closed" | "half-open" | "open";

export interface BreakerView {
  /** Action the breaker guards, e.g. "shop.product.decreaseStock". */
  action: string;
  /** Node that action runs on. */
  target: string;
  state: BreakerState;
  /** Failures and calls in the current window. */
  failures: number;
  calls: number;
}

interface StoreItem {
  state: string;
  failures: number;
  count: number;
  ep: { id: string; action: { name: string } };
}

/** Moleculer's breaker middleware keeps its state per endpoint in this map (it exposes it on the broker). */
function breakerStore(broker: ServiceBroker): Map<string, StoreItem> {
  return ((broker as unknown as { CircuitBreakerStore?: Map<string, StoreItem> }).CircuitBreakerStore ??
    new Map()) as Map<string, StoreItem>;
}

const STATES: Record<string, BreakerState> = {
  close: "closed",
  half_open: "half-open",
  // Half-open with its one trial call under way: still refusing other calls.
  half_open_wait: "half-open",
  open: "open",
};

/** The breakers of this node, sorted by action then node. */
export function breakersOf(broker: ServiceBroker): BreakerView[] {
  return [...breakerStore(broker).values()]
    .filter((item) => !item.ep.action.name.startsWith("$")) // Moleculer's and our own node actions
    .map((item) => ({
      action: item.ep.action.name,
      target: item.ep.id,
      state: STATES[item.state] ?? "closed",
      failures: item.failures,
      calls: item.count,
    }))
    .sort((a, b) => a.action.localeCompare(b.action) || a.target.localeCompare(b.target));
}

interface BreakerEvent {
  nodeID: string;
  action: string;
}

export function opsService(broker: ServiceBroker): ServiceSchema {
  const metrics = operatorMetrics(broker);
  // Breaker events are broadcast to every node; each node records only its own breakers.
  const record = (state: keyof typeof BREAKER_STATE) => (ctx: Context<BreakerEvent>) => {
    if (ctx.nodeID !== broker.nodeID) return;
    metrics?.set(METRICS.breakerState, BREAKER_STATE[state], {
      action: ctx.params.action,
      affectedNodeID: ctx.params.nodeID,
    });
  };
  return {
    name: OPS_SERVICE,
    actions: {
      breakers: {
        visibility: "public",
        handler: (): BreakerView[] => breakersOf(broker),
      },
      spans: {
        visibility: "public",
        handler: (ctx: Context<{ traceIds?: unknown }>): RecordedSpan[] => {
          const ids = Array.isArray(ctx.params.traceIds) ? ctx.params.traceIds.map(String) : [];
          return recorderOf(broker)?.spansOf(new Set(ids)) ?? [];
        },
      },
    },
    events: {
      "$circuit-breaker.opened": record("opened"),
      "$circuit-breaker.half-opened": record("half-opened"),
      "$circuit-breaker.closed": record("closed"),
    },
  };
}
