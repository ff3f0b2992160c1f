// Product, Customer, Plan and ProductDocument: every decision, refusal and idempotent repeat.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type CustomerCommand, customerDecider, customerView } from "../../src/customer.js";
import { documentIdOf } from "../../src/ids.js";
import { type PlanCommand, type PlanState, planDecider, planView } from "../../src/plan.js";
import { type ProductCommand, type ProductState, productDecider, productView } from "../../src/product.js";
import { type DocumentRequested, documentText, productDocumentDecider } from "../../src/product-document.js";
import { InsuranceEventSchemas } from "../../src/schemas.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const fields = {
  name: "EZ 암보험",
  minAge: 20,
  maxAge: 60,
  minEntryAmount: 10_000_000,
  maxEntryAmount: 100_000_000,
  ratePerMille: 0.3,
  insurancePeriods: [10, 20],
  paymentPeriods: [5, 10, 20],
};

describe("Product", () => {
  const { ctx, run } = aggregateHarness(productDecider, InsuranceEventSchemas);
  const register: ProductCommand = { type: "Register", registrationId: id(1), code: "CANCER-01", fields };
  const registered = () => run(undefined, register).state as ProductState;

  it("registers under its code", () => {
    const { events, state } = run(undefined, register);
    expect(events).toEqual([
      { type: "ProductRegistered", data: { code: "CANCER-01", registrationId: id(1), ...fields } },
    ]);
    expect(productView(state as ProductState)).toMatchObject({ code: "CANCER-01", ...fields });
    expect(productView(state as ProductState)).not.toHaveProperty("registrationId");
  });

  it("the same registration again changes nothing; another one with the code is 409 ProductCodeTaken", () => {
    expect(productDecider.decide(registered(), register, ctx)).toEqual([]);
    const r = refusalOf(() => productDecider.decide(registered(), { ...register, registrationId: id(2) }, ctx));
    expect([r.status, r.rule]).toEqual([409, "ProductCodeTaken"]);
  });

  it("a change records only what differs, and keeps the code", () => {
    const { events, state } = run(registered(), { type: "Change", changes: { ratePerMille: 0.35, name: fields.name } });
    expect(events).toEqual([{ type: "ProductChanged", data: { code: "CANCER-01", ratePerMille: 0.35 } }]);
    expect(state).toMatchObject({ code: "CANCER-01", ratePerMille: 0.35, maxAge: 60 });
    expect(productDecider.decide(registered(), { type: "Change", changes: { maxAge: 60 } }, ctx)).toEqual([]);
  });

  it("a change that leaves the terms inconsistent is refused; an unknown product is 404", () => {
    const r = refusalOf(() => productDecider.decide(registered(), { type: "Change", changes: { minAge: 61 } }, ctx));
    expect([r.status, r.rule]).toEqual([409, "InconsistentTerms"]);
    expect(
      refusalOf(() => productDecider.decide(undefined, { type: "Change", changes: { maxAge: 1 } }, ctx)).status,
    ).toBe(404);
  });
});

describe("Customer", () => {
  const { ctx, run } = aggregateHarness(customerDecider, InsuranceEventSchemas);
  const register: CustomerCommand = {
    type: "Register",
    customerId: id(10),
    registrationId: id(11),
    userId: "user-1",
    name: "홍길동",
    birthDate: "1990-05-17",
    phone: "010-1234-5678",
  };

  it("registers once per user; a retry of the same request is harmless; another is 409 CustomerExists", () => {
    const { state } = run(undefined, register);
    expect(customerView(state as never)).toMatchObject({ id: id(10), userId: "user-1", name: "홍길동" });
    expect(customerDecider.decide(state, register, ctx)).toEqual([]);
    const r = refusalOf(() => customerDecider.decide(state, { ...register, registrationId: id(12) }, ctx));
    expect([r.status, r.rule]).toEqual([409, "CustomerExists"]);
  });
});

