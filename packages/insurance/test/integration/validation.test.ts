// Bad input and wrong identity on every route: 422 / 401 / 403 (and 404 for
// unknown ids), each with the error shape of api.md, and nothing stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Actors,
  account,
  actors,
  customerOf,
  expectError,
  expectValidation,
  issuedDocument,
  type Json,
  list,
  newProduct,
  planInput,
  productFields,
  savePlan,
  startInsuranceNode,
  type TestNode,
  uniqueCode,
  unknownId,
} from "./helpers.js";

let node: TestNode;
let u: Actors;
let product: Json;
let plan: Json;
let proposal: Json;

beforeAll(async () => {
  node = await startInsuranceNode();
  u = await actors(node.url);
  product = await newProduct(u.dave);
  await customerOf(u.alice);
  plan = await savePlan(u.alice, product.code);
  const other = await savePlan(u.alice, product.code);
  await issuedDocument(u.alice, other.id);
  const res = await u.alice.post("/insurance/proposals", { planNo: other.id, account: account() });
  expect(res.status).toBe(201);
  proposal = res.body;
}, 60_000);
afterAll(async () => {
  await node?.stop();
});

describe("products", () => {
  it("422 for each bad field, a code that could not be a URL segment or subject token, and inconsistent terms", async () => {
    const bad: Array<[Record<string, unknown>, string[]]> = [
      [{ code: "A.B" }, ["/code"]],
      [{ code: "A*" }, ["/code"]],
      [{ code: "a b" }, ["/code"]],
      [{ code: "" }, ["/code"]],
      [{ code: "x".repeat(41) }, ["/code"]],
      [{ minAge: -1 }, ["/minAge"]],
      [{ maxEntryAmount: 1.5 }, ["/maxEntryAmount"]],
      [{ ratePerMille: 0 }, ["/ratePerMille"]],
      [{ ratePerMille: 0.00001 }, ["/ratePerMille"]],
      [{ insurancePeriods: [] }, ["/insurancePeriods"]],
      [{ paymentPeriods: [5, 5] }, ["/paymentPeriods"]],
      [{ minAge: 61 }, ["/minAge"]],
      [{ minEntryAmount: 200_000_000 }, ["/minEntryAmount"]],
      [{ extra: 1 }, ["/extra"]],
    ];
    for (const [patch, paths] of bad) {
      const code = typeof patch.code === "string" ? patch.code : uniqueCode();
      expectValidation(await u.dave.post("/insurance/products", { ...productFields, code, ...patch }), paths);
    }
    expectValidation(await u.dave.post("/insurance/products", { code: uniqueCode() }), [
      "/name",
      "/minAge",
      "/maxAge",
      "/minEntryAmount",
      "/maxEntryAmount",
      "/ratePerMille",
      "/insurancePeriods",
      "/paymentPeriods",
    ]);
    expectValidation(await u.dave.patch(`/insurance/products/${product.code}`, { code: "NEW" }), ["/code"]);
    expectValidation(await u.dave.patch(`/insurance/products/${product.code}`, { minAge: 70 }), ["/minAge"]);
    expect((await u.dave.get(`/insurance/products/${product.code}`)).body).toMatchObject({ minAge: 20, maxAge: 60 });
  });

  it("401 without a token, 403 for non-managers, 404 unknown, 409 a taken code", async () => {
    const body = { code: uniqueCode(), ...productFields };
    expectError(await u.anon.post("/insurance/products", body), 401, "Unauthorized");
    expectError(await u.alice.post("/insurance/products", body), 403, "Forbidden", "RoleRequired");
    expectError(await u.alice.patch(`/insurance/products/${product.code}`, { maxAge: 50 }), 403, "Forbidden");
    expectError(await u.anon.get("/insurance/products"), 401, "Unauthorized");
    expectError(await u.dave.get(`/insurance/products/${body.code}`), 404, "NotFound");
    expectError(await u.dave.patch(`/insurance/products/${body.code}`, { maxAge: 50 }), 404, "NotFound");
    expectError(
      await u.dave.post("/insurance/products", { ...body, code: product.code }),
      409,
      "Conflict",
      "ProductCodeTaken",
    );
    // A code that cannot be one names no product: 404, as an unknown code.
    expectError(await u.dave.get("/insurance/products/BAD.CODE"), 404, "NotFound");
  });
});

