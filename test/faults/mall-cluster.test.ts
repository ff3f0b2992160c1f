// The mall on a production-shaped cluster (3 NATS servers, streams with 3
// replicas, 2 replicas of every node, gateways behind a front door), with
// processes killed while load runs. Every check reads state through the API
// (and the stream itself where the API cannot tell "once" from "twice").
import { rmSync } from "node:fs";
import { aggregateSubjectOf, commitSubject, newId, streamName } from "@seed/platform";
import { loadConfig } from "@seed/platform/node";
import { EventStore, freePort, listDeadLetters } from "@seed/platform/operations";
import type { ApiClient } from "@seed/platform/testing";
import { eventually, sleep, validCommits } from "@seed/platform/testing";
import { ServiceBroker } from "moleculer";
import { connect, type NatsConnection } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalCluster } from "../../scripts/local-cluster.js";
import {
  clientOf,
  countBy,
  expectNoForksIn,
  failureSummary,
  listAll,
  mapLimit,
  type Outcome,
  printClusterLogOnFailure,
  startCluster,
  statusCounts,
  steadyLoad,
} from "./support.js";

let cluster: LocalCluster;
let alice: ApiClient;
let dave: ApiClient;
let productId: string;
let nc: NatsConnection;
let events: EventStore;

printClusterLogOnFailure();

beforeAll(async () => {
  cluster = await startCluster({ systems: ["mall"], env: { POLICY_MAX_DELIVER: "3" } });
  alice = await clientOf(cluster, "alice");
  dave = await clientOf(cluster, "dave");
  const bob = await clientOf(cluster, "bob");
  const product = await bob.post("/mall/products", { name: "Keyboard", price: 1000, qty: 1_000_000 });
  expect(product.status).toBe(201);
  productId = product.body.id;
  nc = await connect({ servers: cluster.nats.url.split(",") });
  events = new EventStore(nc, loadConfig({ STREAM_REPLICAS: "3" }));
}, 120_000);

afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
}, 120_000);

const placeOrder = (tag: string) => (_: number, key: string) =>
  alice.post("/mall/orders", { productId, qty: 1, address: tag, price: 1000 }, { headers: { "idempotency-key": key } });

const created = (outcomes: Outcome[]) => outcomes.filter((o) => o.status === 201);

/** Valid commits per aggregate under `filter` in the MALL stream (a void one, a write that lost, counts for nobody). */
async function commitsPerAggregate(filter: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const c of await validCommits(nc, streamName("mall"), filter)) {
    const aggregate = aggregateSubjectOf(c.subject);
    counts[aggregate] = (counts[aggregate] ?? 0) + 1;
  }
  return counts;
}

/** The pay of each order was appended once: its subject holds exactly one valid commit. */
async function expectOneCommitPerPay(orders: string[]): Promise<void> {
  const wanted = new Set(orders);
  const pays = (await listAll<{ id: string; orderId: string }>(dave, "/mall/pays")).filter((p) =>
    wanted.has(p.orderId),
  );
  const perPay = await commitsPerAggregate("mall.pay.>");
  const counts = pays.map((p) => perPay[`mall.pay.${p.id}`] ?? 0);
  expect(counts.length).toBe(orders.length);
  expect(counts.filter((n) => n !== 1)).toEqual([]);
}

/** Every order of alice with this tag (its address), through the API. */
async function ordersTagged(tag: string) {
  return (await listAll<{ id: string; address: string }>(alice, "/mall/orders")).filter((o) => o.address === tag);
}

