// The REPL's operator commands, run as the functions the REPL calls, against
// a real node (mall + gateway) on the suite's nats-server; then the REPL
// itself once, as a process fed through its standard input.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { commitSubject } from "@seed/platform";
import { renderPrometheus } from "@seed/platform/node";
import {
  clusterBreakers,
  DEAD_LETTER_STREAM,
  type EventLine,
  formatBreakers,
  formatDeadLetters,
  formatFlow,
  formatStreams,
  listDeadLetters,
  type Progress,
  readFlow,
  rebuildWithProgress,
  replayDeadLetter,
  streamsReport,
  tailEvents,
} from "@seed/platform/operations";
import {
  type ApiClient,
  api,
  eventually,
  natsUrl,
  scriptArgs,
  startTestNode,
  TEST_NAMESPACE,
  type TestNode,
} from "@seed/platform/testing";
import { headers } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let node: TestNode;
let alice: ApiClient;
let bob: ApiClient;

beforeAll(async () => {
  // Its gateway routes the mall only, whose services all run here: ready at once.
  node = await startTestNode({ services: "mall.*,api" });
  alice = api(node.url);
  bob = api(node.url);
  await Promise.all([alice.login("alice"), bob.login("bob")]);
}, 30_000);
afterAll(async () => {
  await node?.stop();
});

const events = () => node.node.runtime.events;
const broker = () => node.node.broker;

/** Registers a product and orders it with the given request id; answers the order id. */
async function placeOrder(requestId: string): Promise<string> {
  const product = await bob.post("/mall/products", { name: "Mug", price: 5000, qty: 10 });
  expect(product.status).toBe(201);
  const order = await alice.post(
    "/mall/orders",
    { productId: product.body.id, qty: 1, address: "Seoul" },
    { headers: { "X-Request-Id": requestId } },
  );
  expect(order.status).toBe(201);
  return order.body.id as string;
}

describe("events tail", () => {
  it("shows each event as it is appended, with the request and the event that caused it", async () => {
    const seen: EventLine[] = [];
    const tail = await tailEvents(events(), "mall", {}, (e) => seen.push(e));
    try {
      const requestId = `tail-${Date.now()}`;
      const orderId = await placeOrder(requestId);
      const [placed, payPlaced] = await eventually(() => {
        const placed = seen.find((e) => e.type === "OrderPlaced" && e.aggregateId === orderId);
        const pay = seen.find((e) => e.type === "PayPlaced" && e.correlationId === orderId);
        if (!placed || !pay) throw new Error("not yet");
        return [placed, pay];
      });
      // The client's X-Request-Id is the cause of the command's event…
      expect(placed.correlationId).toBe(orderId);
      expect(placed.causationId).toBe(requestId);
      expect(placed.subject).toBe(
        commitSubject(`mall.order.${orderId}`, ["OrderPlaced"], await events().typed("MALL")),
      );
      // …and the policy's event is caused by that event, in the same flow.
      const stored = await (await events().jsm()).streams.getMessage("MALL", { seq: placed.seq });
      const placedId = (JSON.parse(new TextDecoder().decode(stored.data)) as Array<{ id: string }>)[0]?.id;
      expect(payPlaced.causationId).toBe(placedId);
      expect(payPlaced.seq).toBeGreaterThan(placed.seq);
    } finally {
      await tail.stop();
    }
  });

  it("starts at a given sequence with --from", async () => {
    const orderId = await placeOrder(`from-${Date.now()}`);
    const last = await events().lastSeqOf("MALL", `mall.order.${orderId}`);
    const seen: EventLine[] = [];
    const tail = await tailEvents(events(), "mall", { from: last }, (e) => seen.push(e));
    try {
      await eventually(() => expect(seen[0]?.seq).toBe(last));
      expect(seen[0]?.aggregateId).toBe(orderId);
    } finally {
      await tail.stop();
    }
  });
});

