import { afterAll, beforeAll, expect, it } from "vitest";
import { api, startTestNode, type TestNode } from "@seed/platform/testing";

let node: TestNode;
beforeAll(async () => {
  const t = Date.now();
  node = await startTestNode();
  console.log("started in", Date.now() - t);
});
afterAll(async () => {
  await node?.stop();
});

it("smoke", async () => {
  const bob = api(node.url);
  await bob.login("bob");
  const p = await bob.post("/mall/products", { name: "x", price: 100, qty: 3 });
  console.log(p.status, p.headers.get("location"), p.body);
  const alice = api(node.url);
  await alice.login("alice");
  const o = await alice.post("/mall/orders", { productId: p.body.id, qty: 1, address: "Seoul" });
  console.log(o.status, o.headers.get("location"), o.body);
  const me = await alice.get("/auth/me");
  console.log(me.body);
  const bad = await alice.post("/mall/orders", "{bad", {});
  console.log(bad.status, bad.body);
  const v = await alice.post("/mall/orders", { productId: "x", qty: -1, extra: 1 });
  console.log(v.status, JSON.stringify(v.body));
  const q = await alice.get("/mall/orders?limit=0");
  console.log(q.status, JSON.stringify(q.body));
  const q2 = await alice.get("/mall/orders/notaulid");
  console.log(q2.status, JSON.stringify(q2.body));
  expect(o.status).toBe(201);
});
