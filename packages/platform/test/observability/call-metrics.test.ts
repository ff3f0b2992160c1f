// The cheaper per-call metrics keep Moleculer's series: two brokers, one with
// Moleculer's own middlewares and one with the list a node uses, serve the
// same calls and must report the same request series.
import { type BrokerOptions, type Context, Errors, ServiceBroker } from "moleculer";
import { afterEach, describe, expect, it } from "vitest";
import { moleculerMiddlewares } from "../../src/observability/call-metrics.js";

const metricsOptions: BrokerOptions = {
  logger: false,
  transporter: null,
  metrics: { enabled: true, reporter: [], defaultQuantiles: null as unknown as number[] },
};

function greeter(broker: ServiceBroker): void {
  broker.createService({
    name: "greeter",
    actions: {
      hello: () => "hi",
      refuse: () => {
        throw new Errors.MoleculerClientError("no", 409, "Refused");
      },
      // Calls hello from inside a call: level 2, caller "greeter".
      relay: (ctx: Context) => ctx.call("greeter.hello"),
    },
  });
}

interface Snapshot {
  name: string;
  values: Array<{ labels: Record<string, unknown>; value?: number; count?: number }>;
}

/** The request series as /metrics would render them: labels, and each value or count. */
function requestSeries(broker: ServiceBroker): Array<[string, string, number | undefined]> {
  const list = broker.metrics.list({ includes: ["moleculer.request.**"] }) as unknown as Snapshot[];
  return list
    .flatMap((m) =>
      m.values.map((v) => [m.name, JSON.stringify(v.labels), v.count ?? v.value] as [string, string, number]),
    )
    .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
}

async function serve(broker: ServiceBroker): Promise<void> {
  greeter(broker);
  await broker.start();
  for (let i = 0; i < 3; i++) await broker.call("greeter.hello");
  for (let i = 0; i < 2; i++) await broker.call("greeter.refuse").catch(() => undefined);
  await broker.call("greeter.relay");
}

describe("Per-call metrics", () => {
  const brokers: ServiceBroker[] = [];
  afterEach(async () => {
    for (const b of brokers.splice(0)) await b.stop();
  });
  const broker = (opts: BrokerOptions) => {
    const b = new ServiceBroker({ ...metricsOptions, ...opts });
    brokers.push(b);
    return b;
  };

  it("are Moleculer's series, with the same labels and counts", async () => {
    const moleculers = broker({});
    const ours = broker({ internalMiddlewares: false, middlewares: moleculerMiddlewares });
    await serve(moleculers);
    await serve(ours);

    const expected = requestSeries(moleculers);
    expect(requestSeries(ours)).toEqual(expected);
    // What the comparison covers: totals per action and caller, levels, errors, timings.
    const find = (name: string, labels: string) => expected.find(([n, l]) => n === name && l.includes(labels))?.[2];
    expect(find("moleculer.request.total", '"action":"greeter.hello","type":"local","caller":null')).toBe(3);
    expect(find("moleculer.request.total", '"action":"greeter.hello","type":"local","caller":"greeter"')).toBe(1);
    expect(find("moleculer.request.active", '"action":"greeter.hello","type":"local","caller":null')).toBe(0);
    expect(find("moleculer.request.levels", '"level":1')).toBe(6);
    expect(find("moleculer.request.levels", '"level":2')).toBe(1);
    expect(find("moleculer.request.error.total", '"errorName":"MoleculerClientError"')).toBe(2);
    expect(find("moleculer.request.time", '"action":"greeter.refuse"')).toBe(2);
  });

  it("fill the time histogram's buckets as Moleculer does (each bound at or above the time)", async () => {
    const ours = broker({ internalMiddlewares: false, middlewares: moleculerMiddlewares });
    ours.createService({
      name: "slow",
      actions: { wait: () => new Promise((r) => setTimeout(r, 30)) },
    });
    await ours.start();
    await ours.call("slow.wait");
    await ours.call("slow.wait");
    const time = (
      ours.metrics.list({ includes: ["moleculer.request.time"] }) as unknown as Array<{
        values: Array<{ buckets: Record<string, number>; count: number }>;
      }>
    )[0]?.values[0];
    expect(time?.count).toBe(2);
    // 30 ms or a little more: not in the buckets up to 25, in those from 50 on.
    expect(time?.buckets).toMatchObject({ "1": 0, "25": 0, "50": 2, "10000": 2 });
  });

  it("are registered in Moleculer's own order of middlewares", async () => {
    const names = (b: ServiceBroker) =>
      (b.middlewares as unknown as { list: Array<{ name?: string }> }).list.map((m) => m.name);
    const moleculers = broker({});
    const ours = broker({ internalMiddlewares: false, middlewares: moleculerMiddlewares });
    expect(names(ours)).toEqual(names(moleculers));
  });
});
