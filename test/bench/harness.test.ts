// The bench's pure parts: arguments, percentiles, ratios, goal judgement, the
// event-path figures and the printed table. No load runs here.
import { describe, expect, it } from "vitest";
import { eventPathFigures } from "../../bench/event-path.js";
import { difference, perOrder, sum } from "../../bench/nats-traffic.js";
import { PROFILES, parseBenchArgs, SCENARIOS } from "../../bench/options.js";
import {
  commandPathLine,
  formatReport,
  formatTable,
  judge,
  medianRun,
  percentile,
  type Results,
  ratio,
  type Throughput,
} from "../../bench/report.js";
import { parseWrkOutput, wrkScript } from "../../bench/wrk.js";

const run = (rps: number, p99 = 10): Throughput => ({ rps, p50: p99 / 2, p99, requests: rps * 10, errors: 0 });

describe("bench arguments", () => {
  it("takes the full profile by default and the quick one with --quick", () => {
    const full = parseBenchArgs([]);
    expect(full).toMatchObject({ profile: "full", ...PROFILES.full, out: "bench/results", help: false });
    expect(full.only).toEqual([...SCENARIOS]);
    expect(parseBenchArgs(["--quick"])).toMatchObject({ profile: "quick", events: 20_000, rounds: 1 });
  });

  it("lets flags override the profile", () => {
    const o = parseBenchArgs([
      "--quick",
      "--connections",
      "16",
      "--duration",
      "2.5",
      "--events",
      "500",
      "--warmup",
      "0",
    ]);
    expect(o).toMatchObject({ connections: 16, duration: 2.5, events: 500, warmup: 0, rate: PROFILES.quick.rate });
  });

  it("selects scenarios with --only, in the canonical order, case-insensitive", () => {
    expect(parseBenchArgs(["--only", "b3, B0"]).only).toEqual(["B0", "B3"]);
  });

  it("refuses what it cannot use, saying which flag", () => {
    expect(() => parseBenchArgs(["--connections", "0"])).toThrow(/--connections must be a positive integer/);
    expect(() => parseBenchArgs(["--rounds", "1.5"])).toThrow(/--rounds/);
    expect(() => parseBenchArgs(["--only", "B9"])).toThrow(/--only takes a list of B0/);
    expect(() => parseBenchArgs(["--fast"])).toThrow(/fast/);
    expect(() => parseBenchArgs(["extra"])).toThrow();
  });
});

describe("figures", () => {
  it("computes nearest-rank percentiles regardless of order", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("keeps the median run whole (its latencies with its throughput)", () => {
    const median = medianRun([run(300, 30), run(100, 10), run(200, 20)]);
    expect(median).toEqual(run(200, 20));
    expect(medianRun([run(100), run(200)])?.rps).toBe(100);
    expect(medianRun([])).toBeUndefined();
  });

  it("gives a ratio only when both sides were measured", () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(undefined, 4)).toBeUndefined();
  });

  it("measures the event path from each order's 2xx to its row, a row seen before the 2xx counting as 0", () => {
    const answered: Array<[string, number]> = [
      ["a", 1000],
      ["b", 1100],
      ["c", 1200],
    ];
    const placed = new Map([
      ["a", 1010],
      ["b", 1090],
      ["c", 1250],
    ]);
    const paid = new Map([
      ["a", 1020],
      ["b", 1130],
    ]);
    const f = eventPathFigures(100, answered, placed, paid);
    expect(f).toMatchObject({ rate: 100, orders: 3, p50: 10, p99: 50, sagaP50: 20, sagaP99: 30, missing: 1 });
    expect(f.sagasPerSecond).toBeCloseTo(2 / 0.13);
  });
});

describe("goals", () => {
  const all: Results = {
    B0: run(1000),
    B1: run(500, 50),
    B7: { ...run(400, 50), rate: 400 },
    B2: { rate: 500, orders: 100, p50: 5, p99: 100, sagaP50: 8, sagaP99: 120, sagasPerSecond: 490, missing: 0 },
    B3: { events: 20_000, seconds: 1, eventsPerSecond: 20_000 },
    B4base: run(1000),
    B4: run(700),
    NATS: { orders: 100, inMsgs: 4, outMsgs: 7, inBytes: 500, outBytes: 1500 },
    MEM: { idleMb: 150, loadMb: 300 },
  };

  it("passes figures exactly on their targets", () => {
    const goals = judge(all);
    expect(goals).toHaveLength(7);
    expect(goals.every((g) => g.pass)).toBe(true);
  });

  it("misses each goal just beyond its target", () => {
    const worse: Results = {
      B0: run(1000),
      B1: run(499, 50),
      B7: { ...run(400, 51), rate: 400 },
      B2: { ...(all.B2 as NonNullable<Results["B2"]>), p99: 101 },
      B3: { events: 20_000, seconds: 1.01, eventsPerSecond: 19_999 },
      B4base: run(1000),
      B4: run(699),
      NATS: { orders: 100, inMsgs: 4.01, outMsgs: 7, inBytes: 500, outBytes: 1500 },
      MEM: { idleMb: 151, loadMb: 300 },
    };
    expect(judge(worse).map((g) => g.pass)).toEqual([false, false, false, false, false, false, false]);
    const moreOut = { ...(all.NATS as NonNullable<Results["NATS"]>), outMsgs: 7.01 };
    expect(judge({ NATS: moreOut })[0]?.pass).toBe(false); // both directions count
    const lost = { ...(all.B2 as NonNullable<Results["B2"]>), missing: 1 };
    expect(judge({ B2: lost })[0]?.pass).toBe(false); // a row that never showed is a miss
  });

  it("judges only what was measured", () => {
    expect(judge({ B3: all.B3 }).map((g) => g.goal)).toEqual(["B3 view rebuild"]);
    expect(judge({})).toEqual([]);
  });
});

