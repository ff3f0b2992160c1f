// The two races of the sauce flow, over HTTP against real services on a
// nats-server of this file's own (the test steers the delivery's durable
// consumer, which no other file may share):
// - a refund handled before the delivery's start (the start's first attempt
//   failed and comes back later): no delivery is left running for the
//   canceled order, whatever order the two are handled in;
// - a cancel and an admin's "complete delivery" fired at the same instant,
//   on two replicas of every service they touch: exactly one wins, every time,
//   and payment, delivery and dashboard agree with the winner;
// - the request that recorded a completion on the order stops there: the
//   delivery's policy completes the delivery, exactly once;
// - the order, which decides, cannot be asked: "complete" answers 503 with
//   Retry-After and nothing changes.
import type { NatsServer } from "@seed/platform/operations";
import { eventually, sleep, startTestNode, type TestNode } from "@seed/platform/testing";
import { clusterEnv, privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryIdOf, paymentIdOf } from "../../src/ids.js";
import {
  type Actors,
  actors,
  deliveryOf,
  expectError,
  type Json,
  paymentOf,
  placeOrder,
  rowWithStatus,
  SETTLE,
  show,
} from "./helpers.js";

let nats: NatsServer;
let env: ReturnType<typeof clusterEnv>;
let main: TestNode;
const nodes: TestNode[] = [];
let u: Actors;

// The delivery policy's consumer of payment events (the approval and the refund are both on the payment).
const DURABLE = "sauce-delivery-payment";
type JetStreamManager = Awaited<ReturnType<TestNode["node"]["runtime"]["nc"]["jetstreamManager"]>>;

async function node(services: string): Promise<TestNode> {
  // the test waits for the services it needs itself; the gateway's warm-up would wait 3 s for other systems' routes
  const n = await startTestNode({ services, config: env, notWaitedFor: ["api routes"] });
  nodes.push(n);
  return n;
}

async function stop(n: TestNode): Promise<void> {
  nodes.splice(nodes.indexOf(n), 1);
  await n.stop();
}

beforeAll(async () => {
  nats = await privateNats();
  env = clusterEnv(nats);
  // No delivery yet: the test decides when, and from where in the stream, it handles events.
  [main] = await Promise.all([node("api,sauce.payment,sauce.orderDashboard"), node("sauce.order")]);
  await main.node.broker.waitForServices(["sauce.order"], 10_000);
  u = await actors(main.url);
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await nats?.stop();
});

const lastSeq = (aggregate: string, id: string) =>
  main.node.runtime.events.lastSeqOf("SAUCE", `sauce.${aggregate}.${id}`);
const jsm = (): Promise<JetStreamManager> => main.node.runtime.nc.jetstreamManager();

/**
 * Points the delivery's durable consumer at `seq`: its next event is the one
 * stored there — what the delivery sees when an event it failed on comes back.
 * The delivery service keeps its position (it updates only the ack wait and, on
 * a typed stream, its filters to the types it reacts to).
 */
async function deliveryConsumerFrom(seq: number): Promise<void> {
  const m = await jsm();
  await m.consumers.delete("SAUCE", DURABLE).catch(() => undefined);
  await m.consumers.add("SAUCE", {
    durable_name: DURABLE,
    filter_subject: "sauce.payment.>",
    ack_policy: "explicit",
    deliver_policy: "by_start_sequence",
    opt_start_seq: seq,
    ack_wait: 2000 * 1e6,
    max_deliver: -1,
  } as unknown as Parameters<JetStreamManager["consumers"]["add"]>[1]);
}

async function handledUpTo(seq: number): Promise<void> {
  const m = await jsm();
  await eventually(
    async () => expect((await m.consumers.info("SAUCE", DURABLE)).ack_floor.stream_seq).toBeGreaterThanOrEqual(seq),
    { timeout: SETTLE },
  );
}

