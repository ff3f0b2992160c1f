// Tracing across calls and events, for real: a node with the tracer on posts
// its spans to a Zipkin-compatible receiver this test starts. One order's
// spans — the gateway's request, mall.order's action, the pay policy's
// reaction to OrderPlaced (which creates the pay), and the orderStatuses
// view's apply — form one trace: one root, every other span's parent in it.
// The flow view then shows the order's calls as well, from the spans the
// node keeps. The node has a nats-server of its own: the pay policy that reacts must be
// this node's, not another test file's node sharing the durable consumer.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportedId, type NatsServer } from "@seed/platform/operations";
import { eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { clusterEnv, privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actors, actors, newProduct, payOf, rowWithStatus, show } from "../integration/helpers.js";

/** A Zipkin v2 span as the exporter posts it (the fields read here). */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string | null;
  name: string;
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string | null };
  tags: Record<string, string>;
}

let receiver: Server;
let receiverUrl: string;
const received: ZipkinSpan[] = [];
const posts: Array<{ path: string; contentType: string | undefined }> = [];
let nats: NatsServer;
let node: TestNode;
let u: Actors;

/** A Zipkin collector's span endpoint, keeping what it is sent. */
function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      posts.push({ path: req.url ?? "", contentType: req.headers["content-type"] });
      if (req.method === "POST" && req.url === "/api/v2/spans") {
        received.push(...(JSON.parse(Buffer.concat(chunks).toString("utf8")) as ZipkinSpan[]));
      }
      res.writeHead(202).end();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  receiver = await startReceiver();
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  nats = await privateNats();
  node = await startTestNode({
    services: "api,mall.*",
    config: {
      ...clusterEnv(nats),
      TRACING_EXPORTER: "zipkin",
      TRACING_URL: receiverUrl,
      TRACING_INTERVAL_SECONDS: 1,
    },
  });
  u = await actors(node.url);
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await nats?.stop();
  await new Promise((r) => receiver?.close(r));
});

describe("one order's spans form one trace", () => {
  it("across the gateway, mall.order, the pay policy and the orderStatuses view", async () => {
    const product = await newProduct(u.bob, 10, 1500);
    const requestId = randomUUID();
    const res = await u.alice.post(
      "/mall/orders",
      { productId: product.id, qty: 1, address: "Seoul" },
      { headers: { "x-request-id": requestId } },
    );
    expect(res.status, show(res)).toBe(201);
    const orderId = res.body.id as string;
    await payOf(u.alice, orderId);
    await rowWithStatus(u.alice, orderId, "PayPlaced");
    const traceId = exportedId(requestId);

    const trace = await eventually(
      () => {
        const spans = received.filter((s) => s.traceId === traceId);
        const names = spans.map((s) => `${s.localEndpoint.serviceName} ${s.name}`);
        expect(names, names.join(" | ")).toEqual(
          expect.arrayContaining([
            "api POST /mall/orders",
            "mall.order action 'mall.order.place'",
            "mall.pay policy mall-pay: OrderPlaced",
            "mall.orderStatus view:orderStatuses: OrderPlaced",
            // the pay the policy created is seen by the view in the same trace
            "mall.orderStatus view:orderStatuses: PayPlaced",
          ]),
        );
        return spans;
      },
      { timeout: 20_000, interval: 250 },
    );

    expect(posts.every((p) => p.contentType === "application/json")).toBe(true);
    // One trace: one root (the gateway's request), every other span's parent is in the trace.
    const ids = new Set(trace.map((s) => s.id));
    const roots = trace.filter((s) => !s.parentId);
    expect(roots.map((s) => s.name)).toEqual(["POST /mall/orders"]);
    for (const s of trace.filter((x) => x.parentId)) expect(ids, s.name).toContain(s.parentId);
    for (const s of trace) expect(s.traceId).toMatch(/^[0-9a-f]{16}$/);

    // The reaction is a child of the action that appended the event it reacts to.
    const byName = (name: string) => trace.find((s) => s.name === name) as ZipkinSpan;
    const place = byName("action 'mall.order.place'");
    const policy = byName("policy mall-pay: OrderPlaced");
    expect(policy.parentId).toBe(place.id);
    expect(policy.timestamp).toBeGreaterThanOrEqual(place.timestamp);
    expect(policy.tags).toMatchObject({ correlationId: orderId, handler: "policy mall-pay" });
    // Parameters never leave in a span (they may hold personal data).
    expect(JSON.stringify(trace)).not.toContain("Seoul");
  });

  it("the seller's deposit check: stock taken by a call to another service, the delivery started by a policy, one trace", async () => {
    const product = await newProduct(u.bob, 10, 1500);
    const order = await u.alice.post("/mall/orders", { productId: product.id, qty: 1, address: "Busan" });
    expect(order.status, show(order)).toBe(201);
    const pay = await payOf(u.bob, order.body.id);
    const requestId = randomUUID();
    const check = await u.bob.post(`/mall/pays/${pay.id}/check`, undefined, { headers: { "x-request-id": requestId } });
    expect(check.status, show(check)).toBe(200);
    await rowWithStatus(u.alice, order.body.id, "DeliveryStarted");
    const traceId = exportedId(requestId);

    const trace = await eventually(
      () => {
        const spans = received.filter((s) => s.traceId === traceId);
        const names = spans.map((s) => `${s.localEndpoint.serviceName} ${s.name}`);
        expect(names, names.join(" | ")).toEqual(
          expect.arrayContaining([
            `api POST /mall/pays/${pay.id}/check`,
            "mall.pay action 'mall.pay.check'",
            "mall.product action 'mall.product.decreaseStock'",
            "mall.delivery policy mall-delivery: PayChecked",
            "mall.orderStatus view:orderStatuses: DeliveryStarted",
          ]),
        );
        return spans;
      },
      { timeout: 20_000, interval: 250 },
    );
    const ids = new Set(trace.map((s) => s.id));
    expect(trace.filter((s) => !s.parentId)).toHaveLength(1);
    for (const s of trace.filter((x) => x.parentId)) expect(ids, s.name).toContain(s.parentId);

    // The flow view shows the calls too, from the spans the node kept: service, start, duration.
    const flow = await u.bob.get(`/flows/${order.body.id}`);
    expect(flow.status, show(flow)).toBe(200);
    const calls = flow.body.calls as Array<{ name: string; service: string; durationMs: number; startedAt: string }>;
    expect(calls.map((c) => `${c.service} ${c.name}`)).toEqual(
      expect.arrayContaining([
        "api POST /mall/orders",
        "mall.order mall.order.place",
        `api POST /mall/pays/${pay.id}/check`,
        "mall.pay mall.pay.check",
        "mall.product mall.product.decreaseStock",
      ]),
    );
    for (const c of calls) expect(c.durationMs).toBeGreaterThanOrEqual(0);
    const checkCall = calls.find((c) => c.name === "mall.pay.check");
    const decrease = calls.find((c) => c.name === "mall.product.decreaseStock");
    // The stock is taken inside the check: it starts after it and takes no longer.
    expect(Date.parse(String(decrease?.startedAt))).toBeGreaterThanOrEqual(Date.parse(String(checkCall?.startedAt)));
    expect(decrease?.durationMs ?? 0).toBeLessThanOrEqual(checkCall?.durationMs ?? 0);
  });
});