describe("report", () => {
  it("prints the command-path ratio with two decimals, or n/a", () => {
    expect(commandPathLine({ B0: run(5100), B1: run(3213) })).toBe("command-path ratio: 0.63");
    expect(commandPathLine({ B1: run(3213) })).toBe("command-path ratio: n/a");
  });

  it("pads columns and right-aligns numbers", () => {
    const table = formatTable(
      ["", "what", "value"],
      [
        ["B0", "bare", "5,100"],
        ["B1", "orders", "12"],
      ],
    );
    expect(table.split("\n")).toEqual([
      "    what    value",
      "--  ------  -----",
      "B0  bare    5,100",
      "B1  orders     12",
    ]);
  });

  it("ends with the ratio line and shows each measured row and goal", () => {
    const text = formatReport({ B0: run(5000, 20), B1: run(3500, 40), MEM: { idleMb: 150, loadMb: 220 } });
    const lines = text.split("\n");
    expect(lines.at(-1)).toBe("command-path ratio: 0.70");
    expect(text).toMatch(/^B0 .*5,000 .* 10 .* 20 /m);
    expect(text).toMatch(/^B1 .*3,500 .*0\.70$/m);
    expect(text).toMatch(/^B1\/B0 .*0\.70 .*pass$/m);
    expect(text).toMatch(/^idle RSS.*150 MB .*pass$/m);
    expect(text).not.toMatch(/^B3/m);
  });
});

describe("wrk", () => {
  const spec = {
    url: "http://127.0.0.1:1",
    method: "POST" as const,
    path: "/mall/orders",
    body: '{"lines":[{"sku":"a \\"b\\""}]}',
    headers: { authorization: "Bearer t" },
    connections: 16,
    duration: 3,
  };

  it("writes the request into the script, quoted, and paces it only when a rate is asked for", () => {
    const free = wrkScript(spec, 1);
    expect(free).toContain('wrk.method = "POST"');
    expect(free).toContain(`wrk.body = ${JSON.stringify(spec.body)}`);
    expect(free).toContain('wrk.headers["authorization"] = "Bearer t"');
    expect(free).toContain('wrk.headers["content-type"] = "application/json"');
    expect(free).not.toContain("function delay");
    // 400/s over 2 threads: each thread sends every 5 ms.
    expect(wrkScript({ ...spec, overallRate: 400 }, 2)).toMatch(/function delay\(\).*due = due \+ 5;/);
  });

  it("reads the figures the script printed among wrk's own lines", () => {
    const out =
      'Running 3s test\n  1 threads and 16 connections\n\nSEED-RESULT {"requests":1200,"durationUs":3000000,"socketErrors":0,"non2xx":3,"p50":1.5,"p99":20.25}\nRequests/sec: 400\n';
    expect(parseWrkOutput(out)).toEqual({
      requests: 1200,
      durationUs: 3_000_000,
      socketErrors: 0,
      non2xx: 3,
      p50: 1.5,
      p99: 20.25,
    });
    expect(() => parseWrkOutput("unable to connect")).toThrow(/wrk printed no result/);
  });
});

describe("NATS traffic per order", () => {
  it("divides the counters' growth over several windows by the orders placed", () => {
    const window1 = difference(
      { inMsgs: 110, outMsgs: 220, inBytes: 1_100, outBytes: 2_200 },
      { inMsgs: 10, outMsgs: 20, inBytes: 100, outBytes: 200 },
    );
    const window2 = { inMsgs: 200, outMsgs: 400, inBytes: 2_000, outBytes: 4_000 };
    expect(perOrder(sum(window1, window2), 100)).toEqual({
      orders: 100,
      inMsgs: 3,
      outMsgs: 6,
      inBytes: 30,
      outBytes: 60,
    });
    expect(perOrder(window2, 0).inMsgs).toBeNaN();
  });
});
