// Bad input and wrong identity on every sauce route: 422 / 401 / 403 / 404,
// the error body of api.md, and nothing stored.
import { describe, expect, it } from "vitest";
import {
  type Actors,
  deliveryOf,
  expectError,
  expectValidation,
  list,
  orderBody,
  placeOrder,
  unknownId,
  useSauceNode,
} from "./helpers.js";

let u: Actors;
useSauceNode((_, users) => {
  u = users;
});

const ID = "01HZX000000000000000000101";
const ROUTES: Array<[string, string]> = [
  ["POST", "/sauce/orders"],
  ["GET", "/sauce/orders"],
  ["GET", `/sauce/orders/${ID}`],
  ["POST", `/sauce/orders/${ID}/cancel`],
  ["GET", "/sauce/payments"],
  ["GET", `/sauce/payments/${ID}`],
  ["GET", "/sauce/deliveries"],
  ["GET", `/sauce/deliveries/${ID}`],
  ["POST", `/sauce/deliveries/${ID}/complete`],
  ["GET", "/sauce/orderDashboards"],
  ["GET", `/sauce/orderDashboards/${ID}`],
];

describe("identity", () => {
  it("every route needs a valid token (401)", async () => {
    for (const [method, path] of ROUTES) {
      const body = method === "POST" ? {} : undefined;
      expectError(await u.anon.request(method, path, body), 401, "Unauthorized");
      expectError(await u.anon.request(method, path, body, { token: "not.a.jwt" }), 401, "Unauthorized");
    }
  });

  it("roles: only customers order and cancel, only admins complete (403), nothing stored", async () => {
    const body = orderBody();
    expectError(await u.bob.post("/sauce/orders", body), 403, "Forbidden");
    expectError(await u.dave.post("/sauce/orders", body), 403, "Forbidden");
    expect((await list(u.dave, `/sauce/orders?branchId=${body.branchId}`)).items.length).toBe(0);
    const order = await placeOrder(u.alice);
    const delivery = await deliveryOf(u.alice, order.id);
    expectError(await u.alice.post(`/sauce/deliveries/${delivery.id}/complete`), 403, "Forbidden");
    expectError(await u.bob.post(`/sauce/orders/${order.id}/cancel`), 403, "Forbidden");
    expect((await u.alice.get(`/sauce/deliveries/${delivery.id}`)).body.status).toBe("Started");
    expect((await u.alice.get(`/sauce/orders/${order.id}`)).body.status).toBe("Paid");
  });
});

describe("bad input", () => {
  it("an order body that does not match the schema is 422 with every violation, nothing stored", async () => {
    const branchId = orderBody().branchId;
    const cases: Array<[unknown, string[]]> = [
      [{}, ["/branchId", "/sauceId", "/qty", "/price"]],
      [{ branchId, sauceId: "s", qty: 0, price: 100 }, ["/qty"]],
      [{ branchId, sauceId: "s", qty: 10_001, price: 100 }, ["/qty"]],
      [{ branchId, sauceId: "s", qty: 1.5, price: 100 }, ["/qty"]],
      [{ branchId, sauceId: "s", qty: 1, price: -1 }, ["/price"]],
      [{ branchId, sauceId: "s", qty: 1, price: "100" }, ["/price"]],
      [{ branchId: "", sauceId: "s", qty: 1, price: 100 }, ["/branchId"]],
      [{ branchId, sauceId: "x".repeat(101), qty: 1, price: 100 }, ["/sauceId"]],
      [{ branchId, sauceId: "s", qty: 1, price: 100, customerId: "someone" }, ["/customerId"]],
    ];
    for (const [body, paths] of cases) expectValidation(await u.alice.post("/sauce/orders", body), paths);
    expectError(await u.alice.post("/sauce/orders", "{not json"), 400, "BadRequest");
    expect((await list(u.dave, `/sauce/orders?branchId=${branchId}`)).items.length).toBe(0);
  });

  it("an Idempotency-Key over 200 characters is 422", async () => {
    const body = orderBody();
    const res = await u.alice.post("/sauce/orders", body, { headers: { "Idempotency-Key": "k".repeat(201) } });
    expectError(res, 422, "ValidationError");
    expect((await list(u.dave, `/sauce/orders?branchId=${body.branchId}`)).items.length).toBe(0);
  });

  it("ids that cannot be ids are 404 as unknown ones are, saying what an id looks like", async () => {
    for (const [method, path] of ROUTES.filter(([, p]) => p.includes(ID))) {
      const who = path.endsWith("/cancel") ? u.alice : u.dave;
      const res = await who.request(method, path.replace(ID, "nope"), method === "POST" ? {} : undefined);
      expectError(res, 404, "NotFound");
      expect(res.body.message).toMatch(/must be a 26-character id$/);
    }
    for (const path of ["orders", "payments", "deliveries", "orderDashboards"]) {
      expectError(await u.dave.get(`/sauce/${path}/${unknownId()}`), 404, "NotFound");
    }
    expectError(await u.alice.post(`/sauce/orders/${unknownId()}/cancel`), 404, "NotFound");
    expectError(await u.dave.post(`/sauce/deliveries/${unknownId()}/complete`), 404, "NotFound");
  });

  it("list queries outside the schema are 422", async () => {
    expectValidation(await u.dave.get("/sauce/orders?limit=0"), ["/limit"]);
    expectValidation(await u.dave.get("/sauce/orders?limit=501"), ["/limit"]);
    expectValidation(await u.dave.get("/sauce/orders?status=Shipped"), ["/status"]);
    expectValidation(await u.dave.get("/sauce/payments?orderId=x"), ["/orderId"]);
    expectValidation(await u.dave.get("/sauce/deliveries?status=Lost"), ["/status"]);
    expectValidation(await u.dave.get("/sauce/orderDashboards?lang=fr"), ["/lang"]);
    expectValidation(await u.dave.get("/sauce/orders?color=red"), ["/color"]);
  });
});