describe("flow", () => {
  it("shows one order's saga in order across services: each event, the call or event that caused it, how long after", async () => {
    const requestId = `flow-${Date.now()}`;
    const orderId = await placeOrder(requestId);
    const pays = await eventually(async () => {
      const res = await bob.get(`/mall/pays?orderId=${orderId}`);
      expect(res.body.items).toHaveLength(1);
      return res.body.items as Array<{ id: string }>;
    });
    const check = await bob.post(`/mall/pays/${pays[0]?.id}/check`, undefined, {
      headers: { "X-Request-Id": `${requestId}-check` },
    });
    expect(check.status).toBe(200);
    const steps = await eventually(async () => {
      const steps = await readFlow(events(), ["mall", "sauce"], orderId);
      expect(steps.map((s) => s.type)).toContain("DeliveryStarted");
      return steps;
    });
    const step = (type: string) => steps.find((s) => s.type === type);
    expect(steps.map((s) => s.type).slice(0, 2)).toEqual(["OrderPlaced", "PayPlaced"]);
    expect(steps.map((s) => s.occurredAt)).toEqual(steps.map((s) => s.occurredAt).sort());
    expect(step("OrderPlaced")).toMatchObject({ writer: "mall.order", cause: "call", causationId: requestId });
    expect(step("PayPlaced")).toMatchObject({
      writer: "mall.pay",
      cause: "reaction",
      after: step("OrderPlaced")?.eventId,
    });
    expect(step("QtyDecreased")).toMatchObject({
      writer: "mall.product",
      cause: "call",
      causationId: `${requestId}-check`,
    });
    expect(step("PayChecked")).toMatchObject({ writer: "mall.pay" });
    expect(step("DeliveryStarted")).toMatchObject({ writer: "mall.delivery", cause: "reaction" });
    for (const s of steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    const text = formatFlow(orderId, steps);
    expect(text).toContain(`flow ${orderId}: ${steps.length} step(s)`);
    expect(text).toMatch(/mall\.pay\s+PayPlaced\s+reacting to OrderPlaced \+\d+ ms/);
    expect(text).toContain(`call ${requestId} +0 ms`);
  });

  it("is served to staff at GET /flows/<correlationId>, the dashboard's flow page", async () => {
    const requestId = `flow-http-${Date.now()}`;
    const orderId = await placeOrder(requestId);
    const res = await eventually(async () => {
      const res = await bob.get(`/flows/${orderId}`);
      expect(res.body.steps?.map((s: { type: string }) => s.type)).toContain("PayPlaced");
      return res;
    });
    expect(res.status).toBe(200);
    expect(res.body.correlationId).toBe(orderId);
    expect(res.body.steps[0]).toMatchObject({ type: "OrderPlaced", writer: "mall.order", causationId: requestId });
    expect((await alice.get(`/flows/${orderId}`)).status).toBe(403); // a customer reads her own orders, not flows
    expect((await bob.get("/flows/no-such-flow")).status).toBe(404);
    expect((await api(node.url).get(`/flows/${orderId}`)).status).toBe(401);
  });

  it("says when no event has the correlation id", async () => {
    expect(formatFlow("nothing-here", await readFlow(events(), ["mall"], "nothing-here"))).toBe(
      "no events with correlation id nothing-here",
    );
  });
});

describe("streams", () => {
  it("reports the system's stream and its policies' consumers with their lag", async () => {
    const orderId = await placeOrder(`streams-${Date.now()}`);
    const last = await events().lastSeqOf("MALL", `mall.order.${orderId}`);
    const report = await streamsReport(events());
    const mall = report.find((s) => s.name === "MALL");
    expect(mall?.subjects).toEqual(["mall.>"]);
    expect(mall?.lastSeq).toBeGreaterThanOrEqual(last);
    expect(mall?.messages).toBeGreaterThan(0);
    expect(mall?.replicas).toBe(1);
    expect(mall?.consumers.map((c) => c.name)).toEqual(
      // One durable per aggregate each policy reacts to.
      expect.arrayContaining([
        "mall-delivery-order",
        "mall-delivery-pay",
        "mall-order-pay",
        "mall-pay-order",
        "mall-pay-product",
      ]),
    );
    // Projections' ephemeral consumers are not listed.
    expect(mall?.consumers.every((c) => c.name.startsWith("mall-"))).toBe(true);
    await eventually(async () => {
      const pay = (await streamsReport(events()))
        .find((s) => s.name === "MALL")
        ?.consumers.find((c) => c.name === "mall-pay-order");
      expect(pay?.deliveredSeq).toBeGreaterThanOrEqual(last);
    });
    const text = formatStreams(report);
    expect(text).toMatch(/^stream\s+subjects\s+messages/);
    expect(text).toContain("pending (lag)");
    expect(text).toMatch(/MALL\s+mall-pay-order\s+\d+/);
  });
});

describe("deadletters", () => {
  it("lists a dead letter with its error and replays it through its policy, which removes it", async () => {
    const orderId = await placeOrder(`dl-${Date.now()}`);
    const js = events().js;
    const jsm = await events().jsm();
    const seq = await events().lastSeqOf("MALL", `mall.order.${orderId}`);
    const original = await jsm.streams.getMessage("MALL", { seq });
    // What the pay policy writes when it gives up on an event (see Policy.deadLetter).
    const h = headers();
    h.set("Seed-Error", "product service was down");
    h.set("Seed-Subject", original.subject);
    h.set("Seed-Seq", String(seq));
    h.set("Seed-Policy", "mall-pay");
    h.set("Seed-Stream", "MALL");
    const ack = await js.publish("deadletter.mall.mall-pay", original.data, { headers: h, msgID: `test:${orderId}` });

    const listed = (await listDeadLetters(events(), { system: "mall" })).find((d) => d.seq === ack.seq);
    expect(listed).toMatchObject({
      policy: "mall-pay",
      stream: "MALL",
      subject: original.subject,
      eventSeq: seq,
      error: "product service was down",
      eventTypes: ["OrderPlaced"],
    });
    expect(formatDeadLetters([listed as NonNullable<typeof listed>])).toContain("product service was down");
    expect((await listDeadLetters(events(), { system: "sauce" })).some((d) => d.seq === ack.seq)).toBe(false);

    // The pay policy handled this OrderPlaced already: replaying it changes nothing and succeeds.
    const replayed = await replayDeadLetter(broker(), events(), ack.seq);
    expect(replayed).toEqual({ service: "mall.pay", seq, subject: original.subject });
    expect((await listDeadLetters(events())).some((d) => d.seq === ack.seq)).toBe(false);
    await expect(jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: ack.seq })).rejects.toThrow();
    const pays = await bob.get(`/mall/pays?orderId=${orderId}`);
    expect(pays.body.items.length).toBe(1);
  });

  it("refuses to replay a sequence that holds no dead letter", async () => {
    await expect(replayDeadLetter(broker(), events(), 999_999_999)).rejects.toThrow();
  });
});

