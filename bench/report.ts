// The figures of a bench run, the goals they are judged against, and the table
// printed at the end. Pure: numbers in, text out (tested without any load).

/** The load generator of a run: wrk, or autocannon where wrk is missing (or ids must be collected). */
export type LoadTool = "wrk" | "autocannon";

/** One measured throughput run (the load generator's summary, reduced to what we report). */
export interface Throughput {
  /** The load generator that measured it. */
  tool?: LoadTool;
  /** Successful (2xx) requests per second. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
}

export interface EventPath {
  /** Orders per second asked for, and the 2xx answers received. */
  rate: number;
  orders: number;
  /** Command's 2xx → its row in orderStatuses, ms. */
  p50: number;
  p99: number;
  /** Command's 2xx → PayPlaced in the row (the saga's automatic part done), ms. */
  sagaP50: number;
  sagaP99: number;
  /** Orders whose saga completed, per second of the run. */
  sagasPerSecond: number;
  /** Orders whose row (or saga) never showed within the wait. */
  missing: number;
}

/** A throughput run with what the node's CPU spent per answered request (user + system, ms; median round). */
export type Traced = Throughput & { cpuMsPerRequest: number };

export interface Replay {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

export interface Memory {
  idleMb: number;
  loadMb: number;
  /** The bare baseline process (gateway + no-op service), idle: what any node costs before the systems. */
  baseIdleMb?: number;
}

/** NATS server traffic (its monitoring endpoint's counters) per order placed during B1, aftermath included. */
export interface NatsPerOrder {
  orders: number;
  inMsgs: number;
  outMsgs: number;
  inBytes: number;
  outBytes: number;
}

export interface Results {
  B0?: Throughput;
  B1?: Throughput;
  B2?: EventPath;
  B3?: Replay;
  B4?: Throughput;
  B4base?: Throughput;
  B5?: Throughput;
  B5base?: Throughput;
  /** POST /mall/orders at a fixed rate below saturation, and the bare publish at the same rate. */
  B7?: Throughput & { rate: number };
  B7base?: Throughput & { rate: number };
  NATS?: NatsPerOrder;
  /** B1 with the tracer on (every request traced, spans posted), and its twin with it off. */
  B6?: Traced & { spans: number };
  B6off?: Traced;
  /** The same with one request in ten traced. */
  B6tenth?: Traced;
  MEM?: Memory;
}

export interface Goal {
  goal: string;
  figure: string;
  target: string;
  pass: boolean;
}

export const GOALS = {
  commandRatio: 0.5,
  /** p99 of POST /mall/orders at the fixed rate (B7), below saturation. */
  commandP99Ms: 50,
  eventP99Ms: 100,
  replayEventsPerSecond: 20_000,
  readRatio: 0.7,
  natsInPerOrder: 4,
  natsOutPerOrder: 7,
  idleRssMb: 150,
} as const;

/** Value at quantile `q` (0..1) of the values, nearest-rank; NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

/** The run with the median throughput (the lower middle of an even count), so its latencies stay its own. */
export function medianRun(runs: readonly Throughput[]): Throughput | undefined {
  if (runs.length === 0) return undefined;
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** a / b, or undefined when either is missing or b is not positive. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !(b > 0) || !Number.isFinite(a)) return undefined;
  return a / b;
}

const fixed = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits));
const whole = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : Math.round(n).toLocaleString("en-US");
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "–" : n < 10 ? n.toFixed(1) : whole(n));

/** The line the lead greps for: `command-path ratio: 0.63` (or `n/a` when B0 or B1 did not run). */
export function commandPathLine(r: Results): string {
  const value = ratio(r.B1?.rps, r.B0?.rps);
  return `command-path ratio: ${value === undefined ? "n/a" : value.toFixed(2)}`;
}

