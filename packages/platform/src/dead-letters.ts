// What operators see of the events a policy gave up on: each dead letter
// keeps the commit, the error of its last attempt and where it came from. A
// dead letter is replayed by the policy that wrote it (its service's
// `replayDeadLetter` action), which removes it once handled.
import { NatsError } from "nats";
import { DEAD_LETTER_STREAM, decodeCommit, type EventStore } from "./event-store.js";

export interface DeadLetter {
  /** Sequence in the dead-letter stream: what a replay names. */
  seq: number;
  /** Durable name of the policy, e.g. "shop-pay"; its service is "shop.pay". */
  policy: string;
  stream: string;
  /** Subject and sequence of the original commit. */
  subject: string;
  eventSeq: number;
  error: string;
  eventTypes: string[];
  at: string;
}

/** Dead letters, oldest first; `system` narrows to one system's policies. */
export async function listDeadLetters(
  events: EventStore,
  opts: { system?: string; limit?: number } = {},
): Promise<DeadLetter[]> {
  const jsm = await events.jsm();
  let info: Awaited<ReturnType<typeof jsm.streams.info>>;
  try {
    info = await jsm.streams.info(DEAD_LETTER_STREAM);
  } catch (err) {
    if (err instanceof NatsError && err.api_error?.err_code === 10059) return [];
    throw err;
  }
  const out: DeadLetter[] = [];
  const limit = opts.limit ?? 1000;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && out.length < limit; seq++) {
    let m: Awaited<ReturnType<typeof jsm.streams.getMessage>>;
    try {
      m = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq });
    } catch {
      continue; // deleted after a replay
    }
    if (opts.system && !m.subject.startsWith(`deadletter.${opts.system}.`)) continue;
    let eventTypes: string[] = [];
    try {
      eventTypes = decodeCommit(m.data).map((e) => e.type);
    } catch {
      eventTypes = ["(undecodable)"];
    }
    out.push({
      seq,
      policy: m.header.get("Seed-Policy"),
      stream: m.header.get("Seed-Stream"),
      subject: m.header.get("Seed-Subject"),
      eventSeq: Number(m.header.get("Seed-Seq")),
      error: m.header.get("Seed-Error"),
      eventTypes,
      at: m.time.toISOString(),
    });
  }
  return out;
}