describe("the refund handled before the delivery's start", () => {
  it("cancels the delivery before it starts; the late approval then starts nothing", async () => {
    const order = await placeOrder(u.alice);
    const paymentId = paymentIdOf(order.id);
    await paymentOf(u.alice, order.id, "Approved");
    const approvedAt = await lastSeq("payment", paymentId);
    expect((await u.alice.post(`/sauce/orders/${order.id}/cancel`)).status).toBe(200);
    await paymentOf(u.alice, order.id, "Canceled");
    const refundedAt = await lastSeq("payment", paymentId);
    expect(refundedAt).toBeGreaterThan(approvedAt);

    // The delivery's first look at this order is the refund (its start failed and will come back).
    await deliveryConsumerFrom(refundedAt);
    let delivery = await node("sauce.delivery");
    const tombstone = await deliveryOf(u.alice, order.id, "Canceled");
    expect(tombstone).toMatchObject({ id: deliveryIdOf(order.id), orderId: order.id });
    const canceledAt = await lastSeq("delivery", tombstone.id);
    expect(canceledAt).toBeGreaterThan(0);

    // Now the approval comes back, followed by the refund again.
    await stop(delivery);
    await deliveryConsumerFrom(approvedAt);
    delivery = await node("sauce.delivery");
    await handledUpTo(refundedAt);

    expect(await lastSeq("delivery", tombstone.id)).toBe(canceledAt); // nothing started, nothing appended
    expect(await deliveryOf(u.alice, order.id, "Canceled")).toEqual(tombstone);
    expect(await rowWithStatus(u.alice, order.id, "DeliveryCanceled")).toMatchObject({
      orderStatus: "Canceled",
      paymentStatus: "Canceled",
      deliveryStatus: "Canceled",
      statusLabel: "배송취소",
    });
    expectError(await u.dave.post(`/sauce/deliveries/${tombstone.id}/complete`), 409, "Conflict", "DeliveryCanceled");
  });
});

describe("a cancel and a completion at the same instant, on two replicas", () => {
  const ROUNDS = 20;

  beforeAll(async () => {
    // A second replica of order and delivery, beside the ones running already.
    await node("sauce.order,sauce.delivery");
    await main.node.broker.waitForServices(["sauce.order", "sauce.delivery"], 10_000);
    expect(nodes.filter((n) => n.config.SERVICES.includes("sauce.delivery"))).toHaveLength(2);
  }, 60_000);

  it(`exactly one wins in each of ${ROUNDS} rounds; payment, delivery and dashboard agree`, async () => {
    const placed: Json[] = await Promise.all(Array.from({ length: ROUNDS }, () => placeOrder(u.alice)));
    const deliveries: Json[] = await Promise.all(placed.map((o) => deliveryOf(u.alice, o.id, "Started")));

    // Every round at once; within a round, one of the two gets a head start of
    // 0 to 54 ms (the cancel in odd rounds, the completion in even ones), so
    // both sides win some rounds.
    const after = <T>(ms: number, send: () => Promise<T>) => sleep(ms).then(send);
    const answers = await Promise.all(
      placed.map((o, i) => {
        const lead = Math.floor(i / 2) * 6;
        return Promise.all([
          after(i % 2 === 1 ? lead : 0, () => u.alice.post(`/sauce/orders/${o.id}/cancel`)),
          after(i % 2 === 0 ? lead : 0, () => u.dave.post(`/sauce/deliveries/${deliveries[i].id}/complete`)),
        ]);
      }),
    );

    const winners = { cancel: 0, complete: 0 };
    await Promise.all(
      answers.map(async ([cancel, complete], i) => {
        const order = placed[i];
        const round = `round ${i}: cancel ${show(cancel)}, complete ${show(complete)}`;
        expect([cancel.status, complete.status].sort(), round).toEqual([200, 409]);
        if (cancel.status === 200) {
          winners.cancel++;
          expect(cancel.body.status, round).toBe("Canceled");
          expectError(complete, 409, "Conflict");
          await paymentOf(u.alice, order.id, "Canceled");
          await deliveryOf(u.alice, order.id, "Canceled");
          expect(await rowWithStatus(u.alice, order.id, "DeliveryCanceled"), round).toMatchObject({
            orderStatus: "Canceled",
            paymentStatus: "Canceled",
            deliveryStatus: "Canceled",
          });
        } else {
          winners.complete++;
          expect(complete.body.status, round).toBe("Completed");
          expectError(cancel, 409, "Conflict", "AlreadyDelivered");
          await deliveryOf(u.alice, order.id, "Completed");
          expect(await rowWithStatus(u.alice, order.id, "Completed"), round).toMatchObject({
            orderStatus: "Paid",
            paymentStatus: "Approved",
            deliveryStatus: "Completed",
          });
          // never canceled, so never refunded: the order is still Paid, the payment Approved
          expect((await u.alice.get(`/sauce/orders/${order.id}`)).body.status, round).toBe("Paid");
          await paymentOf(u.alice, order.id, "Approved");
        }
      }),
    );
    expect(winners.cancel + winners.complete).toBe(ROUNDS);
    // a race that always went one way would test nothing
    expect(winners.cancel, "cancels that won").toBeGreaterThan(0);
    expect(winners.complete, "completions that won").toBeGreaterThan(0);

    // Both asked again: the winner's answer stands, the loser is still refused.
    for (const [i, [cancel]] of answers.entries()) {
      const again = await Promise.all([
        u.alice.post(`/sauce/orders/${placed[i].id}/cancel`),
        u.dave.post(`/sauce/deliveries/${deliveries[i].id}/complete`),
      ]);
      expect(again.map((r) => r.status)).toEqual(cancel.status === 200 ? [200, 409] : [409, 200]);
    }
  });
});