/** Every goal whose figures were measured, judged. */
export function judge(r: Results): Goal[] {
  const goals: Goal[] = [];
  const command = ratio(r.B1?.rps, r.B0?.rps);
  if (command !== undefined) {
    goals.push({
      goal: "B1/B0 at the run's connections",
      figure: fixed(command),
      target: `≥ ${GOALS.commandRatio}`,
      pass: command >= GOALS.commandRatio,
    });
  }
  if (r.B7) {
    goals.push({
      goal: `B7 POST /mall/orders p99 at ${whole(r.B7.rate)}/s`,
      figure: `${ms(r.B7.p99)} ms`,
      target: `≤ ${GOALS.commandP99Ms} ms`,
      pass: r.B7.p99 <= GOALS.commandP99Ms,
    });
  }
  if (r.B2) {
    goals.push({
      goal: "B2 2xx → orderStatuses row, p99",
      figure: `${ms(r.B2.p99)} ms`,
      target: `≤ ${GOALS.eventP99Ms} ms`,
      pass: r.B2.missing === 0 && r.B2.p99 <= GOALS.eventP99Ms,
    });
  }
  if (r.B3) {
    goals.push({
      goal: "B3 view rebuild",
      figure: `${whole(r.B3.eventsPerSecond)} events/s`,
      target: `≥ ${whole(GOALS.replayEventsPerSecond)} events/s`,
      pass: r.B3.eventsPerSecond >= GOALS.replayEventsPerSecond,
    });
  }
  const read = ratio(r.B4?.rps, r.B4base?.rps);
  if (read !== undefined) {
    goals.push({
      goal: "B4 reads / bare read",
      figure: fixed(read),
      target: `≥ ${GOALS.readRatio}`,
      pass: read >= GOALS.readRatio,
    });
  }
  if (r.NATS) {
    const { inMsgs, outMsgs } = r.NATS;
    goals.push({
      goal: "NATS messages per order, in / out",
      figure: `${fixed(inMsgs, 1)} / ${fixed(outMsgs, 1)}`,
      target: `≤ ${GOALS.natsInPerOrder} / ≤ ${GOALS.natsOutPerOrder}`,
      pass: inMsgs <= GOALS.natsInPerOrder && outMsgs <= GOALS.natsOutPerOrder,
    });
  }
  if (r.MEM) {
    goals.push({
      goal: "idle RSS, node running everything",
      figure: `${whole(r.MEM.idleMb)} MB`,
      target: `≤ ${GOALS.idleRssMb} MB`,
      pass: r.MEM.idleMb <= GOALS.idleRssMb,
    });
  }
  return goals;
}

