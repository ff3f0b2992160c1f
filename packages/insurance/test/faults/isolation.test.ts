// Fault isolation with real processes (packages/insurance/README.md "The flow"): proposal
// and payment run only in child processes that are killed with SIGKILL.
// - payment slow (a crash-point delay on pay) → 503 within the timeout,
//   then the breaker opens and proposals answer 503 at once; nothing stored,
//   nothing charged; a healthy payment brings proposals back;
// - payment stopped → 503 fast, nothing stored;
// - proposal stopped → customers, quotes, plans and documents keep working.
import type { BreakerView } from "@seed/platform/operations";
import { eventually, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster, timed } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  account,
  actors,
  customerOf,
  expectError,
  issuedDocument,
  type Json,
  list,
  newProduct,
  savePlan,
  show,
} from "../integration/helpers.js";

const TIMEOUT = 1000;
const cluster = faultCluster({
  env: { INSURANCE_DOCUMENT_DELAY_MS: 200, REQUEST_TIMEOUT_MS: TIMEOUT },
  main: { services: "api,insurance.product,insurance.customer,insurance.plan,insurance.alarm,insurance.mypage" },
  spawned: [
    { services: "insurance.proposal", env: { BREAKER_MIN_REQUESTS: 3, BREAKER_HALF_OPEN_MS: 1000 } },
    { services: "insurance.payment", faults: { delayAction: { action: "insurance.payment.pay", ms: 1500 } } },
  ],
});
const proposalNode = () => cluster.children[0] as SpawnedNode;
let paymentNode = () => cluster.children[1] as SpawnedNode;
let u: Actors;
let product: Json;
beforeAll(async () => {
  u = await actors(cluster.main.url);
  product = await newProduct(u.dave);
  await customerOf(u.alice);
});

async function readyPlan(): Promise<Json> {
  const plan = await savePlan(u.alice, product.code);
  await issuedDocument(u.alice, plan.id);
  return plan;
}

/** The state of the breaker the proposal node keeps for its calls to payment. */
async function paymentBreakerOnProposalNode(): Promise<string | undefined> {
  const broker = cluster.main.node.broker;
  const nodeID = broker.registry.getActionEndpoints("insurance.proposal.propose")?.endpoints[0]?.id;
  if (!nodeID) return undefined;
  const breakers = await broker.call<BreakerView[], object>("$ops.breakers", {}, { nodeID });
  return breakers.find((b) => b.action === "insurance.payment.pay")?.state;
}

const nothingStored = async () => {
  expect((await list(u.dave, "/insurance/proposals")).items.length).toBe(0);
};

describe("payment slow, then stopped", () => {
  it("slow payment: 503 within the timeout, then the breaker answers 503 at once; nothing charged; recovers", async () => {
    const plans: Json[] = [];
    for (let i = 0; i < 7; i++) plans.push(await readyPlan());
    const slow = await Promise.all(
      plans
        .slice(0, 3)
        .map((p) => timed(() => u.alice.post("/insurance/proposals", { planNo: p.id, account: account() }))),
    );
    for (const s of slow) {
      expectError(s.value, 503, "ServiceUnavailable");
      expect(Number(s.value.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(s.ms).toBeLessThan(2 * TIMEOUT);
    }
    // Once the proposal node's own calls to payment have timed out (a little
    // after its callers gave up), its breaker is open: no waiting for the timeout.
    await eventually(async () => expect(await paymentBreakerOnProposalNode()).toBe("open"), { timeout: 5000 });
    const fast = await timed(() => u.alice.post("/insurance/proposals", { planNo: plans[6].id, account: account() }));
    expectError(fast.value, 503, "ServiceUnavailable");
    expect(fast.ms).toBeLessThan(TIMEOUT / 2);
    // the slow bank finished after its callers gave up: it charged nothing
    await new Promise((r) => setTimeout(r, 1000));
    await eventually(async () => expect((await list(u.dave, "/insurance/payments")).items.length).toBe(0));
    await nothingStored();

    // a healthy payment replaces the slow one: proposals work again
    await paymentNode().kill("SIGKILL");
    const again = await cluster.spawn("insurance.payment"); // without the slow bank
    paymentNode = () => again;
    const ok = await eventually(
      async () => {
        const res = await u.alice.post("/insurance/proposals", { planNo: plans[0].id, account: account() });
        expect(res.status, show(res)).toBe(201);
        return res.body;
      },
      { timeout: 20_000, interval: 300 },
    );
    expect(ok.status).toBe("Contracted");
    await eventually(async () => expect((await list(u.dave, "/insurance/payments")).items.length).toBe(1));
  }, 50_000);

  it("payment stopped: 503 fast, nothing stored", async () => {
    const plan = await readyPlan();
    await paymentNode().kill("SIGKILL");
    const before = (await list(u.dave, "/insurance/proposals")).items.length;
    const res = await eventually(
      async () => {
        const r = await timed(() => u.alice.post("/insurance/proposals", { planNo: plan.id, account: account() }));
        expectError(r.value, 503, "ServiceUnavailable");
        expect(r.ms).toBeLessThan(TIMEOUT);
        return r.value;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await list(u.dave, "/insurance/proposals")).items.length).toBe(before);
  });
});

describe("proposal stopped", () => {
  it("customers, quotes, plans and documents keep working; proposals answer 503", async () => {
    await proposalNode().kill("SIGKILL");
    await customerOf(u.erin, "김영희");
    const plan = await savePlan(u.erin, product.code);
    const requoted = await u.erin.patch(`/insurance/plans/${plan.id}`, { paymentCycle: "quarterly" });
    expect(requoted.status, show(requoted)).toBe(200);
    const doc = await issuedDocument(u.erin, plan.id);
    expect(doc.planNo).toBe(plan.id);
    await eventually(async () => {
      const row = await u.erin.get(`/insurance/mypages/${plan.id}`);
      expect(row.body.progressStatus).toBe("DocumentIssued");
    });
    const res = await timed(() => u.erin.post("/insurance/proposals", { planNo: plan.id, account: account() }));
    expectError(res.value, 503, "ServiceUnavailable");
    expect(res.ms).toBeLessThan(2 * TIMEOUT);
  });
});