describe("a completion whose request stopped after the order recorded it", () => {
  it("is completed by the delivery's policy, once; a retry answers the same, a cancel is refused", async () => {
    const order = await placeOrder(u.alice);
    const delivery = await deliveryOf(u.alice, order.id, "Started");
    // What the complete request did before it died: the order's part only.
    await main.node.broker.call("sauce.order.markDelivered", { id: order.id, deliveryId: delivery.id });
    expectError(await u.alice.post(`/sauce/orders/${order.id}/cancel`), 409, "Conflict", "AlreadyDelivered");

    const completed = await deliveryOf(u.alice, order.id, "Completed");
    await rowWithStatus(u.alice, order.id, "Completed");
    const seq = await lastSeq("delivery", delivery.id);
    const retry = await u.dave.post(`/sauce/deliveries/${delivery.id}/complete`);
    expect(retry.status, show(retry)).toBe(200);
    expect(retry.body).toEqual(completed);
    expect(await lastSeq("delivery", delivery.id)).toBe(seq);
    await paymentOf(u.alice, order.id, "Approved");
  });
});

describe("the order cannot be asked", () => {
  it("complete answers 503 + Retry-After and changes nothing; once the order is back, it completes", async () => {
    const order = await placeOrder(u.alice);
    const delivery = await deliveryOf(u.alice, order.id, "Started");
    const seqs = [await lastSeq("order", order.id), await lastSeq("delivery", delivery.id)];
    const replicas = nodes.filter((n) => n.config.SERVICES.split(",").includes("sauce.order"));
    for (const n of replicas) await stop(n);

    const res = await u.dave.post(`/sauce/deliveries/${delivery.id}/complete`);
    expectError(res, 503, "ServiceUnavailable");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect([await lastSeq("order", order.id), await lastSeq("delivery", delivery.id)]).toEqual(seqs);
    expect((await u.dave.get(`/sauce/deliveries/${delivery.id}`)).body.status).toBe("Started");

    await node("sauce.order");
    await main.node.broker.waitForServices(["sauce.order"], 10_000);
    const done = await eventually(async () => {
      const r = await u.dave.post(`/sauce/deliveries/${delivery.id}/complete`);
      expect(r.status, show(r)).toBe(200);
      return r.body;
    });
    expect(done.status).toBe("Completed");
    expectError(await u.alice.post(`/sauce/orders/${order.id}/cancel`), 409, "Conflict", "AlreadyDelivered");
  });
});