/** A plain-text table: columns padded, numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = (s: string) => /^[-–\d.,]+( ms| MB)?$/.test(s);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const w = widths[i] ?? 0;
        return i > 0 && numeric(c) ? c.padStart(w) : c.padEnd(w);
      })
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function throughputRow(id: string, what: string, t: Throughput | undefined, base?: Throughput): string[] {
  if (!t) return [];
  const vs = ratio(t.rps, base?.rps);
  return [
    id,
    what,
    whole(t.rps),
    ms(t.p50),
    ms(t.p99),
    whole(t.errors),
    t.tool ?? "",
    vs === undefined ? "" : fixed(vs),
  ];
}

/** The measurements table, the goals table and the ratio line. */
export function formatReport(r: Results): string {
  const rows = [
    throughputRow("B0", "bare: gateway → no-op action → 1 JetStream publish (req/s)", r.B0),
    throughputRow("B1", "POST /mall/orders, one node (req/s)", r.B1, r.B0),
    throughputRow("B4b", "bare: gateway → action returning a constant (req/s)", r.B4base),
    throughputRow("B4", "GET /mall/orderStatuses/{id} (req/s)", r.B4, r.B4base),
    throughputRow("B5b", "bare across processes: gateway | no-op publish (req/s)", r.B5base),
    throughputRow("B5", "POST /mall/orders across processes: gateway | mall (req/s)", r.B5, r.B5base),
    throughputRow("B7b", `bare publish at a fixed ${whole(r.B7base?.rate)}/s (req/s achieved)`, r.B7base),
    throughputRow("B7", `POST /mall/orders at a fixed ${whole(r.B7?.rate)}/s (req/s achieved)`, r.B7),
    throughputRow("B6o", "POST /mall/orders, one node, tracing off (req/s)", r.B6off),
    throughputRow("B6", "POST /mall/orders, one node, tracing on, every request (req/s)", r.B6, r.B6off),
    throughputRow("B6t", "POST /mall/orders, one node, tracing on, 1 request in 10 (req/s)", r.B6tenth, r.B6off),
  ].filter((row) => row.length > 0);
  if (r.B2) {
    rows.push(
      [
        "B2",
        `${whole(r.B2.rate)} orders/s: 2xx → orderStatuses row (${whole(r.B2.orders)} orders)`,
        "",
        ms(r.B2.p50),
        ms(r.B2.p99),
        whole(r.B2.missing),
        "autocannon",
        "",
      ],
      [
        "B2",
        `2xx → PayPlaced in the row: ${fixed(r.B2.sagasPerSecond, 0)} sagas/s`,
        "",
        ms(r.B2.sagaP50),
        ms(r.B2.sagaP99),
        "",
        "autocannon",
        "",
      ],
    );
  }
  if (r.B3) {
    rows.push([
      "B3",
      `rebuild orderStatuses from ${whole(r.B3.events)} events in ${fixed(r.B3.seconds)} s (events/s)`,
      whole(r.B3.eventsPerSecond),
      "",
      "",
      "",
      "",
      "",
    ]);
  }
  if (r.NATS) {
    const n = r.NATS;
    const per = (what: string, value: number, digits: number) => [
      "NATS",
      `${what} per order (${whole(n.orders)} orders)`,
      fixed(value, digits),
      "",
      "",
      "",
      "",
      "",
    ];
    rows.push(
      per("messages into NATS", n.inMsgs, 1),
      per("messages out of NATS", n.outMsgs, 1),
      per("bytes into NATS", n.inBytes, 0),
      per("bytes out of NATS", n.outBytes, 0),
    );
  }
  if (r.MEM) {
    const mem = (what: string, mb: number) => ["MEM", what, whole(mb), "", "", "", "", ""];
    rows.push(
      mem("RSS of the node running everything, idle (MB)", r.MEM.idleMb),
      mem("RSS of the node running everything, under load, peak (MB)", r.MEM.loadMb),
    );
    if (r.MEM.baseIdleMb !== undefined) rows.push(mem("RSS of the bare baseline node, idle (MB)", r.MEM.baseIdleMb));
  }
  const header = ["", "measurement", "value", "p50 ms", "p99 ms", "errors", "tool", "ratio"];
  const out = [formatTable(header, rows)];
  const goals = judge(r);
  if (goals.length > 0) {
    out.push(
      "",
      formatTable(
        ["goal", "figure", "target", "result"],
        goals.map((g) => [g.goal, g.figure, g.target, g.pass ? "pass" : "MISS"]),
      ),
    );
  }
  const cross = ratio(r.B5?.rps, r.B5base?.rps);
  if (cross !== undefined) out.push("", `across-processes ratio: ${cross.toFixed(2)}`);
  const traced = ratio(r.B6?.rps, r.B6off?.rps);
  if (traced !== undefined && r.B6) {
    const tenth = ratio(r.B6tenth?.rps, r.B6off?.rps);
    const sampled = tenth === undefined ? "" : `, one request in ten: ${tenth.toFixed(2)}`;
    out.push(
      "",
      `tracing on / off: ${traced.toFixed(2)}${sampled} (${whole(r.B6.spans)} spans posted to the collector)`,
    );
    const cpu = (t: Traced | undefined) => (t ? fixed(t.cpuMsPerRequest) : "n/a");
    out.push(`node CPU per order (ms): off ${cpu(r.B6off)}, every request ${cpu(r.B6)}, one in ten ${cpu(r.B6tenth)}`);
  }
  out.push("", commandPathLine(r));
  return out.join("\n");
}
