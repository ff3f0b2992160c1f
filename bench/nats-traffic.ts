// NATS traffic per order, from the server's monitoring endpoint (/varz): its
// message and byte counters read before a run and after the run's aftermath
// has settled, divided by the orders placed. "In" is what clients published
// (appends, acks, requests); "out" is what the server delivered to them.
import type { NatsPerOrder } from "./report.js";

export interface NatsCounters {
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
}

/** The server's counters now. */
export async function readCounters(monitorUrl: string): Promise<NatsCounters> {
  const res = await fetch(`${monitorUrl}/varz`);
  if (!res.ok) throw new Error(`${monitorUrl}/varz answered ${res.status}`);
  const v = (await res.json()) as { in_msgs: number; out_msgs: number; in_bytes: number; out_bytes: number };
  return { inMsgs: v.in_msgs, outMsgs: v.out_msgs, inBytes: v.in_bytes, outBytes: v.out_bytes };
}

const combine = (a: NatsCounters, b: NatsCounters, f: (x: number, y: number) => number): NatsCounters => ({
  inMsgs: f(a.inMsgs, b.inMsgs),
  outMsgs: f(a.outMsgs, b.outMsgs),
  inBytes: f(a.inBytes, b.inBytes),
  outBytes: f(a.outBytes, b.outBytes),
});

/** The traffic between two readings. */
export const difference = (after: NatsCounters, before: NatsCounters) => combine(after, before, (x, y) => x - y);

/** The traffic of two windows together. */
export const sum = (a: NatsCounters, b: NatsCounters) => combine(a, b, (x, y) => x + y);

/** A window's traffic per order. */
export function perOrder(traffic: NatsCounters, orders: number): NatsPerOrder {
  const per = (k: keyof NatsCounters) => (orders > 0 ? traffic[k] / orders : Number.NaN);
  return {
    orders,
    inMsgs: per("inMsgs"),
    outMsgs: per("outMsgs"),
    inBytes: per("inBytes"),
    outBytes: per("outBytes"),
  };
}
