// Stock never leaks. Many orders of one product meet deposit checks and
// cancels, some of them racing on the same order, while the product node is
// SIGKILLed in the middle of the checks and started again. Once everything is
// quiet:
//   stock + Σ qty of the orders being delivered or delivered = initial stock,
// and the log agrees: Σ QtyDecreased − Σ StockRestored is the same sum, with
// at most one decrease and one restore per order.
import { type ApiClient, commitsOn, eventually, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import { type Actors, actors, getProduct, type Json, list, newProduct, payOf, show } from "../integration/helpers.js";

const INITIAL = 1000;
const ORDERS = 36;

// product lives only in a child
const cluster = faultCluster({
  main: { services: "api,mall.order,mall.pay,mall.delivery,mall.orderStatus" },
  spawned: ["mall.product"],
});
const productNode = () => cluster.spawn("mall.product");
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

/** A request as a person sends it: a 503 ("nothing changed, try again") is tried again, up to 20 times. */
async function untilAnswered(client: ApiClient, path: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const res = await client.post(path);
    if (res.status !== 503 || attempt >= 20) return res.status;
    await new Promise((r) => setTimeout(r, 250));
  }
}
const check = (payId: string) => untilAnswered(u.bob, `/mall/pays/${payId}/check`);

describe("stock balance under checks, cancels and a killed product node", () => {
  it("stock + Σ qty being delivered or delivered = initial; the log agrees, once per order", async () => {
    const product = await newProduct(u.bob, INITIAL, 900);
    const orders: Json[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const res = await (i % 2 ? u.alice : u.erin).post("/mall/orders", {
        productId: product.id,
        qty: 1 + (i % 3),
        address: `Seoul ${i}`,
      });
      expect(res.status, show(res)).toBe(201);
      orders.push(res.body);
    }
    const pays: Json[] = await Promise.all(orders.map((o) => payOf(u.bob, o.id)));
    const owner = (i: number) => (i % 2 ? u.alice : u.erin);

    // a third checked, a third canceled, a third both at once; the product node dies half-way
    const work = orders.map(async (o, i) => {
      await new Promise((r) => setTimeout(r, (i % 12) * 40));
      const cancel = () => untilAnswered(owner(i), `/mall/orders/${o.id}/cancel`);
      if (i % 3 === 0) return { check: await check(pays[i].id) };
      if (i % 3 === 1) return { cancel: await cancel() };
      const [checked, canceled] = await Promise.all([check(pays[i].id), cancel()]);
      return { check: checked, cancel: canceled };
    });
    await new Promise((r) => setTimeout(r, 200));
    const killed = await (cluster.children[0] as SpawnedNode).kill("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    await productNode();
    const outcomes = await Promise.all(work);
    for (const o of outcomes) {
      if (o.check !== undefined) expect([200, 409], JSON.stringify(o)).toContain(o.check);
      if (o.cancel !== undefined) expect([200, 409], JSON.stringify(o)).toContain(o.cancel);
    }
    // the races really raced: some checks won, some cancels won
    expect(outcomes.some((o) => o.check === 200)).toBe(true);
    expect(outcomes.some((o) => o.cancel === 200)).toBe(true);

    // quiet: every pay decided, every checked order delivering, the stock settled
    await eventually(
      async () => {
        const all = (await list(u.bob, `/mall/pays?limit=500`)).items.filter((p: Json) =>
          orders.some((o) => o.id === p.orderId),
        );
        expect(all).toHaveLength(ORDERS);
        const checked = all.filter((p: Json) => p.status === "PayChecked").map((p: Json) => p.orderId);
        const deliveries = (await list(u.bob, `/mall/deliveries?limit=500`)).items.filter((d: Json) =>
          checked.includes(d.orderId),
        );
        expect(deliveries).toHaveLength(checked.length);
        const delivering = orders.filter((o) => deliveries.some((d: Json) => d.orderId === o.id));
        const sold = delivering.reduce((sum, o) => sum + o.qty, 0);
        expect((await getProduct(u.bob, product.id)).qty + sold).toBe(INITIAL);
      },
      { timeout: 30_000, interval: 250 },
    );

    // the log: one decrease and at most one restore per order, and they add up
    const events = (await commitsOn(cluster.main.node.runtime.nc, "mall", `mall.product.${product.id}`)).flatMap(
      (c) => c.events,
    );
    const per = (type: string) => {
      const m = new Map<string, number>();
      for (const e of events.filter((x) => x.type === type)) {
        const d = e.data as { orderId: string; qty: number };
        expect(m.has(d.orderId), `${type} twice for ${d.orderId}`).toBe(false);
        m.set(d.orderId, d.qty);
      }
      return m;
    };
    const decreased = per("QtyDecreased");
    const restored = per("StockRestored");
    for (const orderId of restored.keys()) expect(decreased.has(orderId)).toBe(true);
    const net = [...decreased.values()].reduce((a, b) => a + b, 0) - [...restored.values()].reduce((a, b) => a + b, 0);
    const stock = await eventually(async () => (await getProduct(u.bob, product.id)).qty, { timeout: 10_000 });
    expect(stock).toBe(INITIAL - net);
  }, 120_000);
});
