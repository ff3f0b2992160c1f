// A proposal pays first and records its contract after. Here the payment is
// made exactly as the proposal node makes it, and the contract never follows
// (as when that node dies in between and the client never retries): after
// INSURANCE_RECONCILE_AFTER_MS the payment is canceled — once, with two payment
// replicas ticking on one moved clock, counted in the stream — and the
// customer is told. A proposal within the store window contracts with that
// same payment (never canceled); one after it is refused and stores nothing.
import { type EventEnvelope, storeWindowMs } from "@seed/platform";
import type { NatsServer } from "@seed/platform/operations";
import { decodeCommit, eventually, ManualClock, startTestNode, type TestNode } from "@seed/platform/testing";
import { privateNats } from "@seed/platform/testing/faults";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentIdOf, proposalNoOf } from "../../src/ids.js";
import {
  type Actors,
  account,
  actors,
  customerOf,
  expectError,
  issuedDocument,
  type Json,
  list,
  msgsOfPlan,
  newProduct,
  SETTLE,
  savePlan,
  show,
} from "./helpers.js";

const AFTER_MS = 4000;
const STORE_WINDOW_MS = storeWindowMs(AFTER_MS);
const config = { INSURANCE_RECONCILE_AFTER_MS: AFTER_MS, INSURANCE_DOCUMENT_DELAY_MS: 0, POLICY_ACK_WAIT_MS: 2000 };

let nats: NatsServer;
let node: TestNode;
let replica: TestNode;
let u: Actors;
let productCode: string;
const clock = new ManualClock();

beforeAll(async () => {
  // a stream of its own: the moved clock must not make other files' payments overdue
  nats = await privateNats();
  [node, replica] = await Promise.all([
    startTestNode({
      services: "api,insurance.*",
      clock,
      config: { ...config, NATS_URL: nats.url },
      notWaitedFor: ["api routes"], // every insurance route is served here; the warm-up would wait 3 s for the other systems' routes
    }),
    startTestNode({ services: "insurance.payment", clock, config: { ...config, NATS_URL: nats.url } }),
  ]);
  // the gateway's node knows both payment replicas before a test ticks them
  await eventually(() => {
    const replicas = node.node.broker.registry
      .getServiceList({ onlyAvailable: true })
      .filter((svc) => svc.name === "insurance.payment");
    expect(replicas).toHaveLength(2);
  });
  u = await actors(node.url);
  productCode = (await newProduct(u.dave)).code;
  await customerOf(u.alice);
}, 60_000);

afterAll(async () => {
  await replica?.stop();
  await node?.stop();
  await nats?.stop();
});

/** Both payment replicas tick now, side by side, at the clock's current time (each after a tick it was running). */
const bothTicked = () =>
  Promise.all(
    [node, replica].map((n) => node.node.broker.call("insurance.payment.tick", {}, { nodeID: n.node.broker.nodeID })),
  );

async function storedEvents(): Promise<EventEnvelope[]> {
  const jsm = await node.node.runtime.nc.jetstreamManager();
  const last = (await jsm.streams.info("INSURANCE")).state.last_seq;
  const events: EventEnvelope[] = [];
  for (let seq = 1; seq <= last; seq++)
    events.push(...decodeCommit((await jsm.streams.getMessage("INSURANCE", { seq })).data));
  return events;
}

const cancelsOf = async (paymentId: string) =>
  (await storedEvents()).filter(
    (e) => e.type === "PaymentCanceled" && (e.data as { paymentId: string }).paymentId === paymentId,
  ).length;

/** A plan with its document issued, paid as the proposal service pays it, and no contract recorded. */
async function paidWithoutContract() {
  // documents come due by the moved clock: ahead of the real time their request is stamped with
  clock.set(Math.max(clock.now(), Date.now()) + 1000);
  const plan = await savePlan(u.alice, productCode);
  await issuedDocument(u.alice, plan.planNo);
  const proposalNo = proposalNoOf(plan.planNo);
  const paymentId = paymentIdOf(proposalNo);
  await node.node.broker.call("insurance.payment.pay", {
    paymentId,
    proposalNo,
    planNo: plan.planNo,
    customerId: plan.customerId,
    userId: u.ids.alice,
    amount: plan.premium,
    account: account(),
  });
  const payment = (await u.alice.get(`/insurance/payments/${paymentId}`)).body;
  expect(payment).toMatchObject({ status: "Approved", createdAt: new Date(clock.now()).toISOString() });
  return { planNo: plan.planNo as string, proposalNo, paymentId };
}

