// `npm run bench [-- --quick]`: measures the mall next to the bare stack in
// the same run, on a nats-server and data folder of its own, with the load
// coming from a separate process. Prints a table and writes
// bench/results/<timestamp>.json (and latest.json). See docs/PERFORMANCE.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, freemem, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { findNatsServer, freePort, type NatsServer, startNatsServer } from "@seed/platform/operations";
import { connect, type NatsConnection } from "nats";
import { eventPathFigures } from "./event-path.js";
import type { LoadResult, LoadSpec } from "./load.js";
import { difference, type NatsCounters, perOrder, readCounters, sum } from "./nats-traffic.js";
import { type BenchOptions, parseBenchArgs, type ScenarioId, USAGE } from "./options.js";
import { type Child, cpuMs, killAll, ROOT, rssMb, rssSampler, start } from "./processes.js";
import { writeHistory } from "./replay.js";
import { formatReport, medianRun, type Results, type Throughput } from "./report.js";
import { http, mallFixture, type Started, settle, startBaseline, startNode, until, useBuiltEntries } from "./stack.js";
import { startCollector, startOwnNats, TRACED_ENV } from "./tracing-cost.js";
import { findWrk, runWrk } from "./wrk.js";

const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Run {
  opts: BenchOptions;
  dataRoot: string;
  nats: NatsServer;
  /** The server's monitoring endpoint (message and byte counters). */
  natsMonitor: string;
  nc: NatsConnection;
  /** wrk's path; undefined = autocannon for every run, with a warning. */
  wrk: string | undefined;
  loader: Child;
  results: Results;
  /** Every measured run, for the JSON file. */
  runs: Array<{ scenario: string; round: number } & LoadResult>;
}

const wants = (run: Run, ...ids: ScenarioId[]) => ids.some((id) => run.opts.only.includes(id));

/** One load run: wrk when it is there (autocannon where every answer's body is needed). */
async function load(run: Run, spec: LoadSpec): Promise<LoadResult> {
  if (run.wrk && !spec.collect) return runWrk(run.wrk, spec);
  const answer = await run.loader.ask<{ type: string; result?: LoadResult; error?: string }>(
    { type: "run", spec },
    "result",
    (spec.duration + 60) * 1000,
  );
  if (!answer.result) throw new Error(`load generator failed: ${answer.error}`);
  return answer.result;
}

const throughput = (r: LoadResult): Throughput => ({
  tool: r.tool,
  rps: r.rps,
  p50: r.p50,
  p99: r.p99,
  requests: r.requests,
  errors: r.errors,
});

interface Target {
  scenario: string;
  spec: Omit<LoadSpec, "connections" | "duration">;
  /** Count the NATS server's traffic during this target's runs, per 2xx answer (an order). */
  countNats?: boolean;
}

interface Alternation {
  /** Called with each measured run while it runs. */
  onLoad?: (during: Promise<unknown>) => void;
  /** Connections of every run; default the run's --connections. */
  connections?: number;
  /** Warm each target up first (default true). */
  warmup?: boolean;
}

/**
 * Runs each target `rounds` times, alternating between them (a scenario and
 * its baseline see the same machine, round after round), after one warm-up
 * each. Between runs the system settles. Returns the median run of each, and
 * the NATS traffic per order of the targets that count it.
 */