const quoted = {
  customerId: id(10),
  userId: "user-1",
  customerName: "홍길동",
  productCode: "CANCER-01",
  productName: "EZ 암보험",
  entryAmount: 10_000_000,
  insurancePeriod: 20,
  paymentPeriod: 10,
  paymentCycle: "monthly" as const,
  age: 35,
  monthlyPremium: 3300,
  premium: 3300,
  terms: { minAge: 20, maxAge: 60, minEntryAmount: 10_000_000, maxEntryAmount: 100_000_000, ratePerMille: 0.3 },
};
const PLAN = id(20);

describe("Plan", () => {
  const { ctx, run } = aggregateHarness(planDecider, InsuranceEventSchemas);
  const save: PlanCommand = { type: "Save", planNo: PLAN, ...quoted };
  const saved = () => run(undefined, save).state as PlanState;
  const requested = () => run(saved(), { type: "RequestDocument" }).state as PlanState;

  it("saves the quote; saving the same plan again changes nothing", () => {
    const { events, state } = run(undefined, save);
    expect(events).toEqual([{ type: "PlanSaved", data: { planNo: PLAN, ...quoted } }]);
    expect(planView(state as PlanState)).toMatchObject({
      id: PLAN,
      planNo: PLAN,
      status: "PlanSaved",
      premium: 3300,
      periods: { insurancePeriod: 20, paymentPeriod: 10 },
    });
    expect(planDecider.decide(saved(), save, ctx)).toEqual([]);
  });

  it("a re-quote saves the plan again with the new premium, keeping its creation time", () => {
    const before = saved();
    const { events, state } = run(before, {
      type: "Requote",
      planNo: PLAN,
      ...quoted,
      premium: 39_600,
      paymentCycle: "yearly",
    });
    expect(events.map((e) => e.type)).toEqual(["PlanSaved"]);
    expect(state).toMatchObject({
      premium: 39_600,
      paymentCycle: "yearly",
      status: "PlanSaved",
      createdAt: before.createdAt,
    });
  });

  it("a document request moves it on once, with the document's id derived from the plan", () => {
    const { events, state } = run(saved(), { type: "RequestDocument" });
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ planNo: PLAN, documentId: documentIdOf(PLAN), premium: 3300 });
    expect(state?.status).toBe("DocumentRequested");
    expect(planDecider.decide(requested(), { type: "RequestDocument" }, ctx)).toEqual([]);
    expect(planView(requested(), true).status).toBe("DocumentIssued");
  });

  it("no re-quote once the document was requested; unknown plans are 404", () => {
    const r = refusalOf(() => planDecider.decide(requested(), { type: "Requote", planNo: PLAN, ...quoted }, ctx));
    expect([r.status, r.rule]).toEqual([409, "DocumentRequested"]);
    expect(refusalOf(() => planDecider.decide(undefined, { type: "RequestDocument" }, ctx)).status).toBe(404);
    expect(
      refusalOf(() => planDecider.decide(undefined, { type: "Requote", planNo: PLAN, ...quoted }, ctx)).status,
    ).toBe(404);
  });
});

describe("ProductDocument", () => {
  const { ctx, run } = aggregateHarness(productDocumentDecider, InsuranceEventSchemas);
  const request: DocumentRequested = { planNo: PLAN, documentId: documentIdOf(PLAN), ...quoted };

  it("is issued once, stating product, periods, premium and underwriting terms", () => {
    const { events, state } = run(undefined, { type: "Issue", request });
    expect(events.map((e) => e.type)).toEqual(["DocumentIssued"]);
    expect(state).toMatchObject({ id: documentIdOf(PLAN), planNo: PLAN, productCode: "CANCER-01" });
    const text = documentText(request);
    for (const part of [
      "EZ 암보험",
      "CANCER-01",
      "보험기간: 20년",
      "납입기간: 10년",
      "3,300원",
      "20~60세",
      "10,000,000원~100,000,000원",
      "0.3‰",
    ])
      expect(text).toContain(part);
    expect(productDocumentDecider.decide(state, { type: "Issue", request }, ctx)).toEqual([]);
  });
});
