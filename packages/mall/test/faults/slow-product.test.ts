// A slow product (packages/mall/README.md "The saga" 3: "product down, slow, or breaker open
// → 503 + Retry-After; nothing changes") and the invariant "cancel and check
// racing on the same order: exactly one wins … a canceled order is never
// delivered" with pay scaled to two replicas (api.md: "across crashes,
// restarts, redeliveries and scaled replicas").
//
// The main node runs product (in this process, so the test can slow its
// decreaseStock down: a fault injected at the endpoint, the code is unchanged);
// pay runs only in two child processes.
import { allHandled, eventually, projectedUpTo, sleep } from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import type { ServiceBroker } from "moleculer";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  actors,
  expectError,
  getOrder,
  getProduct,
  historyOf,
  type Json,
  list,
  newProduct,
  payOf,
  show,
  unknownId,
} from "../integration/helpers.js";

const cluster = faultCluster({
  main: { services: "api,mall.order,mall.product,mall.delivery,mall.orderStatus" },
  spawned: ["mall.pay", "mall.pay"],
});
let u: Actors;
beforeAll(async () => {
  // both pay replicas known to the main node
  await eventually(
    () => {
      const registry = (
        cluster.main.node.broker as unknown as {
          registry: { getActionEndpoints(name: string): { count(): number } | undefined };
        }
      ).registry;
      expect(registry.getActionEndpoints("mall.pay.check")?.count()).toBe(2);
      expect(registry.getActionEndpoints("mall.pay.cancel")?.count()).toBe(2);
    },
    { timeout: 10_000 },
  );
  u = await actors(cluster.main.url);
});

interface Slowed {
  restore(): void;
  /** Resolves once `n` calls have entered the slowed action since it was slowed. */
  entered(n: number): Promise<void>;
  /** Resolves once every call that entered has finished (its effect stored or refused). */
  idle(): Promise<void>;
}

/** Makes a local action of `broker` answer `ms` later (requests from other nodes included). */
function slowDown(broker: ServiceBroker, action: string, ms: number): Slowed {
  const registry = (broker as unknown as { registry: { getActionEndpointByNodeId(a: string, n: string): unknown } })
    .registry;
  const endpoint = registry.getActionEndpointByNodeId(action, broker.nodeID) as {
    action: { handler: (ctx: unknown) => Promise<unknown> };
  };
  const original = endpoint.action.handler;
  let entered = 0;
  const running = new Set<Promise<unknown>>();
  endpoint.action.handler = (ctx) => {
    entered++;
    const call = sleep(ms).then(() => original(ctx));
    const tracked = call.catch(() => {}).finally(() => running.delete(tracked));
    running.add(tracked);
    return call;
  };
  return {
    restore: () => {
      endpoint.action.handler = original;
    },
    entered: (n) =>
      eventually(() => {
        if (entered < n) throw new Error(`${entered} calls of ${action} so far, waiting for ${n}`);
      }),
    idle: async () => {
      while (running.size > 0) await Promise.all(running);
    },
  };
}

/** Every policy of the mall has handled the whole stream, and the order view has applied it. */
async function settled(): Promise<void> {
  const { nc, broker } = { nc: cluster.main.node.runtime.nc, broker: cluster.main.node.broker };
  const end = await allHandled(nc, "mall", [
    "mall-order-pay",
    "mall-pay-order",
    "mall-pay-product",
    "mall-delivery-order",
    "mall-delivery-pay",
  ]);
  await projectedUpTo(broker, "mall.orderStatus", end, { nodeID: broker.nodeID });
}

interface Trial {
  order: Json;
  cancel: number;
  check: number;
  orderStatus: string;
  history: string[];
  deliveries: number;
}