async function alternate(run: Run, targets: Target[], how: Alternation = {}) {
  const { duration, warmup, rounds } = run.opts;
  const connections = how.connections ?? run.opts.connections;
  if (warmup > 0 && how.warmup !== false) {
    for (const t of targets) {
      say(`${t.scenario}: warming up ${warmup} s`);
      await load(run, { ...t.spec, connections, duration: warmup });
      await settle(await run.nc.jetstreamManager(), "MALL");
    }
  }
  const byTarget = new Map<string, Throughput[]>();
  let traffic: { counted: NatsCounters; orders: number } | undefined;
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      const rate = t.spec.overallRate ? ` at ${t.spec.overallRate}/s` : "";
      say(`${t.scenario}: round ${round}/${rounds}, ${connections} connections${rate}, ${duration} s`);
      const before = t.countNats ? await readCounters(run.natsMonitor) : undefined;
      const measuring = load(run, { ...t.spec, connections, duration });
      how.onLoad?.(measuring);
      const r = await measuring;
      run.runs.push({ scenario: t.scenario, round, ...r, ...(r.answered ? { answered: undefined } : {}) });
      if (r.errors > 0) say(`${t.scenario}: ${r.errors} errors, status codes ${JSON.stringify(r.statusCodes)}`);
      byTarget.set(t.scenario, [...(byTarget.get(t.scenario) ?? []), throughput(r)]);
      await settle(await run.nc.jetstreamManager(), "MALL");
      if (before) {
        // Counted after settling: the saga's aftermath of these orders belongs to them.
        const after = await readCounters(run.natsMonitor);
        const counted = difference(after, before);
        const orders = r.requests - r.errors;
        traffic = traffic
          ? { counted: sum(traffic.counted, counted), orders: traffic.orders + orders }
          : { counted, orders };
      }
    }
  }
  return {
    median: (scenario: string) => medianRun(byTarget.get(scenario) ?? []),
    natsPerOrder: () => (traffic ? perOrder(traffic.counted, traffic.orders) : undefined),
  };
}

const orderSpec = (url: string, token: string, body: string): Target["spec"] => ({
  url,
  method: "POST",
  path: "/mall/orders",
  body,
  headers: { authorization: `Bearer ${token}` },
});

/** B0, B1, B2, B4 and memory: one node running everything, next to one bare node. */
async function oneProcess(run: Run): Promise<void> {
  say("starting the bare baseline node and a node running everything");
  const [base, mall] = await Promise.all([
    startBaseline("base-all", "api,noop", run.nats.url, "bench-base"),
    startNode("mall-all", "*", run.nats.url, run.dataRoot, "bench-mall"),
  ]);
  try {
    await until("baseline", () => http(base.url, "GET", "/noop/read"), 200);
    const fixture = await mallFixture(mall.url);
    await settle(await run.nc.jetstreamManager(), "MALL");
    if (wants(run, "MEM")) {
      await new Promise((r) => setTimeout(r, 1000));
      run.results.MEM = { idleMb: rssMb(mall.child.pid), loadMb: Number.NaN, baseIdleMb: rssMb(base.child.pid) };
      say(`idle RSS of the node running everything: ${run.results.MEM.idleMb.toFixed(0)} MB`);
    }
    const peaks: number[] = [];
    const sampleMall = (during: Promise<unknown>) => {
      const sampler = rssSampler(mall.child.pid);
      during.finally(() => peaks.push(sampler.stop())).catch(() => {});
    };
    if (wants(run, "B0", "B1", "MEM")) {
      const measured = await alternate(
        run,
        [
          {
            scenario: "B0",
            spec: { url: base.url, method: "POST", path: "/noop/publish", body: fixture.orderBody },
          },
          { scenario: "B1", spec: orderSpec(mall.url, fixture.customer, fixture.orderBody), countNats: true },
        ],
        { onLoad: sampleMall },
      );
      run.results.B0 = measured.median("B0");
      run.results.B1 = measured.median("B1");
      run.results.NATS = measured.natsPerOrder();
    }
    if (wants(run, "B7")) {
      // Below saturation: a fixed rate, paced by the load generator, so the latency is the system's, not a queue's.
      const overallRate = run.opts.fixedRate;
      const measured = await alternate(
        run,
        [
          {
            scenario: "B7base",
            spec: { url: base.url, method: "POST", path: "/noop/publish", body: fixture.orderBody, overallRate },
          },
          { scenario: "B7", spec: { ...orderSpec(mall.url, fixture.customer, fixture.orderBody), overallRate } },
        ],
        { connections: 16, warmup: false },
      );
      const atRate = (t: Throughput | undefined) => (t ? { ...t, rate: overallRate } : undefined);
      run.results.B7base = atRate(measured.median("B7base"));
      run.results.B7 = atRate(measured.median("B7"));
    }
    if (wants(run, "B4")) {
      const order = await http(mall.url, "POST", "/mall/orders", JSON.parse(fixture.orderBody), fixture.customer);
      if (order.status !== 201)
        throw new Error(`placing an order failed: ${order.status} ${JSON.stringify(order.body)}`);
      const path = `/mall/orderStatuses/${order.body.id}`;
      await until(
        "the order's row in orderStatuses",
        () => http(mall.url, "GET", path, undefined, fixture.customer),
        200,
      );
      const { median } = await alternate(
        run,
        [
          { scenario: "B4base", spec: { url: base.url, method: "GET", path: "/noop/read" } },
          {
            scenario: "B4",
            spec: { url: mall.url, method: "GET", path, headers: { authorization: `Bearer ${fixture.customer}` } },
          },
        ],
        { onLoad: sampleMall },
      );
      run.results.B4base = median("B4base");
      run.results.B4 = median("B4");
    }
    if (run.results.MEM) run.results.MEM.loadMb = peaks.length > 0 ? Math.max(...peaks) : Number.NaN;
    if (wants(run, "B2")) await eventPath(run, mall, fixture.customer, fixture.orderBody);
  } finally {
    await Promise.all([base.child.stop(), mall.child.stop()]);
  }
}