describe("customers", () => {
  it("422 for bad fields (a birth date that is no day, or in the future), 401/403 by identity", async () => {
    const ok = { name: "박민수", birthDate: "1990-01-01", phone: "010-1111-2222" };
    const noSuchDay = await u.erin.post("/insurance/customers", { ...ok, birthDate: "1990-02-30" });
    expectValidation(noSuchDay, ["/birthDate"]);
    expect(noSuchDay.body.reason).toBe("InvalidBirthDate");
    expectValidation(await u.erin.post("/insurance/customers", { ...ok, birthDate: "2999-01-01" }), ["/birthDate"]);
    const wrongFormat = await u.erin.post("/insurance/customers", { ...ok, birthDate: "01/01/1990" });
    expectValidation(wrongFormat, ["/birthDate"]);
    expect(wrongFormat.body.details).toEqual([{ path: "/birthDate", message: "must be YYYY-MM-DD, e.g. 1990-05-17" }]);
    expect(wrongFormat.body).not.toHaveProperty("reason");
    expectValidation(await u.erin.post("/insurance/customers", { ...ok, phone: "call me" }), ["/phone"]);
    expectValidation(await u.erin.post("/insurance/customers", { ...ok, email: "nope" }), ["/email"]);
    expectValidation(await u.erin.post("/insurance/customers", { ...ok, userId: "x" }), ["/userId"]);
    expectError(await u.anon.post("/insurance/customers", ok), 401, "Unauthorized");
    expectError(await u.bob.post("/insurance/customers", ok), 403, "Forbidden");
    expectError(await u.bob.get("/insurance/customers/me"), 403, "Forbidden");
    const alice = (await u.alice.get("/insurance/customers/me")).body;
    expectError(await u.erin.get(`/insurance/customers/${alice.id}`), 403, "Forbidden", "NotOwner");
    expect((await u.dave.get(`/insurance/customers/${alice.id}`)).status).toBe(200);
    expectError(await u.dave.get(`/insurance/customers/${unknownId()}`), 404, "NotFound");
    expectError(await u.dave.get("/insurance/customers/not-an-id"), 404, "NotFound");
  });
});

describe("plans", () => {
  it("422 for bad quote input; 403 for someone else's customer id; 404 unknown product", async () => {
    const count = async () =>
      (await list(u.alice, `/insurance/plans?productCode=${product.code}&limit=500`)).items.length;
    const before = await count();
    expectValidation(await u.alice.post("/insurance/plans", planInput(product.code, { entryAmount: 0 })), [
      "/entryAmount",
    ]);
    const weekly = await u.alice.post("/insurance/plans", planInput(product.code, { paymentCycle: "weekly" }));
    expectValidation(weekly, ["/paymentCycle"]);
    expect(weekly.body.message).toBe("paymentCycle: must be one of monthly, quarterly, yearly");
    expectValidation(await u.alice.post("/insurance/plans", planInput(product.code, { insurancePeriod: "20" })), [
      "/insurancePeriod",
    ]);
    expectValidation(await u.alice.post("/insurance/plans", planInput("BAD.CODE")), ["/productCode"]);
    expectValidation(await u.alice.post("/insurance/plans", { productCode: product.code }), [
      "/entryAmount",
      "/insurancePeriod",
      "/paymentPeriod",
      "/paymentCycle",
    ]);
    expectError(
      await u.alice.post("/insurance/plans", planInput(product.code, { customerId: unknownId() })),
      403,
      "Forbidden",
    );
    expectError(await u.alice.post("/insurance/plans", planInput(uniqueCode())), 404, "NotFound");
    expectError(await u.anon.post("/insurance/plans", planInput(product.code)), 401, "Unauthorized");
    expectError(await u.dave.post("/insurance/plans", planInput(product.code)), 403, "Forbidden");
    expectError(await u.bob.post("/insurance/plans", planInput(product.code)), 403, "Forbidden");
    expect(await count()).toBe(before);
  });

  it("only the owner re-quotes or asks for the document; the manager reads", async () => {
    expectValidation(await u.alice.patch(`/insurance/plans/${plan.id}`, { entryAmount: -5 }), ["/entryAmount"]);
    expectValidation(await u.alice.patch(`/insurance/plans/${plan.id}`, { status: "DocumentIssued" }), ["/status"]);
    expectError(await u.erin.patch(`/insurance/plans/${plan.id}`, { entryAmount: 20_000_000 }), 403, "Forbidden");
    expectError(await u.dave.patch(`/insurance/plans/${plan.id}`, { entryAmount: 20_000_000 }), 403, "Forbidden");
    expectError(await u.erin.post(`/insurance/plans/${plan.id}/document`), 403, "Forbidden");
    expectError(await u.anon.post(`/insurance/plans/${plan.id}/document`), 401, "Unauthorized");
    expectError(await u.alice.post(`/insurance/plans/${unknownId()}/document`), 404, "NotFound");
    expectError(await u.erin.get(`/insurance/plans/${plan.id}`), 403, "Forbidden");
    const seen = await u.dave.get(`/insurance/plans/${plan.id}`);
    expect(seen.body).toMatchObject({ status: "PlanSaved", entryAmount: 10_000_000 });
    expect((await list(u.erin, `/insurance/plans?productCode=${product.code}`)).items.length).toBe(0);
  });
});