describe("rebuild", () => {
  it("rebuilds one instance with progress reports, and the copy answers the same afterwards", async () => {
    const orderId = await placeOrder(`rebuild-${Date.now()}`);
    const before = await alice.get(`/mall/orders/${orderId}`);
    const reports: Progress[] = [];
    const r = await rebuildWithProgress(broker(), "mall.order", (p) => reports.push(p), { pollMs: 20 });
    expect(r.nodeID).toBe(broker().nodeID);
    const last = await events().lastSeqOf("MALL", "mall.order.>");
    expect(r.positions["agg:order"]).toBeGreaterThanOrEqual(last);
    const final = reports.at(-1);
    expect(final?.service).toBe("mall.order");
    const agg = final?.projections.find((p) => p.name === "agg:order");
    expect(agg).toMatchObject({ rebuilding: false, lag: 0 });
    expect(agg?.seq).toBeGreaterThanOrEqual(last);
    expect(final?.consumers?.map((c) => c.name)).toEqual(["mall-order-pay"]);
    const after = await alice.get(`/mall/orders/${orderId}`);
    expect(after.body).toEqual(before.body);
  });

  it("says which service has no node", async () => {
    await expect(rebuildWithProgress(broker(), "mall.nothing", () => {})).rejects.toThrow(/no node runs mall.nothing/);
  });
});

