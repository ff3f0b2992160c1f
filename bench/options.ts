// What a bench run measures and for how long: the two profiles (`--quick` for
// checks, the full one for figures worth writing down) and the flags that
// override them. Pure: parsed from argv, nothing started.
import { parseArgs } from "node:util";

export const SCENARIOS = ["B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "MEM"] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface BenchOptions {
  profile: "quick" | "full";
  /** Concurrent HTTP connections of the throughput runs (B0, B1, B4, B5). */
  connections: number;
  /** Seconds of each measured throughput run. */
  duration: number;
  /** Seconds of load before the first measured run against a target (not recorded). */
  warmup: number;
  /** Measured runs per scenario, alternating with its baseline; the median is reported. */
  rounds: number;
  /** Orders per second of the event-path run (B2). */
  rate: number;
  /** Seconds of the event-path run (B2). */
  rateDuration: number;
  /** Requests per second of the fixed-rate latency runs (B7 and its baseline). */
  fixedRate: number;
  /** Events the replay (B3) rebuilds the view from. */
  events: number;
  /** Scenarios to run (MEM = memory of the node running everything). */
  only: ScenarioId[];
  /** Folder of the JSON results. */
  out: string;
  help: boolean;
}

export const PROFILES: Record<BenchOptions["profile"], Omit<BenchOptions, "only" | "out" | "help" | "profile">> = {
  quick: {
    connections: 64,
    duration: 3,
    warmup: 1,
    rounds: 1,
    rate: 200,
    rateDuration: 3,
    fixedRate: 400,
    events: 20_000,
  },
  full: {
    connections: 64,
    duration: 15,
    warmup: 5,
    rounds: 3,
    rate: 500,
    rateDuration: 20,
    fixedRate: 400,
    events: 100_000,
  },
};

export const USAGE = `usage: npm run bench -- [--quick] [options]

  --quick              short profile for checks (whole run under a minute)
  --connections <n>    HTTP connections of the throughput runs (default 64)
  --duration <s>       seconds of each measured throughput run
  --warmup <s>         seconds of unrecorded load before the first run on a target
  --rounds <n>         measured runs per scenario, alternating with its baseline (median reported)
  --rate <n>           orders per second of the event-path run (B2)
  --rate-duration <s>  seconds of the event-path run (B2)
  --fixed-rate <n>     requests per second of the fixed-rate latency runs (B7, default 400)
  --events <n>         events the replay (B3) rebuilds the view from
  --only <list>        scenarios to run, e.g. B0,B1 (B1, B4 and B5 bring their baselines,
                       B6 = B1 with tracing on, next to it off; B7 = orders at --fixed-rate,
                       next to the bare publish; MEM = RSS of the node running everything;
                       B1 also counts NATS traffic per order); default all
  --out <dir>          folder of the JSON results (default bench/results)
  --help, -h           this text

Profiles: quick = ${describe("quick")}
          full  = ${describe("full")}`;

function describe(p: BenchOptions["profile"]): string {
  const o = PROFILES[p];
  return `${o.connections} connections, ${o.warmup}+${o.duration} s × ${o.rounds} round(s), B2 ${o.rate}/s for ${o.rateDuration} s, B7 at ${o.fixedRate}/s, B3 ${o.events.toLocaleString("en")} events`;
}

function positive(name: string, raw: string | undefined, fallback: number, integer = true): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} must be a positive ${integer ? "integer" : "number"} (got "${raw}")`);
  return n;
}

/** Parses the bench's arguments; throws an Error whose message says what is wrong. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: "boolean" },
      connections: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      rate: { type: "string" },
      "rate-duration": { type: "string" },
      "fixed-rate": { type: "string" },
      events: { type: "string" },
      only: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const profile = values.quick ? "quick" : "full";
  const base = PROFILES[profile];
  let only: ScenarioId[] = [...SCENARIOS];
  if (values.only !== undefined) {
    const wanted = values.only
      .split(",")
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const unknown = wanted.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
    if (unknown.length > 0 || wanted.length === 0)
      throw new Error(`--only takes a list of ${SCENARIOS.join(", ")} (got "${values.only}")`);
    only = SCENARIOS.filter((s) => wanted.includes(s));
  }
  return {
    profile,
    connections: positive("connections", values.connections, base.connections),
    duration: positive("duration", values.duration, base.duration, false),
    warmup: values.warmup === "0" ? 0 : positive("warmup", values.warmup, base.warmup, false),
    rounds: positive("rounds", values.rounds, base.rounds),
    rate: positive("rate", values.rate, base.rate),
    rateDuration: positive("rate-duration", values["rate-duration"], base.rateDuration, false),
    fixedRate: positive("fixed-rate", values["fixed-rate"], base.fixedRate),
    events: positive("events", values.events, base.events),
    only,
    out: values.out ?? "bench/results",
    help: values.help ?? false,
  };
}
