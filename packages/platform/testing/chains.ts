// Reads aggregate subjects as every reader of the platform does (chain.ts):
// which commits are valid, which are void (writes that lost), and whether any
// writer decided on a state that never counted. Tests read the log with it
// where the API cannot tell once from twice, and end every fault file with
// `expectNoForks`.
import { setTimeout as sleep } from "node:timers/promises";
import { AckPolicy, DeliverPolicy, type NatsConnection } from "nats";
import { continues, prevOf } from "../src/chain.js";
import { DEAD_LETTER_STREAM, decodeCommit, type EventEnvelope } from "../src/event-store.js";
import { aggregateSubjectOf, consumerFilters, isTyped, readFilter } from "../src/subjects.js";

export interface StoredCommit {
  subject: string;
  seq: number;
  /** The valid commit it names as the state it was decided on (undefined: written before the header). */
  prev: number | undefined;
  events: EventEnvelope[];
}

export interface Chains {
  valid: StoredCommit[];
  void: StoredCommit[];
  /** Commits naming a predecessor that is not a valid commit of their subject: a decision on a state that never counted. */
  violations: StoredCommit[];
}

/**
 * On a cluster, a consumer just created answers pulls from the server that
 * holds it; the other servers learn of it a moment later, and a pull sent
 * through one of them meanwhile finds "no responders". Seen once on a
 * saturated machine. Pull again, for this long at most.
 */
const NEW_CONSUMER_REACHABLE_MS = 10_000;
/** nats.js's code for a request nobody was subscribed to answer. */
const NO_RESPONDERS = "503";

/**
 * Every commit stored on `filter` in `stream` (an aggregate's subject takes
 * all its commits), in stream order, read with an ephemeral consumer without acks.
 */
export async function readCommits(
  nc: NatsConnection,
  stream: string,
  filter: string | string[] = ">",
): Promise<StoredCommit[]> {
  const jsm = await nc.jetstreamManager();
  const typed = isTyped((await jsm.streams.info(stream)).config);
  const filters = (Array.isArray(filter) ? filter : [filter]).map((f) => readFilter(f, typed));
  const info = await jsm.consumers.add(stream, {
    ...consumerFilters(filters),
    deliver_policy: DeliverPolicy.All,
    ack_policy: AckPolicy.None,
    inactive_threshold: 30e9,
    mem_storage: true,
    num_replicas: 1,
  });
  const commits: StoredCommit[] = [];
  try {
    const wanted = info.num_pending;
    const consumer = await nc.jetstream().consumers.get(stream, info.name);
    const reachableBy = Date.now() + NEW_CONSUMER_REACHABLE_MS;
    while (commits.length < wanted) {
      let got = 0;
      try {
        const batch = await consumer.fetch({ max_messages: Math.min(1000, wanted - commits.length), expires: 5000 });
        for await (const m of batch) {
          commits.push({ subject: m.subject, seq: m.seq, prev: prevOf(m.headers), events: decodeCommit(m.data) });
          got++;
        }
      } catch (err) {
        if ((err as { code?: string }).code !== NO_RESPONDERS || Date.now() > reachableBy) throw err;
        await sleep(100);
        continue;
      }
      if (got === 0) throw new Error(`${stream} ${filter}: read ${commits.length} of ${wanted} commits`);
    }
  } finally {
    await jsm.consumers.delete(stream, info.name).catch(() => {});
  }
  return commits;
}

/** Sorts commits (in stream order) into the valid chains of their aggregates and the void ones. */
export function chainsOf(commits: StoredCommit[]): Chains {
  const tips = new Map<string, number>();
  const validSeqs = new Map<string, Set<number>>();
  const chains: Chains = { valid: [], void: [], violations: [] };
  for (const c of commits) {
    const aggregate = aggregateSubjectOf(c.subject);
    const seen = validSeqs.get(aggregate) ?? new Set<number>();
    validSeqs.set(aggregate, seen);
    if (c.prev !== undefined && c.prev !== 0 && !seen.has(c.prev)) chains.violations.push(c);
    if (continues(tips.get(aggregate) ?? 0, c.prev)) {
      tips.set(aggregate, c.seq);
      seen.add(c.seq);
      chains.valid.push(c);
    } else chains.void.push(c);
  }
  return chains;
}

/** The valid commits on `filter` of a stream (what every projection and policy sees). */
export async function validCommits(nc: NatsConnection, stream: string, filter = ">"): Promise<StoredCommit[]> {
  return chainsOf(await readCommits(nc, stream, filter)).valid;
}

/**
 * Reads every aggregate subject of every system stream (all but dead letters
 * and key-value buckets) and throws when a commit names a predecessor that is
 * not valid on its subject. Returns how many commits were read and how many
 * were void, per stream.
 */
export async function expectNoForks(nc: NatsConnection): Promise<Record<string, { commits: number; void: number }>> {
  const jsm = await nc.jetstreamManager();
  const found: Record<string, { commits: number; void: number }> = {};
  for await (const s of jsm.streams.list()) {
    const name = s.config.name;
    if (name === DEAD_LETTER_STREAM || name.startsWith("KV_") || name.startsWith("OBJ_")) continue;
    const commits = await readCommits(nc, name);
    const chains = chainsOf(commits);
    if (chains.violations.length > 0) {
      const first = chains.violations[0] as StoredCommit;
      throw new Error(
        `${name}: ${chains.violations.length} commit(s) decided on a state that never counted, ` +
          `first ${first.subject} #${first.seq} naming #${first.prev}`,
      );
    }
    found[name] = { commits: commits.length, void: chains.void.length };
  }
  return found;
}
