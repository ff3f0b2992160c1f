// Shared helpers of the insurance black-box tests: the demo users as HTTP
// clients, the steps of the flow as one call each, and the checks every error
// answer must pass. Everything goes over HTTP through the gateway.
import { type ApiClient, eventually, startTestNode, type TestNode } from "@seed/platform/testing";
import { type Actors, actors, errorAssertions, list, show } from "@seed/platform/testing/actors";
import { expect } from "vitest";
import { ageOn, monthlyPremium, todayIn } from "../../src/underwriting.js";

export { ISO_UTC, ULID, unknownId } from "@seed/platform/testing/actors";
export { type Actors, actors, list, show };

export const SETTLE = { timeout: 15_000 };
export const PREFIX = "[EZ보험] ";
/** Every test file registers its customers with this birth date (a user has one record per run). */
export const BIRTH_DATE = "1985-03-15";

// biome-ignore lint/suspicious/noExplicitAny: resources are checked field by field
export type Json = any;

/** A node with the insurance services and the gateway; documents issue after 300 ms. */
export function startInsuranceNode(config: Record<string, string | number> = {}): Promise<TestNode> {
  return startTestNode({
    services: "api,insurance.*",
    config: { POLICY_ACK_WAIT_MS: 2000, INSURANCE_DOCUMENT_DELAY_MS: 300, ...config },
    notWaitedFor: ["api routes"], // every route of the system is served here; the gateway's warm-up would wait 3 s for the other systems' routes
  });
}

let seq = 0;
export const uniqueCode = (prefix = "P") =>
  `${prefix}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

export const productFields = {
  name: "EZ 암보험",
  minAge: 20,
  maxAge: 60,
  minEntryAmount: 10_000_000,
  maxEntryAmount: 100_000_000,
  ratePerMille: 0.25,
  insurancePeriods: [10, 20],
  paymentPeriods: [5, 10, 20],
};

export async function newProduct(manager: ApiClient, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await manager.post("/insurance/products", { code: uniqueCode(), ...productFields, ...extra });
  expect(res.status, show(res)).toBe(201);
  return res.body;
}

/** The caller's customer record, registered if it is not yet (other test files may have done it). */
export async function customerOf(client: ApiClient, name = "홍길동"): Promise<Json> {
  const res = await client.post("/insurance/customers", { name, birthDate: BIRTH_DATE, phone: "010-1234-5678" });
  expect([201, 409], show(res)).toContain(res.status);
  const me = await client.get("/insurance/customers/me");
  expect(me.status, show(me)).toBe(200);
  return me.body;
}

export const planInput = (productCode: string, extra: Record<string, unknown> = {}) => ({
  productCode,
  entryAmount: 10_000_000,
  insurancePeriod: 20,
  paymentPeriod: 10,
  paymentCycle: "monthly",
  ...extra,
});

export async function savePlan(client: ApiClient, productCode: string, extra: Record<string, unknown> = {}) {
  const res = await client.post("/insurance/plans", planInput(productCode, extra));
  expect(res.status, show(res)).toBe(201);
  return res.body as Json;
}

/** The customer's age today (Seoul), as the server counts it. */
export const todaysAge = () => ageOn(BIRTH_DATE, todayIn(Date.now()));
export const expectedMonthly = (entryAmount: number, rate: number) => monthlyPremium(entryAmount, rate, todaysAge());

/** Asks for the plan's document and waits until it is issued; returns the document. */
export async function issuedDocument(client: ApiClient, planNo: string): Promise<Json> {
  const res = await client.post(`/insurance/plans/${planNo}/document`);
  expect(res.status, show(res)).toBe(202);
  return eventually(async () => {
    const plan = await client.get(`/insurance/plans/${planNo}`);
    expect(plan.body.status, show(plan)).toBe("DocumentIssued");
    const doc = await client.get(`/insurance/productDocuments/${plan.body.documentId}`);
    expect(doc.status, show(doc)).toBe(200);
    return doc.body;
  }, SETTLE);
}

export const account = (accountNo = "123-45-678901") => ({ bankCode: "004", accountNo, holderName: "홍길동" });

export const { expectError, expectValidation } = errorAssertions((res) => {
  const text = JSON.stringify(res.body);
  expect(text).not.toMatch(/insurance\.[a-z]+\.|INSURANCE\b|"stack"|\.ts:\d+/);
});

/** The messages of one plan, once there are `count` of them. */
export const msgsOfPlan = (client: ApiClient, planNo: string, count: number): Promise<Json[]> =>
  eventually(async () => {
    const page = await list(client, `/insurance/msgs?planNo=${planNo}&limit=500`);
    expect(page.items.length).toBe(count);
    return page.items;
  }, SETTLE);

export type { TestNode };
