// A proposal is paid first, then contracted. Here the proposal node really
// dies in between: started with a crash point on its payment call, it is
// SIGKILLed the moment the payment has answered. Then:
//   - the client's retry with the same Idempotency-Key within the store window
//     contracts the same proposal with the same payment, charged once, never
//     canceled;
//   - without a retry, the payment is canceled once INSURANCE_RECONCILE_AFTER_MS
//     has passed (two payment replicas reconciling), the customer is told, and
//     a retry after that is refused: no contract without its payment, no
//     payment without its contract.
import { streamName, subjectOf } from "@seed/platform";
import { eventually, retriedWhileUnavailable, type SpawnedNode } from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import { proposalNoOf } from "../../src/ids.js";
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
  savePlan,
  show,
} from "../integration/helpers.js";

// Far wider than spawning a node on a loaded machine takes: the test moves the
// shared clock past it instead of waiting it out.
const RECONCILE_AFTER_MS = 10 * 60_000;

// two payment replicas reconcile at the same time; the proposal lives only in a child
const cluster = faultCluster({
  env: { INSURANCE_RECONCILE_AFTER_MS: RECONCILE_AFTER_MS, INSURANCE_DOCUMENT_DELAY_MS: 300 },
  main: {
    services: "api,insurance.product,insurance.customer,insurance.plan,insurance.payment,insurance.alarm",
  },
  spawned: ["insurance.payment"],
});
let u: Actors;
let productCode: string;
beforeAll(async () => {
  u = await actors(cluster.main.url);
  productCode = (await newProduct(u.dave)).code;
  await customerOf(u.alice);
});

/** A proposal node; `dieAfterPay` arms a crash point right after its payment call answers. */
const proposalNode = (dieAfterPay: boolean): Promise<SpawnedNode> =>
  cluster.spawn("insurance.proposal", {
    nodeId: "insurance-proposal", // a restarted pod: the gateway forgets the dead one at once
    ...(dieAfterPay ? { faults: { killAfterCall: "insurance.payment.pay" } } : {}),
  });

/** Both payment replicas reconcile now, on the moved clock. */
const pastTheWait = () => cluster.advance(RECONCILE_AFTER_MS + 1000, ["insurance.payment"]);

/** A plan of alice's with its document issued, ready to be proposed. */
async function readyPlan(): Promise<string> {
  const plan = await savePlan(u.alice, productCode);
  await issuedDocument(u.alice, plan.planNo);
  return plan.planNo;
}

const propose = (planNo: string, key: string) =>
  u.alice.post("/insurance/proposals", { planNo, account: account() }, { headers: { "Idempotency-Key": key } });

/** The payments of a plan's proposal, as the customer sees them. */
const paymentsOf = async (planNo: string): Promise<Json[]> =>
  (await list(u.alice, `/insurance/payments?proposalNo=${proposalNoOf(planNo)}`)).items;

/** Is the plan's proposal in the stream? Asked of the stream itself: the proposal service may be dead. */
const contractStored = async (planNo: string) =>
  (await cluster.main.node.runtime.events.lastSeqOf(
    streamName("insurance"),
    subjectOf("insurance", "proposal", proposalNoOf(planNo)),
  )) > 0;

/** Proposes on an armed node: the node dies after paying, the client gets a 503. */
async function crashAfterPay(planNo: string, key: string): Promise<Json> {
  const node = await proposalNode(true);
  const res = await propose(planNo, key);
  expectError(res, 503, "ServiceUnavailable");
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await node.kill("SIGKILL")).signal, "the proposal node was killed after the payment").toBe("SIGKILL");
  const [payment] = await eventually(async () => {
    const found = await paymentsOf(planNo);
    expect(found).toHaveLength(1);
    return found;
  });
  expect(payment).toMatchObject({ status: "Approved" });
  expect(await contractStored(planNo)).toBe(false);
  return payment;
}

describe("the proposal node dies between the payment and the contract", () => {
  it("a keyed retry within the window contracts with the same payment; without a retry the payment is canceled once", async () => {
    const [abandoned, retried] = [await readyPlan(), await readyPlan()];
    const abandonedPayment = await crashAfterPay(abandoned, "abandoned-1");
    const retriedPayment = await crashAfterPay(retried, "retried-1");

    // the proposal node is back; the client retries with its key: the same proposal, charged once
    await proposalNode(false);
    const retry = await retriedWhileUnavailable(() => propose(retried, "retried-1"));
    expect(retry.status, show(retry)).toBe(201);
    expect(retry.body).toMatchObject({ planNo: retried, paymentId: retriedPayment.id, status: "Contracted" });
    expect(await paymentsOf(retried)).toMatchObject([{ id: retriedPayment.id, status: "Approved" }]);

    // within the wait, both replicas' ticks cancel nothing
    await cluster.tick("insurance.payment");
    expect(await paymentsOf(abandoned)).toMatchObject([{ id: abandonedPayment.id, status: "Approved" }]);

    // the abandoned payment is canceled once its wait is over, and the customer is told
    await pastTheWait();
    await eventually(async () =>
      expect((await paymentsOf(abandoned))[0]).toMatchObject({
        status: "Canceled",
        reason: "ProposalNotContracted",
      }),
    );
    const msgs = await msgsOfPlan(u.alice, abandoned, 3); // saved, document issued, payment canceled
    expect(msgs.map((m: Json) => m.kind).sort()).toEqual(["DocumentIssued", "PaymentCanceled", "PlanSaved"]);
    // a retry after that is refused and stores nothing (a 503 on the loaded machine changed nothing: retried)
    const late = await retriedWhileUnavailable(() => propose(abandoned, "abandoned-1"));
    expectError(late, 409, "Conflict");
    expect(await contractStored(abandoned)).toBe(false);
    expect((await list(u.alice, `/insurance/proposals?planNo=${abandoned}`)).items.length).toBe(0);

    // the retried payment's wait is over too, ticked again on both replicas: it stands
    expect(cluster.clock.now()).toBeGreaterThan(Date.parse(retriedPayment.createdAt) + RECONCILE_AFTER_MS);
    await pastTheWait();
    expect(await paymentsOf(retried)).toMatchObject([{ id: retriedPayment.id, status: "Approved" }]);
    // and still exactly one cancellation of the abandoned one, after more ticks on both replicas
    expect(await paymentsOf(abandoned)).toMatchObject([{ id: abandonedPayment.id, status: "Canceled" }]);
    expect((await msgsOfPlan(u.alice, abandoned, 3)).filter((m: Json) => m.kind === "PaymentCanceled")).toHaveLength(1);
    const retriedMsgs = await msgsOfPlan(u.alice, retried, 3);
    expect(retriedMsgs.map((m: Json) => m.kind).sort()).toEqual(["DocumentIssued", "PlanSaved", "ProposalContracted"]);
  }, 90_000);
});
