// The whole flow over HTTP through the gateway (packages/insurance/README.md): product →
// customer → plan → re-quote → document → proposal → withdraw → payment
// canceled → messages → mypages.
import { eventually } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  account,
  actors,
  customerOf,
  expectError,
  expectedMonthly,
  issuedDocument,
  type Json,
  list,
  msgsOfPlan,
  newProduct,
  PREFIX,
  planInput,
  productFields,
  SETTLE,
  savePlan,
  show,
  startInsuranceNode,
  type TestNode,
  todaysAge,
  ULID,
} from "./helpers.js";

let node: TestNode;
let u: Actors;

beforeAll(async () => {
  node = await startInsuranceNode();
  u = await actors(node.url);
}, 60_000);
afterAll(async () => {
  await node?.stop();
});

describe("insurance flow", () => {
  it("product → customer → plan → re-quote → document → proposal → withdraw → payment canceled → msgs → mypages", async () => {
    // a manager registers a product under its code
    const code = `CANCER-${Date.now().toString(36)}`.toUpperCase();
    const created = await u.dave.post("/insurance/products", { code, ...productFields });
    expect(created.status, show(created)).toBe(201);
    expect(created.headers.get("location")).toBe(`/insurance/products/${code}`);
    expect(created.body).toMatchObject({ code, ...productFields });
    expect((await u.alice.get(`/insurance/products/${code}`)).body).toMatchObject({ code, name: productFields.name });
    expect((await list(u.alice, "/insurance/products?limit=500")).items.map((p: Json) => p.code)).toContain(code);

    // the customer registers once
    const customer = await customerOf(u.alice);
    expect(customer).toMatchObject({ id: expect.stringMatching(ULID), userId: u.ids.alice, birthDate: "1985-03-15" });
    expectError(
      await u.alice.post("/insurance/customers", { name: "again", birthDate: "1985-03-15", phone: "010-0000-0000" }),
      409,
      "Conflict",
    );

    // a plan is quoted and saved
    const res = await u.alice.post("/insurance/plans", planInput(code));
    expect(res.status, show(res)).toBe(201);
    const plan = res.body;
    expect(res.headers.get("location")).toBe(`/insurance/plans/${plan.id}`);
    const monthly = expectedMonthly(10_000_000, 0.25);
    expect(plan).toMatchObject({
      id: expect.stringMatching(ULID),
      customerId: customer.id,
      productCode: code,
      productName: productFields.name,
      entryAmount: 10_000_000,
      insurancePeriod: 20,
      paymentPeriod: 10,
      periods: { insurancePeriod: 20, paymentPeriod: 10 },
      paymentCycle: "monthly",
      age: todaysAge(),
      monthlyPremium: monthly,
      premium: monthly,
      status: "PlanSaved",
    });

    // the manager changes the product: the saved plan keeps its premium
    const changed = await u.dave.patch(`/insurance/products/${code}`, { ratePerMille: 0.5 });
    expect(changed.status, show(changed)).toBe(200);
    expect(changed.body).toMatchObject({ code, ratePerMille: 0.5, maxAge: 60 });
    expect((await u.alice.get(`/insurance/plans/${plan.id}`)).body.premium).toBe(monthly);

    // re-quoted (yearly, with the product's new rate), it is saved again
    const requoted = await u.alice.patch(`/insurance/plans/${plan.id}`, { paymentCycle: "yearly" });
    expect(requoted.status, show(requoted)).toBe(200);
    const newMonthly = expectedMonthly(10_000_000, 0.5);
    expect(requoted.body).toMatchObject({
      id: plan.id,
      paymentCycle: "yearly",
      monthlyPremium: newMonthly,
      premium: newMonthly * 12,
    });

    // the document is asked for (202 at once) and issued a moment later
    const asked = await u.alice.post(`/insurance/plans/${plan.id}/document`);
    expect(asked.status, show(asked)).toBe(202);
    expect(asked.body.status).toBe("DocumentRequested");
    const doc = await issuedDocument(u.alice, plan.id);
    expect(doc).toMatchObject({ id: expect.stringMatching(ULID), planNo: plan.id, productCode: code });
    for (const part of [productFields.name, "20년", "10년", (newMonthly * 12).toLocaleString("en-US"), "20~60세"])
      expect(doc.text).toContain(part);
    expect((await u.dave.get(`/insurance/productDocuments/${doc.id}`)).status).toBe(200);
    // no re-quote of a plan whose document was requested
    expectError(await u.alice.patch(`/insurance/plans/${plan.id}`, { entryAmount: 20_000_000 }), 409, "Conflict");

    // the proposal pays the premium and is contracted
    const proposed = await u.alice.post("/insurance/proposals", { planNo: plan.id, account: account() });
    expect(proposed.status, show(proposed)).toBe(201);
    const proposal = proposed.body;
    expect(proposal).toMatchObject({
      id: expect.stringMatching(ULID),
      planNo: plan.id,
      status: "Contracted",
      paymentId: expect.stringMatching(ULID),
    });
    expect(proposed.headers.get("location")).toBe(`/insurance/proposals/${proposal.id}`);
    const payments = await list(u.alice, `/insurance/payments?proposalNo=${proposal.id}`);
    expect(payments.items.length).toBe(1);
    expect(payments.items[0]).toMatchObject({
      id: proposal.paymentId,
      amount: newMonthly * 12,
      status: "Approved",
      accountNo: "*******8901",
    });
    // a second proposal of the plan is refused and charges nothing
    expectError(await u.alice.post("/insurance/proposals", { planNo: plan.id, account: account() }), 409, "Conflict");
    expect((await list(u.dave, `/insurance/payments?proposalNo=${proposal.id}`)).items.length).toBe(1);

    // withdrawn: the payment is canceled asynchronously
    const withdrawn = await u.alice.post(`/insurance/proposals/${proposal.id}/withdraw`);
    expect(withdrawn.status, show(withdrawn)).toBe(200);
    expect(withdrawn.body).toMatchObject({ id: proposal.id, status: "Withdrawn" });
    await eventually(async () => {
      const p = await list(u.alice, `/insurance/payments?proposalNo=${proposal.id}`);
      expect(p.items[0]?.status).toBe("Canceled");
    }, SETTLE);
    // withdrawing again changes nothing
    expect((await u.alice.post(`/insurance/proposals/${proposal.id}/withdraw`)).status).toBe(200);

    // one message per event, each starting with the prefix
    const msgs = await msgsOfPlan(u.alice, plan.id, 6);
    expect(msgs.map((m: Json) => m.kind).sort()).toEqual(
      ["DocumentIssued", "PaymentCanceled", "PlanSaved", "PlanSaved", "ProposalContracted", "ProposalWithdrawn"].sort(),
    );
    for (const m of msgs) {
      expect(m.text.startsWith(PREFIX), m.text).toBe(true);
      expect(m).toMatchObject({ customerId: customer.id, planNo: plan.id, id: expect.stringMatching(ULID) });
    }
    expect((await list(u.dave, `/insurance/msgs?customerId=${customer.id}&planNo=${plan.id}`)).items.length).toBe(6);

    // the mypages view has followed it to the end
    const row = await eventually(async () => {
      const r = await u.alice.get(`/insurance/mypages/${plan.id}`);
      expect(r.body.progressStatus, show(r)).toBe("PaymentCanceled");
      return r.body;
    }, SETTLE);
    expect(row).toMatchObject({
      planNo: plan.id,
      customerId: customer.id,
      customerName: customer.name,
      productCode: code,
      productName: productFields.name,
      premium: newMonthly * 12,
      statusLabel: "결제취소",
      documentId: doc.id,
      proposalNo: proposal.id,
      paymentStatus: "Canceled",
    });
    expect(row).not.toHaveProperty("userId");
    // every step once (the re-quote adds none), with its time, in the order it happened
    expect(row.history.map((h: { status: string }) => h.status)).toEqual([
      "PlanSaved",
      "DocumentRequested",
      "DocumentIssued",
      "ProposalContracted",
      "ProposalWithdrawn",
      "PaymentCanceled",
    ]);
    expect(row.history[0].at).toBe(row.createdAt);
    expect(row.history[2].at).toBe(row.documentIssuedAt);
    expect(row.history.map((h: { at: string }) => h.at)).toEqual(row.history.map((h: { at: string }) => h.at).sort());
    expect((await u.alice.get(`/insurance/mypages/${plan.id}?lang=en`)).body.statusLabel).toBe("Payment canceled");
    expect((await list(u.dave, `/insurance/mypages?productCode=${code}`)).items.length).toBe(1);
    expect(
      (await list(u.alice, `/insurance/mypages?progressStatus=PaymentCanceled&productCode=${code}`)).items.length,
    ).toBe(1);
  });

  it("402 PaymentDeclined for an account ending in 0000: nothing stored; another account then pays", async () => {
    const product = await newProduct(u.dave);
    await customerOf(u.erin, "김영희");
    const plan = await savePlan(u.erin, product.code);
    // no proposal before the document is issued
    expectError(await u.erin.post("/insurance/proposals", { planNo: plan.id, account: account() }), 409, "Conflict");
    await issuedDocument(u.erin, plan.id);
    const declined = await u.erin.post("/insurance/proposals", { planNo: plan.id, account: account("111-22-330000") });
    expectError(declined, 402, "PaymentDeclined", "InsufficientFunds");
    expect((await list(u.erin, `/insurance/proposals?planNo=${plan.id}`)).items.length).toBe(0);
    const ok = await u.erin.post("/insurance/proposals", { planNo: plan.id, account: account() });
    expect(ok.status, show(ok)).toBe(201);
    expect((await list(u.erin, `/insurance/proposals?planNo=${plan.id}`)).items.length).toBe(1);
  });

  it("a retried proposal with the same Idempotency-Key answers the same contract and charges once", async () => {
    const product = await newProduct(u.dave);
    await customerOf(u.erin, "김영희");
    const plan = await savePlan(u.erin, product.code);
    await issuedDocument(u.erin, plan.id);
    const body = { planNo: plan.id, account: account() };
    const headers = { "idempotency-key": `propose-${plan.id}` };
    // One may find the other still in progress (409): a client retries until it is done.
    const untilDone = () =>
      eventually(
        async () => {
          const r = await u.erin.post("/insurance/proposals", body, { headers });
          expect(r.status, show(r)).not.toBe(409);
          return r;
        },
        { timeout: 10_000, interval: 50 },
      );
    const [a, b] = await Promise.all([untilDone(), untilDone()]);
    expect([a.status, b.status], `${show(a)} / ${show(b)}`).toEqual([201, 201]);
    expect(b.body.id).toBe(a.body.id);
    expect((await list(u.erin, `/insurance/payments?proposalNo=${a.body.id}`)).items.length).toBe(1);
  });

  it("underwriting: each rule answers 409 naming it, and nothing is saved", async () => {
    const product = await newProduct(u.dave, { maxAge: 30 });
    await customerOf(u.alice);
    const before = (await list(u.alice, `/insurance/plans?productCode=${product.code}`)).items.length;
    const cases: Array<[Record<string, unknown>, string]> = [[{}, "AgeRange"]];
    const young = await newProduct(u.dave);
    cases.push(
      [{ productCode: young.code, entryAmount: 9_999_999 }, "EntryAmountRange"],
      [{ productCode: young.code, entryAmount: 100_000_001 }, "EntryAmountRange"],
      [{ productCode: young.code, insurancePeriod: 15 }, "InsurancePeriod"],
      [{ productCode: young.code, paymentPeriod: 7 }, "PaymentPeriod"],
      [{ productCode: young.code, insurancePeriod: 10, paymentPeriod: 20 }, "PaymentPeriodWithinInsurancePeriod"],
    );
    for (const [extra, rule] of cases) {
      const res = await u.alice.post("/insurance/plans", planInput(product.code, extra));
      expectError(res, 409, "Conflict", "UnderwritingRejected");
      expect(res.body.message).toMatch(new RegExp(`^UnderwritingRejected: ${rule}:`));
    }
    expect((await list(u.alice, `/insurance/plans?productCode=${product.code}`)).items.length).toBe(before);
    expect((await list(u.alice, `/insurance/plans?productCode=${young.code}`)).items.length).toBe(0);
  });
});