describe("mall on a cluster, under faults", () => {
  it("a policy replica killed mid-stream of 2,000 events: every pay exactly once after recovery", async () => {
    const tag = `policy-kill-${newId()}`;
    let sent = 0;
    const load = steadyLoad({ rate: 250, send: placeOrder(tag), until: () => sent++ >= 1000, concurrency: 32 });
    await sleep(2000);
    cluster.supervisor.kill("mall-1", "SIGKILL"); // pays being placed die with it; the supervisor restarts it
    const outcomes = await load;
    const orders = created(outcomes).map((o) => o.body.id as string);
    // Orders sent to the killed node before its peers noticed answer 503 (the client retries them).
    expect(orders.length, JSON.stringify(statusCounts(outcomes))).toBeGreaterThan(700);

    // Every placed order gets exactly one pay: each OrderPlaced was handled once.
    await eventually(
      async () => {
        const pays = (await listAll<{ orderId: string }>(dave, "/mall/pays")).filter((p) => orders.includes(p.orderId));
        expect(pays.length).toBe(orders.length);
        expect([...countBy(pays, (p) => p.orderId).values()].every((n) => n === 1)).toBe(true);
      },
      { timeout: 60_000, interval: 1000 },
    );
    await expectOneCommitPerPay(orders); // one PayPlaced commit each, none appended twice
    expect(cluster.supervisor.starts("mall-1"), JSON.stringify(cluster.supervisor.restarts)).toBe(2);
  }, 180_000);

  it("command nodes killed at random points: every 2xx order is there, none twice", async () => {
    const tag = `command-kill-${newId()}`;
    let stop = false;
    const load = steadyLoad({ rate: 80, send: placeOrder(tag), until: () => stop, concurrency: 32 });
    for (const delay of [1500 + Math.random() * 1500, 2000 + Math.random() * 2000, 2000 + Math.random() * 2000]) {
      await sleep(delay);
      cluster.supervisor.kill(Math.random() < 0.5 ? "mall-1" : "mall-2", "SIGKILL");
    }
    await sleep(3000);
    stop = true;
    const outcomes = await load;
    await cluster.supervisor.waitReady("mall-1");
    await cluster.supervisor.waitReady("mall-2");

    // Acknowledged: each is readable as it was answered.
    const ok = created(outcomes);
    expect(ok.length).toBeGreaterThan(outcomes.length / 2);
    await mapLimit(ok, 16, async (o) => {
      // A gateway that has just lost sight of a restarted node answers 503 (retry): the order is still there.
      const res = await eventually(
        async () => {
          const r = await alice.get(`/mall/orders/${o.body.id}`);
          expect(r.status).toBe(200);
          return r;
        },
        { timeout: 20_000, interval: 250 },
      );
      expect(res.body).toMatchObject({ id: o.body.id, address: tag, qty: 1 });
    });
    // Unanswered or failed: retried with the same key they create at most once.
    const failed = outcomes.filter((o) => o.status !== 201);
    expect(
      failed.every((o) => o.status === 0 || o.status === 503),
      JSON.stringify(statusCounts(outcomes)),
    ).toBe(true);
    await mapLimit(failed, 8, async (o) => {
      const retry = await placeOrder(tag)(0, o.key);
      expect(retry.status).toBe(201);
    });
    await mapLimit(ok, 16, async (o) => {
      const again = await placeOrder(tag)(0, o.key);
      expect(again.body.id).toBe(o.body.id); // the first answer, not a second order
    });
    const orders = await ordersTagged(tag);
    expect(orders.length).toBe(outcomes.length);
    expect(new Set(orders.map((o) => o.id)).size).toBe(orders.length);
  }, 180_000);

  it("one NATS server of three killed under load and brought back: no acknowledged write lost", async () => {
    const tag = `nats-kill-${newId()}`;
    let stop = false;
    const load = steadyLoad({ rate: 60, send: placeOrder(tag), until: () => stop, concurrency: 32 });
    await sleep(2000);
    // The server leading the MALL stream: every append waits for a new leader,
    // the hardest of the three to lose (member names end with their number).
    const leader = (await (await events.jsm()).streams.info(streamName("mall"))).cluster?.leader ?? "";
    const victim = Number(leader.slice(-1)) - 1;
    expect(victim).toBeGreaterThanOrEqual(0);
    await cluster.nats.stopMember(victim, "SIGKILL");
    // Two servers of three carry on once the streams it led have elected new
    // leaders: writes succeed again while the third is still down.
    const recovered = await eventually(
      async () => {
        const res = await placeOrder(tag)(0, crypto.randomUUID());
        expect(res.status).toBe(201);
        return Date.now();
      },
      { timeout: 30_000, interval: 250 },
    );
    await sleep(2000);
    await cluster.nats.startMember(victim);
    await sleep(2000);
    stop = true;
    const outcomes = await load;
    const summary = failureSummary(outcomes);
    const afterRecovery = outcomes.filter((o) => o.at > recovered + 500 && o.status !== 201);
    expect(afterRecovery.length, summary).toBeLessThanOrEqual(outcomes.length * 0.02);
    // Nothing but 201 and "try again" (nothing done, or done once under its key).
    expect(
      outcomes.every((o) => o.status === 201 || o.status === 503),
      summary,
    ).toBe(true);
    const orders = new Set((await ordersTagged(tag)).map((o) => o.id));
    for (const o of created(outcomes)) expect(orders.has(o.body.id)).toBe(true);
    // The server that came back caught up with the stream.
    const jsm = await events.jsm();
    await eventually(
      async () => {
        const info = await jsm.streams.info(streamName("mall"));
        expect(info.cluster?.replicas?.every((r) => r.current)).toBe(true);
      },
      { timeout: 30_000, interval: 500 },
    );
    // And everything works as before.
    const after = await steadyLoad({ rate: 50, send: placeOrder(tag), until: () => false, max: 50 });
    expect(statusCounts(after)).toEqual({ 201: 50 });
  }, 120_000);

  it("rolling restart of every node, one replica at a time, under steady load: zero failed requests", async () => {
    const tag = `rolling-${newId()}`;
    const seed = await placeOrder(tag)(0, crypto.randomUUID());
    await eventually(async () => expect((await alice.get(`/mall/orderStatuses/${seed.body.id}`)).status).toBe(200));
    let stop = false;
    // Half commands, half reads of a view row.
    const load = steadyLoad({
      rate: 100,
      concurrency: 48,
      until: () => stop,
      send: (i, key) => (i % 2 === 0 ? placeOrder(tag)(i, key) : alice.get(`/mall/orderStatuses/${seed.body.id}`)),
    });
    await cluster.rollingRestart();
    stop = true;
    const outcomes = await load;
    const failed = outcomes.filter((o) => o.status < 200 || o.status >= 300);
    expect(failed.length, failureSummary(outcomes)).toBe(0);
    expect(outcomes.length).toBeGreaterThan(500);
  }, 240_000);

  it("an instance's LevelDB deleted: it rebuilds from the stream before it is ready, equal to its peer", async () => {
    const spec = cluster.supervisor.spec("mall-2");
    await cluster.supervisor.halt("mall-2");
    rmSync(spec.env.DATA_DIR as string, { recursive: true, force: true });
    const resumed = cluster.supervisor.resume("mall-2");
    // Not ready while it replays: its first answer, as soon as it answers at all, is 503.
    const first = await eventually(() => fetch(`http://127.0.0.1:${spec.port}/health/ready`), {
      timeout: 60_000,
      interval: 20,
    });
    expect(first.status, await first.text()).toBe(503);
    await resumed;

    const broker = new ServiceBroker({
      namespace: `faults-${process.pid}`,
      nodeID: `inspector-${process.pid}`,
      transporter: { type: "NATS", options: { servers: cluster.nats.url.split(",") } },
      logger: false,
    });
    await broker.start();
    try {
      await broker.waitForServices(["mall.orderStatus"], 10_000);
      const meta = { user: { id: "dave", username: "dave", roles: ["admin", "manager"] } };
      const rowsOf = async (nodeID: string) => {
        const rows: unknown[] = [];
        for (let after: string | undefined; ; ) {
          const page = await broker.call<{ items: unknown[]; hasMore: boolean; nextCursor?: string }, object>(
            "mall.orderStatus.list",
            { limit: 500, ...(after ? { after } : {}) },
            { nodeID, meta },
          );
          rows.push(...page.items);
          if (!page.hasMore) return rows;
          after = page.nextCursor;
        }
      };
      const [one, two] = await Promise.all([rowsOf("mall-1"), rowsOf("mall-2")]);
      expect(two.length).toBeGreaterThan(1000);
      expect(two).toEqual(one);
    } finally {
      await broker.stop();
    }
  }, 120_000);

  it("a poison event is dead-lettered with its error after the configured attempts; others keep flowing", async () => {
    const poisonId = newId();
    const poison = [
      {
        id: newId(),
        type: "OrderPlaced",
        aggregate: "order",
        aggregateId: poisonId,
        correlationId: poisonId,
        occurredAt: new Date().toISOString(),
        version: 1,
        // A producer bug: qty is not a number, so no pay can be computed for it.
        data: {
          orderId: poisonId,
          customerId: "alice",
          productId,
          productName: "Keyboard",
          qty: "many",
          price: 1000,
          address: "poison",
        },
      },
    ];
    const poisonSubject = commitSubject(`mall.order.${poisonId}`, ["OrderPlaced"], await events.typed("MALL"));
    await events.js.publish(poisonSubject, new TextEncoder().encode(JSON.stringify(poison)));
    const tag = `after-poison-${newId()}`;
    const after = await steadyLoad({ rate: 50, send: placeOrder(tag), until: () => false, max: 50 });
    const orders = created(after).map((o) => o.body.id as string);
    expect(orders.length).toBe(50);
    await eventually(
      async () => {
        const pays = (await listAll<{ orderId: string }>(dave, "/mall/pays")).filter((p) => orders.includes(p.orderId));
        expect(pays.length).toBe(50);
      },
      { timeout: 30_000, interval: 500 },
    );
    const letters = await eventually(
      async () => {
        const found = (await listDeadLetters(events, { system: "mall" })).filter(
          (d) => aggregateSubjectOf(d.subject) === `mall.order.${poisonId}`,
        );
        expect(found.length).toBe(1);
        return found;
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(letters[0]).toMatchObject({ policy: "mall-pay", eventTypes: ["OrderPlaced"] });
    expect(letters[0]?.error).toMatch(/schema|qty|amount/i);
    // Replaying it unchanged fails the same way and keeps it listed (a fix comes first).
    const broker = new ServiceBroker({
      namespace: `faults-${process.pid}`,
      nodeID: `operator-${process.pid}`,
      transporter: { type: "NATS", options: { servers: cluster.nats.url.split(",") } },
      logger: false,
    });
    await broker.start();
    try {
      await broker.waitForServices(["mall.pay"], 10_000);
      await expect(broker.call("mall.pay.replayDeadLetter", { seq: letters[0]?.seq })).rejects.toThrow();
      const still = await listDeadLetters(events, { system: "mall" });
      expect(still.some((d) => aggregateSubjectOf(d.subject) === `mall.order.${poisonId}`)).toBe(true);
    } finally {
      await broker.stop();
    }
  }, 120_000);

  it("scale-out to three policy replicas: each event handled by one; a killed one's events go to the others", async () => {
    const base = cluster.supervisor.spec("mall-1");
    await cluster.supervisor.add({
      ...base,
      name: "mall-3",
      port: await freePort(),
      env: { ...base.env, NODE_ID: "mall-3", DATA_DIR: `${base.env.DATA_DIR}-3` },
    });
    const handledBefore = await Promise.all(["mall-1", "mall-2", "mall-3"].map(handledOn));
    const tag = `scale-out-${newId()}`;
    let sent = 0;
    const load = steadyLoad({ rate: 200, send: placeOrder(tag), until: () => sent++ >= 600, concurrency: 32 });
    await sleep(1500);
    const handledMid = await handledOn("mall-3");
    await cluster.supervisor.halt("mall-3", "SIGKILL"); // not restarted: the other two take over what it held
    const outcomes = await load;
    const orders = created(outcomes).map((o) => o.body.id as string);
    await eventually(
      async () => {
        const pays = (await listAll<{ orderId: string }>(dave, "/mall/pays")).filter((p) => orders.includes(p.orderId));
        expect(pays.length).toBe(orders.length);
      },
      { timeout: 60_000, interval: 1000 },
    );
    await expectOneCommitPerPay(orders);
    // The third replica did take a share before it was killed.
    expect(handledMid - (handledBefore[2] ?? 0)).toBeGreaterThan(0);
  }, 180_000);
});

/** Events the mall-pay policy handled on one node, from its /metrics. */
async function handledOn(node: string): Promise<number> {
  const { port } = cluster.supervisor.spec(node);
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("seed_policy_events_handled_total") && l.includes('policy="mall-pay"'));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("the log after the faults above", () => {
  it("no aggregate's chain in any stream names a predecessor that never counted", async () => {
    await expectNoForksIn(nc);
  }, 60_000);
});