describe("breakers and metrics", () => {
  it("lists the breakers of every node and exports their state, lag and append latency", async () => {
    await placeOrder(`breakers-${Date.now()}`);
    const nodes = await clusterBreakers(broker());
    const mine = nodes.find((n) => n.nodeID === broker().nodeID);
    expect(mine?.error).toBeUndefined();
    expect(mine?.breakers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "mall.order.place", target: broker().nodeID, state: "closed" }),
      ]),
    );
    expect(mine?.breakers.some((b) => b.action.startsWith("$"))).toBe(false);
    expect(formatBreakers(nodes)).toMatch(/mall\.order\.place\s+\S+\s+closed/);

    // The breaker gauge follows Moleculer's breaker events raised on this node.
    broker().broadcastLocal("$circuit-breaker.opened", { nodeID: "far-node", action: "mall.product.get" });
    await eventually(() =>
      expect(renderPrometheus(broker())).toMatch(
        /seed_breaker_state\{[^}]*action="mall\.product\.get"[^}]*affectedNodeID="far-node"[^}]*\} 2/,
      ),
    );
    broker().broadcastLocal("$circuit-breaker.closed", { nodeID: "far-node", action: "mall.product.get" });
    await eventually(() =>
      expect(renderPrometheus(broker())).toMatch(/seed_breaker_state\{[^}]*affectedNodeID="far-node"[^}]*\} 0/),
    );

    // Lag gauges are refreshed by the sampler, and at once by a progress call.
    await broker().call("mall.pay.progress", {});
    const text = renderPrometheus(broker());
    expect(text).toMatch(/seed_consumer_pending\{[^}]*consumer="mall-pay-order"[^}]*\} \d+/);
    expect(text).toMatch(/seed_consumer_redelivered\{[^}]*consumer="mall-pay-product"[^}]*\} \d+/);
    expect(text).toMatch(/seed_dead_letters\{[^}]*policy="mall-pay"[^}]*\} \d+/);
    expect(text).toMatch(/seed_projection_lag\{(?=[^}]*projection="agg:pay")(?=[^}]*service="mall\.pay")[^}]*\} \d+/);
    // Moleculer's exporter writes buckets only; le="+Inf" counts every append.
    const appended = /seed_event_append_seconds_bucket\{[^}]*le="\+Inf"\} (\d+)/.exec(text);
    expect(Number(appended?.[1])).toBeGreaterThan(0);
  });
});

describe("the REPL", () => {
  it("joins the system as a node and answers the operator's commands typed on its input", async () => {
    const root = join(import.meta.dirname, "..", "..");
    const child = spawn(process.execPath, scriptArgs("repl"), {
      cwd: root,
      env: { ...process.env, NATS_URL: natsUrl(), NAMESPACE: TEST_NAMESPACE, LOG_LEVEL: "warn", NODE_ID: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await eventually(() => expect(out).toContain("seed $"), { timeout: 20_000 });
      child.stdin.write("streams\n");
      await eventually(() => expect(out).toMatch(/MALL\s+mall-pay/), { timeout: 10_000 });
      // Only once the REPL has seen the node's services can it ask them.
      await eventually(
        async () => {
          child.stdin.write("breakers\n");
          await new Promise((r) => setTimeout(r, 300));
          expect(out).toContain(broker().nodeID);
        },
        { timeout: 10_000 },
      );
      child.stdin.write("events tail mall --from 1\n");
      await eventually(() => expect(out).toMatch(/#1 mall\.\S+ \w+ /), { timeout: 10_000 });
      expect(out).toContain("following mall from #1; press Enter or Ctrl-C to stop");
      // The tail holds the foreground: a line typed now ends it and is no command
      // (`q` would otherwise quit the REPL).
      const tailing = out.length;
      await placeOrder(`repl-tail-${Date.now()}`);
      await eventually(() => expect(out.slice(tailing)).toMatch(/ OrderPlaced order\//), { timeout: 10_000 });
      expect(out.slice(tailing)).not.toContain("seed $");
      child.stdin.write("q\n");
      await eventually(() => expect(out.slice(tailing)).toContain("stopped following mall"));
      await eventually(() => expect(out.slice(out.lastIndexOf("stopped following mall"))).toContain("seed $"));
      expect(child.exitCode).toBeNull();
      // One order's flow, step by step.
      const flowOf = await placeOrder(`repl-flow-${Date.now()}`);
      child.stdin.write(`flow ${flowOf} --system mall\n`);
      await eventually(
        async () => {
          expect(out).toMatch(new RegExp(`flow ${flowOf}: \\d+ step\\(s\\)`));
          expect(out).toMatch(/mall\.order\s+OrderPlaced\s+call repl-flow-/);
        },
        { timeout: 10_000 },
      );
      // An unknown system: the ones there are.
      child.stdin.write("events tail nosuch\n");
      await eventually(() =>
        expect(out).toContain('no system "nosuch"; the systems are: mall, sauce, cleaning, meetingroom, insurance'),
      );
      child.stdin.write("quit\n");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 45_000);
});
