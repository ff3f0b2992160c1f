// The valid chain of an aggregate's subject. Every commit names, in its
// `Seed-Prev` header, the stream sequence of the valid commit its command was
// decided on (0 for the first). On a replicated stream JetStream may store two
// commits decided on the same state (its expected-sequence check is not
// serialized with replication), so the header, not the server, says which one
// counts: the valid successor of a valid commit at P is the FIRST later
// message of the subject naming P; every other message is void (a write that
// lost) and every reader skips it. The rule depends only on the messages
// before, in stream order, so every reader — a projection folding in order, a
// writer or a policy reading forward from P — reaches the same verdict.
import type { MsgHdrs } from "nats";

export const PREV_HEADER = "Seed-Prev";

/**
 * The valid predecessor a stored message names, or undefined for a message
 * written before the header existed (it counts as the successor of whatever
 * came before it, as it always did).
 */
export function prevOf(headers: MsgHdrs | undefined): number | undefined {
  const value = headers?.get(PREV_HEADER);
  if (!value) return undefined;
  const prev = Number(value);
  return Number.isSafeInteger(prev) && prev >= 0 ? prev : undefined;
}

/** Whether a message naming `prev` continues a subject whose valid tip is `tip` (0 = nothing valid yet). */
export const continues = (tip: number, prev: number | undefined): boolean => prev === undefined || prev === tip;