/** B2: orders at a fixed rate; 2xx → row readable in orderStatuses, and → PayPlaced in it. */
async function eventPath(run: Run, mall: Started, token: string, body: string): Promise<void> {
  const { rate, rateDuration } = run.opts;
  await mall.child.ask({ type: "arm" }, "armed");
  say(`B2: ${rate} orders/s for ${rateDuration} s`);
  const r = await load(run, {
    ...orderSpec(mall.url, token, body),
    connections: Math.min(64, Math.max(8, Math.ceil(rate / 25))),
    duration: rateDuration,
    overallRate: rate,
    collect: true,
  });
  const answered = r.answered ?? [];
  if (r.errors > 0) say(`B2: ${r.errors} errors, status codes ${JSON.stringify(r.statusCodes)}`);
  // Wait (bounded) until every answered order's saga shows in the view.
  const deadline = Date.now() + 20_000;
  type Marks = { type: string; placed: Array<[string, number]>; paid: Array<[string, number]> };
  let marks: Marks;
  for (;;) {
    marks = await mall.child.ask<Marks>({ type: "marks" }, "marks");
    const paid = new Set(marks.paid.map(([id]) => id));
    if (answered.every(([id]) => paid.has(id)) || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  run.results.B2 = eventPathFigures(rate, answered, new Map(marks.placed), new Map(marks.paid));
  run.runs.push({ scenario: "B2", round: 1, ...r, answered: undefined });
}

/** B5: gateway and mall in separate processes, next to a bare gateway calling a remote no-op publish. */
async function acrossProcesses(run: Run): Promise<void> {
  say("starting gateway and services in separate processes (mall and bare)");
  const [baseApi, baseSvc, mallApi, mallSvc] = await Promise.all([
    startBaseline("base-api", "api", run.nats.url, "bench-base-remote"),
    startBaseline("base-noop", "noop", run.nats.url, "bench-base-remote"),
    startNode("mall-api", "api", run.nats.url, run.dataRoot, "bench-mall-remote"),
    startNode("mall-services", "mall.*", run.nats.url, run.dataRoot, "bench-mall-remote"),
  ]);
  try {
    await until("remote baseline", () => http(baseApi.url, "GET", "/noop/read"), 200);
    const fixture = await mallFixture(mallApi.url);
    const { median } = await alternate(run, [
      {
        scenario: "B5base",
        spec: { url: baseApi.url, method: "POST", path: "/noop/publish", body: fixture.orderBody },
      },
      { scenario: "B5", spec: orderSpec(mallApi.url, fixture.customer, fixture.orderBody) },
    ]);
    run.results.B5base = median("B5base");
    run.results.B5 = median("B5");
  } finally {
    await Promise.all([baseApi, baseSvc, mallApi, mallSvc].map((s) => s.child.stop()));
  }
}

/** B6: B1 with tracing on, next to B1 with it off (bench/tracing-cost.ts). */
async function tracingCost(run: Run): Promise<void> {
  const [collector, allNats, tenthNats] = await Promise.all([
    startCollector(),
    startOwnNats(run.dataRoot, "traced-all"),
    startOwnNats(run.dataRoot, "traced-tenth"),
  ]);
  say("B6: nodes with tracing off, on for every request and on for one in ten, each on a nats-server of its own");
  try {
    const nodes = await Promise.all([
      startNode("mall-untraced", "*", run.nats.url, run.dataRoot, "bench-untraced"),
      startNode("mall-traced", "*", allNats.url, run.dataRoot, "bench-traced", TRACED_ENV(collector.url, 1)),
      startNode("mall-tenth", "*", tenthNats.url, run.dataRoot, "bench-tenth", TRACED_ENV(collector.url, 0.1)),
    ]);
    try {
      const scenarios = ["B6off", "B6", "B6tenth"];
      const targets = await Promise.all(
        nodes.map(async (n, i) => {
          const fixture = await mallFixture(n.url);
          return { scenario: scenarios[i] ?? "", spec: orderSpec(n.url, fixture.customer, fixture.orderBody) };
        }),
      );
      // CPU each node used per order it answered, measured round by round (the
      // node measured is the one under load; its aftermath is counted too).
      const cpu: number[][] = scenarios.map(() => []);
      let measured = 0;
      const { median } = await alternate(run, targets, {
        onLoad: (during) => {
          const i = measured++ % nodes.length;
          const pid = nodes[i]?.child.pid ?? 0;
          const before = cpuMs(pid);
          during
            .then(async (r) => {
              await new Promise((res) => setTimeout(res, 1000));
              cpu[i]?.push((cpuMs(pid) - before) / Math.max(1, (r as LoadResult).requests));
            })
            .catch(() => {});
        },
      });
      // The last spans of the run are posted within the exporter's interval.
      await new Promise((r) => setTimeout(r, 1500));
      const cpuPerOrder = (i: number) => median1(cpu[i] ?? []);
      run.results.B6off = withCpu(median("B6off"), cpuPerOrder(0));
      run.results.B6tenth = withCpu(median("B6tenth"), cpuPerOrder(2));
      const traced = withCpu(median("B6"), cpuPerOrder(1));
      if (traced) run.results.B6 = { ...traced, spans: collector.spans() };
    } finally {
      await Promise.all(nodes.map((n) => n.child.stop()));
    }
  } finally {
    await collector.close();
    await Promise.all([allNats.stop(), tenthNats.stop()]);
  }
}

const median1 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
const withCpu = (t: Throughput | undefined, cpuMsPerRequest: number) => (t ? { ...t, cpuMsPerRequest } : undefined);

/** B3: a history written straight into a fresh stream, then mall.orderStatus.rebuild timed. */
async function replay(run: Run): Promise<void> {
  const { events } = run.opts;
  // A nats-server of its own: the history is exactly what we wrote, and no policy reacts to it.
  const nats = await startNatsServer({
    bin: findNatsServer({ install: false }),
    storeDir: join(run.dataRoot, "nats-replay"),
  });
  try {
    say(`B3: writing ${events.toLocaleString("en")} events into a fresh MALL stream`);
    const t0 = performance.now();
    const written = await writeHistory(nats.url, events);
    say(`B3: written in ${((performance.now() - t0) / 1000).toFixed(1)} s; starting a node with mall.orderStatus only`);
    const node = await startNode("replay", "mall.orderStatus", nats.url, run.dataRoot, "bench-replay");
    try {
      const tty = process.stderr.isTTY;
      node.child.on("progress", (m) => {
        const line = `[bench] B3: rebuilding orderStatuses ${Number(m.seq).toLocaleString("en")} / ${Number(m.target).toLocaleString("en")} events`;
        process.stderr.write(tty ? `\r${line}` : `${line}\n`);
      });
      const done = await node.child.ask<{ type: string; ms: number; events: number; seq: number }>(
        { type: "rebuild" },
        "rebuilt",
        600_000,
      );
      if (tty) process.stderr.write("\n");
      if (done.seq < written) throw new Error(`the rebuild stopped at ${done.seq} of ${written} events`);
      const seconds = done.ms / 1000;
      run.results.B3 = { events: done.events, seconds, eventsPerSecond: done.events / seconds };
    } finally {
      await node.child.stop();
    }
  } finally {
    await nats.stop();
  }
}

function machine() {
  const cpu = cpus();
  return {
    nproc: cpu.length,
    cpu: cpu[0]?.model ?? "unknown",
    memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGb: Number((freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
  };
}

async function main(): Promise<void> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const startedAt = new Date();
  const host = machine();
  say(`profile ${opts.profile}; ${host.nproc} × ${host.cpu}, ${host.memoryGb} GB, Node ${host.node}`);
  say("rate limit off (RATE_LIMIT_PER_MINUTE=0); other settings at their defaults");

  const dataRoot = mkdtempSync(join(tmpdir(), "seed-bench-"));
  let nats: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  let loader: Child | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () => {
    cleaning ??= (async () => {
      await loader?.stop(2000);
      await nc?.close().catch(() => {});
      await nats?.stop();
      killAll();
      rmSync(dataRoot, { recursive: true, force: true });
    })();
    return cleaning;
  };
  process.once("exit", () => {
    nats?.kill("SIGKILL");
    rmSync(dataRoot, { recursive: true, force: true });
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      say(`${sig}: stopping what the bench started`);
      killAll();
      cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const wrk = findWrk(say);
    if (wrk) say(`load generator: wrk (${wrk}); autocannon only for B2, which reads every answer`);
    else
      say(
        "WARNING: wrk not found and not installable; falling back to autocannon, a JavaScript load generator " +
          "that takes a core of its own: ratios come out higher than with wrk",
      );
    await useBuiltEntries(join(dataRoot, "build"));
    say("nodes and baselines run compiled JavaScript (built into the run's folder)");
    const monitorPort = await freePort();
    nats = await startNatsServer({
      bin: findNatsServer({ install: false }),
      storeDir: join(dataRoot, "nats"),
      args: ["-m", String(monitorPort)],
    });
    nc = await connect({ servers: nats.url, name: "bench" });
    loader = start("load", "bench/load.ts", {});
    await loader.next("ready", 30_000);
    const natsMonitor = `http://127.0.0.1:${monitorPort}`;
    const run: Run = { opts, dataRoot, nats, natsMonitor, nc, wrk, loader, results: {}, runs: [] };
    const began = performance.now();
    if (wants(run, "B0", "B1", "B2", "B4", "B7", "MEM")) await oneProcess(run);
    if (wants(run, "B5")) await acrossProcesses(run);
    if (wants(run, "B6")) await tracingCost(run);
    if (wants(run, "B3")) await replay(run);
    const seconds = (performance.now() - began) / 1000;

    const report = formatReport(run.results);
    process.stdout.write(`\n${report}\n\n`);
    const outDir = resolve(ROOT, opts.out);
    mkdirSync(outDir, { recursive: true });
    const stamp = startedAt
      .toISOString()
      .replaceAll(":", "-")
      .replace(/\.\d+Z$/, "Z");
    const json = JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        seconds,
        machine: host,
        options: opts,
        results: run.results,
        runs: run.runs,
      },
      null,
      2,
    );
    writeFileSync(join(outDir, `${stamp}.json`), `${json}\n`);
    writeFileSync(join(outDir, "latest.json"), `${json}\n`);
    say(`results: ${join(opts.out, `${stamp}.json`)} (and latest.json); ${seconds.toFixed(0)} s`);
  } catch (err) {
    say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  say(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  killAll();
  process.exit(1);
});