describe("slow product", () => {
  // mall.pay.check takes the stock (QtyDecreased) before it appends
  // PayChecked, under a lock that only holds within one replica. Were a check
  // and a cancel of one pay served by different replicas, the cancel would win
  // while the check is waiting for the (slow) product: 409 for the check, but
  // the stock taken and the canceled order delivered. The pay service routes
  // both by pay id to one replica; this holds it to that.
  it("cancel racing a check across two pay replicas: exactly one wins, and a canceled order is never delivered", async () => {
    const stock = 50;
    const product = await newProduct(u.bob, stock, 900);
    const slowed = slowDown(cluster.main.node.broker, "mall.product.decreaseStock", 400);
    const trials: Trial[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        // Were pay calls balanced round-robin per action, one more check every
        // other round would put the check and the cancel on different replicas
        // in half of the rounds.
        if (i % 2 === 1) expectError(await u.bob.post(`/mall/pays/${unknownId()}/check`), 404, "NotFound");
        const order = await placeOrderSeen(product);
        const pay = await payOf(u.alice, order.id);
        const checking = u.bob.post(`/mall/pays/${pay.id}/check`);
        await slowed.entered(i + 1); // the check is now waiting for the slow product
        const cancel = await u.alice.post(`/mall/orders/${order.id}/cancel`);
        const check = await checking;
        trials.push({ order, cancel: cancel.status, check: check.status, orderStatus: "", history: [], deliveries: 0 });
      }
    } finally {
      slowed.restore();
    }
    // let everything the winners (and losers) caused settle
    for (const t of trials) {
      await eventually(async () => {
        const row = await u.bob.get(`/mall/orderStatuses/${t.order.id}`);
        expect(row.status).toBe(200);
        const want = t.cancel === 200 ? "OrderCanceled" : "DeliveryStarted";
        expect(row.body.status === want || historyOf(row.body).includes("DeliveryStarted")).toBe(true);
      });
    }
    await slowed.idle();
    await settled();
    for (const t of trials) {
      t.orderStatus = (await getOrder(u.bob, t.order.id)).status;
      t.history = historyOf((await u.bob.get(`/mall/orderStatuses/${t.order.id}`)).body);
      t.deliveries = (await list(u.bob, `/mall/deliveries?orderId=${t.order.id}`)).items.length;
    }
    const report = trials
      .map(
        (t) =>
          `cancel ${t.cancel} / check ${t.check} → order ${t.orderStatus}, deliveries ${t.deliveries}, history ${t.history.join(",")}`,
      )
      .join("\n");

    for (const t of trials) {
      expect([t.cancel, t.check].sort(), report).toEqual([200, 409]);
      if (t.cancel === 200) {
        expect(t.orderStatus, report).toBe("OrderCanceled");
        expect(t.history, report).not.toContain("QtyDecreased");
        expect(t.deliveries, report).toBe(0);
      } else {
        expect(t.orderStatus, report).toBe("OrderPlaced");
        expect(t.deliveries, report).toBe(1);
      }
    }
    const checkWins = trials.filter((t) => t.check === 200).length;
    expect((await getProduct(u.bob, product.id)).qty, report).toBe(stock - checkWins);
  });

  // The 503 comes from the caller's deadline; a product that goes on with the
  // call after it must not take the stock (QtyDecreased) and start a delivery
  // while the pay stays PayPlaced (and so may still be canceled).
  it("a product slower than the request timeout: 503 with Retry-After, and nothing changes", async () => {
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    const product = await newProduct(u.bob, 5, 1200);
    const order = await placeOrderSeen(product);
    const pay = await payOf(u.alice, order.id);
    const slowed = slowDown(cluster.main.node.broker, "mall.product.decreaseStock", timeout + 300);
    let res: Awaited<ReturnType<typeof u.bob.post>>;
    try {
      const call = await timed(() => u.bob.post(`/mall/pays/${pay.id}/check`));
      res = call.value;
      expect(call.ms).toBeLessThan(2 * timeout);
      // the slow call goes on on the product's side: wait until it has finished
      await slowed.idle();
    } finally {
      slowed.restore();
    }
    expectError(res, 503, "ServiceUnavailable");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    await settled();
    const row = (await u.bob.get(`/mall/orderStatuses/${order.id}`)).body;
    const state = `pay ${(await payOf(u.bob, order.id)).status}, stock ${(await getProduct(u.bob, product.id)).qty}, history ${historyOf(row).join(",")}, deliveries ${(await list(u.bob, `/mall/deliveries?orderId=${order.id}`)).items.length}`;
    expect((await payOf(u.bob, order.id)).status, state).toBe("PayPlaced");
    expect((await getProduct(u.bob, product.id)).qty, state).toBe(5);
    expect(historyOf(row), state).toEqual(["OrderPlaced", "PayPlaced"]);
    expect((await list(u.bob, `/mall/deliveries?orderId=${order.id}`)).items.length, state).toBe(0);
  });

  // A cancel that reaches the pay while a check of the same pay waits on the
  // product queues behind it. If the check holds the pay past the cancel's
  // deadline, the cancel answers that the pay is busy: nothing changed, and
  // it is no failure of the pay service. Counted as one, a few such cancels
  // would open the breakers of every pay replica and refuse the cancels of
  // every other order for their half-open time.
  it("cancels queued behind checks on a product slower than the timeout: 503 busy, and no breaker opens", async () => {
    const timeout = cluster.main.config.REQUEST_TIMEOUT_MS;
    const product = await newProduct(u.bob, 100, 700);
    const pairs = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const order = await placeOrderSeen(product);
        return { order, pay: await payOf(u.alice, order.id) };
      }),
    );
    const bystander = await placeOrderSeen(product);
    await payOf(u.alice, bystander.id);
    const slowed = slowDown(cluster.main.node.broker, "mall.product.decreaseStock", timeout + 300);
    let outcomes: Array<{ check: number; cancel: number; message: string }>;
    try {
      outcomes = await Promise.all(
        pairs.map(async ({ order, pay }) => {
          const check = u.bob.post(`/mall/pays/${pay.id}/check`);
          await sleep(5); // the cancel takes one hop more (through mall.order): it queues behind the check
          const cancel = await u.alice.post(`/mall/orders/${order.id}/cancel`);
          return { check: (await check).status, cancel: cancel.status, message: String(cancel.body.message) };
        }),
      );
      await slowed.idle();
    } finally {
      slowed.restore();
    }
    const report = JSON.stringify(outcomes);
    for (const o of outcomes) expect([200, 503], report).toContain(o.cancel);
    const busy = outcomes.filter((o) => o.cancel === 503);
    expect(busy.length, report).toBeGreaterThanOrEqual(10);
    for (const o of busy) expect(o.message, report).toMatch(/is busy with another request; nothing was changed/);
    // The pay service did not fail: another order's cancel is answered at once.
    const other = await timed(() => u.alice.post(`/mall/orders/${bystander.id}/cancel`));
    expect(other.value.status, show(other.value)).toBe(200);
    expect(other.ms).toBeLessThan(timeout);
  });
});

/** An order at the price alice saw; its name and price come from the order service's catalog. */
async function placeOrderSeen(product: Json): Promise<Json> {
  const res = await u.alice.post("/mall/orders", {
    productId: product.id,
    qty: 1,
    address: "Seoul",
    price: product.price,
  });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}