describe("proposals, payments, documents, msgs, mypages", () => {
  it("422 for bad proposals; only the plan's owner proposes; nothing stored", async () => {
    const body = { planNo: plan.id, account: account() };
    expectValidation(
      await u.alice.post("/insurance/proposals", { ...body, account: { ...account(), bankCode: "4" } }),
      ["/account/bankCode"],
    );
    expectValidation(await u.alice.post("/insurance/proposals", { planNo: plan.id }), ["/account"]);
    expectValidation(await u.alice.post("/insurance/proposals", { ...body, amount: 1 }), ["/amount"]);
    expectError(await u.anon.post("/insurance/proposals", body), 401, "Unauthorized");
    expectError(await u.erin.post("/insurance/proposals", body), 403, "Forbidden", "NotOwner");
    expectError(await u.dave.post("/insurance/proposals", body), 403, "Forbidden");
    expectError(await u.alice.post("/insurance/proposals", { ...body, planNo: unknownId() }), 404, "NotFound");
    expectError(await u.alice.post("/insurance/proposals", body), 409, "Conflict", "DocumentNotIssued");
    expect((await list(u.dave, `/insurance/proposals?planNo=${plan.id}`)).items.length).toBe(0);
  });

  it("withdraw is the owner's; reads are the owner's and the manager's", async () => {
    expectError(await u.erin.post(`/insurance/proposals/${proposal.id}/withdraw`), 403, "Forbidden");
    expectError(await u.dave.post(`/insurance/proposals/${proposal.id}/withdraw`), 403, "Forbidden");
    expectError(await u.anon.post(`/insurance/proposals/${proposal.id}/withdraw`), 401, "Unauthorized");
    expectError(await u.alice.post(`/insurance/proposals/${unknownId()}/withdraw`), 404, "NotFound");
    expect((await u.alice.get(`/insurance/proposals/${proposal.id}`)).body.status).toBe("Contracted");
    expectError(await u.erin.get(`/insurance/proposals/${proposal.id}`), 403, "Forbidden");
    expectError(await u.erin.get(`/insurance/payments/${proposal.paymentId}`), 403, "Forbidden");
    expect((await list(u.erin, `/insurance/payments?proposalNo=${proposal.id}`)).items.length).toBe(0);
    expect((await list(u.dave, `/insurance/payments?proposalNo=${proposal.id}`)).items.length).toBe(1);
    expectValidation(await u.dave.get("/insurance/payments?proposalNo=x"), ["/proposalNo"]);
    const doc = (await list(u.alice, `/insurance/productDocuments?planNo=${proposal.planNo}`)).items[0];
    expectError(await u.erin.get(`/insurance/productDocuments/${doc.id}`), 403, "Forbidden");
    expectError(await u.dave.get(`/insurance/productDocuments/${unknownId()}`), 404, "NotFound");
    expect((await list(u.erin, `/insurance/msgs?planNo=${proposal.planNo}`)).items.length).toBe(0);
    expectValidation(await u.dave.get("/insurance/msgs?customerId=1"), ["/customerId"]);
    expectError(await u.anon.get("/insurance/msgs"), 401, "Unauthorized");
    expectError(await u.erin.get(`/insurance/mypages/${proposal.planNo}`), 403, "Forbidden");
    expectError(await u.dave.get(`/insurance/mypages/${unknownId()}`), 404, "NotFound");
    expectValidation(await u.dave.get("/insurance/mypages?limit=0"), ["/limit"]);
    expect((await u.alice.get(`/insurance/proposals/${proposal.id}`)).body.status).toBe("Contracted");
  });
});
