// Exactly-once effects under redelivery: the node running payment and alarm
// is killed (SIGKILL) while it holds events of a burst of withdrawals it has
// not acknowledged; they come back to its successor (counted on the durable
// consumer). Every event still gets one message, every withdrawal one payment
// cancel.
import {
  eventually,
  freezeHoldingUnacked,
  handledUpTo,
  redeliveriesOf,
  type SpawnedNode,
} from "@seed/platform/testing";
import { faultCluster } from "@seed/platform/testing/faults";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  account,
  actors,
  customerOf,
  issuedDocument,
  type Json,
  list,
  msgsOfPlan,
  newProduct,
  savePlan,
  show,
} from "../integration/helpers.js";

const cluster = faultCluster({
  env: { INSURANCE_DOCUMENT_DELAY_MS: 100 },
  main: {
    services: "api,insurance.product,insurance.customer,insurance.plan,insurance.proposal,insurance.mypage",
  },
  spawned: [{ services: "insurance.payment,insurance.alarm", waitFor: ["insurance.payment"] }],
});
let u: Actors;
beforeAll(async () => {
  u = await actors(cluster.main.url);
});

describe("redelivery", () => {
  it("a worker killed mid-burst: one message per event, one cancel per withdrawal", async () => {
    const product = await newProduct(u.dave);
    await customerOf(u.alice);
    const { nc } = cluster.main.node.runtime;
    const payment = { nc, system: "insurance", durable: "insurance-payment" };
    const alarm = { nc, system: "insurance", durable: "insurance-alarm" };
    const worker = cluster.children[0] as SpawnedNode;
    const proposals: Json[] = [];
    let batch: Json[] = [];
    // Each round a larger burst, until the worker is stopped holding events it has not acknowledged.
    const held = await freezeHoldingUnacked(payment, worker.process, {
      prepare: async (round) => {
        const plans: Json[] = await Promise.all(
          Array.from({ length: 6 * round }, () => savePlan(u.alice, product.code)),
        );
        await Promise.all(plans.map((p) => issuedDocument(u.alice, p.id)));
        batch = [];
        for (const p of plans) {
          const res = await u.alice.post("/insurance/proposals", { planNo: p.id, account: account() });
          expect(res.status, show(res)).toBe(201);
          batch.push(res.body);
        }
        proposals.push(...batch);
        await handledUpTo(payment);
      },
      burst: () => Promise.all(batch.map((p) => u.alice.post(`/insurance/proposals/${p.id}/withdraw`))),
    });
    expect(held).toBeGreaterThan(0);
    await worker.kill("SIGKILL");
    await cluster.spawn("insurance.payment,insurance.alarm", { env: { NODE_ID: worker.env.NODE_ID ?? "" } });

    for (const p of proposals) {
      await eventually(
        async () => {
          const pays = await list(u.dave, `/insurance/payments?proposalNo=${p.id}`);
          expect(pays.items.length).toBe(1);
          expect(pays.items[0].status).toBe("Canceled");
        },
        { timeout: 20_000 },
      );
      const msgs = await msgsOfPlan(u.alice, p.planNo, 5);
      expect(msgs.map((m: Json) => m.kind).sort()).toEqual(
        ["DocumentIssued", "PaymentCanceled", "PlanSaved", "ProposalContracted", "ProposalWithdrawn"].sort(),
      );
    }
    // Everything is handled: nothing more comes of it, and what the killed worker held came again.
    await handledUpTo(payment);
    await handledUpTo(alarm);
    for (const p of proposals) expect((await list(u.dave, `/insurance/msgs?planNo=${p.planNo}`)).items.length).toBe(5);
    expect(await redeliveriesOf(payment)).toBeGreaterThan(0);
  }, 60_000);
});