const propose = (planNo: string) => u.alice.post("/insurance/proposals", { planNo, account: account() });
const proposalsOf = async (planNo: string) =>
  (await list(u.alice, `/insurance/proposals?planNo=${planNo}`)).items.length;

describe("a payment whose proposal was never contracted", () => {
  it("is canceled once after the wait, and the customer is told; a proposal after that is refused", async () => {
    const { planNo, paymentId } = await paidWithoutContract();
    clock.advance(AFTER_MS - 1);
    await bothTicked();
    expect((await u.alice.get(`/insurance/payments/${paymentId}`)).body.status).toBe("Approved");
    expect(await cancelsOf(paymentId)).toBe(0);

    clock.advance(1);
    await eventually(async () => {
      const p: Json = (await u.alice.get(`/insurance/payments/${paymentId}`)).body;
      expect(p).toMatchObject({ status: "Canceled", reason: "ProposalNotContracted" });
    }, SETTLE);
    const msgs = await msgsOfPlan(u.alice, planNo, 3); // saved, document issued, payment canceled
    expect(msgs.find((m: Json) => m.kind === "PaymentCanceled")?.text).toContain("청약이 완료되지 않아 결제가 취소");
    const mypage = (await u.alice.get(`/insurance/mypages/${planNo}`)).body;
    expect(mypage).toMatchObject({ progressStatus: "PaymentCanceled", paymentStatus: "Canceled" });
    await bothTicked();
    expect(await cancelsOf(paymentId)).toBe(1);

    // the plan's proposal is refused now, charges nothing and stores nothing
    const late = await propose(planNo);
    expectError(late, 409, "Conflict");
    expect(late.body.message).toMatch(/canceled/);
    expect(await proposalsOf(planNo)).toBe(0);
    expect((await list(u.alice, `/insurance/payments?proposalNo=${proposalNoOf(planNo)}`)).items).toMatchObject([
      { id: paymentId, status: "Canceled" },
    ]);
  });

  it("a proposal within the store window contracts with the same payment, which is never canceled", async () => {
    const { planNo, paymentId } = await paidWithoutContract();
    clock.advance(STORE_WINDOW_MS - 1000);
    const res = await propose(planNo);
    expect(res.status, show(res)).toBe(201);
    expect(res.body).toMatchObject({ planNo, paymentId, status: "Contracted" });

    clock.advance(3 * AFTER_MS);
    await bothTicked();
    expect((await u.alice.get(`/insurance/payments/${paymentId}`)).body.status).toBe("Approved");
    expect(await cancelsOf(paymentId)).toBe(0);
    expect((await list(u.alice, `/insurance/payments?proposalNo=${res.body.proposalNo}`)).items.length).toBe(1);
  });

  it("a proposal after the store window is refused and stores nothing; the payment is canceled at the wait's end", async () => {
    const { planNo, paymentId } = await paidWithoutContract();
    clock.advance(STORE_WINDOW_MS);
    const late = await propose(planNo);
    expectError(late, 409, "Conflict");
    expect(late.body.message).toMatch(/not completed in time/);
    expect(await proposalsOf(planNo)).toBe(0);

    clock.advance(AFTER_MS - STORE_WINDOW_MS);
    await eventually(async () => {
      const p: Json = (await u.alice.get(`/insurance/payments/${paymentId}`)).body;
      expect(p).toMatchObject({ status: "Canceled", reason: "ProposalNotContracted" });
    }, SETTLE);
    await bothTicked();
    expect(await cancelsOf(paymentId)).toBe(1);
    expect(await proposalsOf(planNo)).toBe(0);
  });
});
