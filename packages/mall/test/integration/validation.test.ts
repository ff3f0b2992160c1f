// Every mall route against bad input and bad callers (api.md "Errors",
// packages/mall/README.md "Routes"): 422 with JSON pointers for bodies and queries that
// break the schema; 400 for what is not JSON; 401 without a valid token; 403
// for the wrong role or another customer's resource (with its reason); 404 for
// ids nobody created and for path ids that cannot be ids. Nothing is stored by a refused request, and no error answer
// shows anything internal.
import type { ApiClient, TestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  type Actors,
  deliveryWithStatus,
  expectError,
  expectValidation,
  getOrder,
  getProduct,
  type Json,
  list,
  listAll,
  newProduct,
  payOf,
  placeOrder,
  rowWithStatus,
  show,
  signJwt,
  uniqueName,
  unknownId,
  useMallNode,
} from "./helpers.js";

let node: TestNode;
let u: Actors;
/** A product with two orders of alice: `open` (pay placed) and `shipped` (checked, delivery started). */
let product: Json;
let open: Json;
let openPay: Json;
let shipped: Json;
let shippedPay: Json;
let delivery: Json;
const marker = uniqueName("refused");

useMallNode(async (started, users) => {
  node = started;
  u = users;
  product = await newProduct(u.bob, 10, 2000);
  [open, shipped] = await Promise.all([placeOrder(u.alice, product, 1), placeOrder(u.alice, product, 2)]);
  [openPay, shippedPay] = await Promise.all([payOf(u.alice, open.id), payOf(u.alice, shipped.id)]);
  const checked = await u.bob.post(`/mall/pays/${shippedPay.id}/check`);
  expect(checked.status, show(checked)).toBe(200);
  delivery = await deliveryWithStatus(u.alice, shipped.id);
  await rowWithStatus(u.alice, open.id, "PayPlaced");
});

type Who = "alice" | "bob" | "carol" | "dave" | "erin";
interface Route {
  method: "GET" | "POST";
  pattern: string;
  /** With real ids of this file's data. */
  path: () => string;
  /** A caller the route lets through (checked for the GET routes). */
  as: Who;
}

const ROUTES: Route[] = [
  { method: "POST", pattern: "/mall/products", path: () => "/mall/products", as: "bob" },
  { method: "GET", pattern: "/mall/products", path: () => "/mall/products", as: "alice" },
  { method: "GET", pattern: "/mall/products/{id}", path: () => `/mall/products/${product.id}`, as: "alice" },
  { method: "POST", pattern: "/mall/orders", path: () => "/mall/orders", as: "alice" },
  { method: "GET", pattern: "/mall/orders", path: () => "/mall/orders", as: "alice" },
  { method: "GET", pattern: "/mall/orders/{id}", path: () => `/mall/orders/${open.id}`, as: "alice" },
  { method: "POST", pattern: "/mall/orders/{id}/cancel", path: () => `/mall/orders/${open.id}/cancel`, as: "alice" },
  {
    method: "POST",
    pattern: "/mall/orders/{id}/receive",
    path: () => `/mall/orders/${shipped.id}/receive`,
    as: "alice",
  },
  { method: "GET", pattern: "/mall/pays", path: () => "/mall/pays", as: "bob" },
  { method: "GET", pattern: "/mall/pays/{id}", path: () => `/mall/pays/${openPay.id}`, as: "alice" },
  { method: "POST", pattern: "/mall/pays/{id}/check", path: () => `/mall/pays/${openPay.id}/check`, as: "bob" },
  { method: "GET", pattern: "/mall/deliveries", path: () => "/mall/deliveries", as: "bob" },
  { method: "GET", pattern: "/mall/deliveries/{id}", path: () => `/mall/deliveries/${delivery.id}`, as: "alice" },
  { method: "GET", pattern: "/mall/orderStatuses", path: () => "/mall/orderStatuses", as: "alice" },
  { method: "GET", pattern: "/mall/orderStatuses/{id}", path: () => `/mall/orderStatuses/${open.id}`, as: "alice" },
];

const client = (who: Who): ApiClient => u[who];
const label = (r: Route) => `${r.method} ${r.path()}`;
/** The route as the spec writes it (known before the data exists). */
const name = (r: Route) => `${r.method} ${r.pattern}`;

interface BodyCase {
  name: string;
  body: unknown;
  paths: string[];
}

const productBodies = (): BodyCase[] => [
  { name: "empty object", body: {}, paths: ["/name", "/price", "/qty"] },
  { name: "wrong types", body: { name: 5, price: "100", qty: 1.5 }, paths: ["/name", "/price", "/qty"] },
  { name: "nulls", body: { name: null, price: null, qty: null }, paths: ["/name", "/price", "/qty"] },
  { name: "extra field", body: { name: marker, price: 100, qty: 1, color: "red" }, paths: ["/color"] },
  {
    name: "client-chosen id",
    body: { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV", name: marker, price: 100, qty: 1 },
    paths: ["/id"],
  },
  { name: "negative price", body: { name: marker, price: -1, qty: 1 }, paths: ["/price"] },
  { name: "negative qty", body: { name: marker, price: 1, qty: -1 }, paths: ["/qty"] },
  { name: "price too large", body: { name: marker, price: 1_000_000_001, qty: 1 }, paths: ["/price"] },
  { name: "qty too large", body: { name: marker, price: 1, qty: 1_000_000_001 }, paths: ["/qty"] },
  { name: "fractional price", body: { name: marker, price: 9.99, qty: 1 }, paths: ["/price"] },
  { name: "empty name", body: { name: "", price: 1, qty: 1 }, paths: ["/name"] },
  { name: "name too long", body: { name: `${marker}${"x".repeat(200)}`, price: 1, qty: 1 }, paths: ["/name"] },
  { name: "array body", body: [], paths: ["/"] },
  { name: "string body", body: JSON.stringify("a product"), paths: ["/"] },
];

const orderBodies = (): BodyCase[] => {
  const ok = { productId: product.id, qty: 1, address: "Seoul" };
  return [
    { name: "empty object", body: {}, paths: ["/productId", "/qty", "/address"] },
    { name: "wrong types", body: { productId: 7, qty: "1", address: true }, paths: ["/productId", "/qty", "/address"] },
    { name: "non-ULID productId", body: { ...ok, productId: "product-1" }, paths: ["/productId"] },
    { name: "lower-case ULID productId", body: { ...ok, productId: product.id.toLowerCase() }, paths: ["/productId"] },
    { name: "qty 0", body: { ...ok, qty: 0 }, paths: ["/qty"] },
    { name: "negative qty", body: { ...ok, qty: -1 }, paths: ["/qty"] },
    { name: "qty 1001", body: { ...ok, qty: 1001 }, paths: ["/qty"] },
    { name: "fractional qty", body: { ...ok, qty: 1.5 }, paths: ["/qty"] },
    { name: "null qty", body: { ...ok, qty: null }, paths: ["/qty"] },
    { name: "empty address", body: { ...ok, address: "" }, paths: ["/address"] },
    { name: "address too long", body: { ...ok, address: "a".repeat(501) }, paths: ["/address"] },
    { name: "negative price", body: { ...ok, price: -1 }, paths: ["/price"] },
    { name: "price too large", body: { ...ok, price: 1_000_000_001 }, paths: ["/price"] },
    { name: "price as string", body: { ...ok, price: "100" }, paths: ["/price"] },
    // the catalog names the product: a name from the client is not taken, whatever it is
    { name: "productName in the body", body: { ...ok, productName: "TV" }, paths: ["/productName"] },
    { name: "empty productName", body: { ...ok, productName: "" }, paths: ["/productName"] },
    { name: "customerId in the body", body: { ...ok, customerId: "someone-else" }, paths: ["/customerId"] },
    { name: "status in the body", body: { ...ok, status: "OrderClosed" }, paths: ["/status"] },
    {
      name: "several problems at once",
      body: { productId: "x", qty: 0, address: "", extra: 1 },
      paths: ["/productId", "/qty", "/address", "/extra"],
    },
    { name: "array body", body: [ok], paths: ["/"] },
  ];
};

describe.concurrent("422 ValidationError with JSON pointers", () => {
  it.each(productBodies().map((c) => [c.name, c] as const))("POST /mall/products: %s", async (_, c) => {
    expectValidation(await u.bob.post("/mall/products", c.body), c.paths);
  });

  it("POST /mall/orders: every bad body", async () => {
    for (const c of orderBodies()) {
      const res = await u.alice.post("/mall/orders", c.body);
      expect(res.status, `${c.name}: ${show(res)}`).toBe(422);
      expectValidation(res, c.paths);
    }
  });

  it("POST /mall/orders: a query parameter it does not take", async () => {
    const res = await u.alice.post("/mall/orders?customerId=someone", {
      productId: product.id,
      qty: 1,
      address: "Seoul",
    });
    expectValidation(res, ["/customerId"]);
  });

  it("commands take no body", async () => {
    expectValidation(await u.alice.post(`/mall/orders/${open.id}/cancel`, { reason: "changed my mind" }), ["/reason"]);
    expectValidation(await u.alice.post(`/mall/orders/${shipped.id}/receive`, { at: "now" }), ["/at"]);
    expectValidation(await u.bob.post(`/mall/pays/${openPay.id}/check`, { amount: 1 }), ["/amount"]);
    // a body may not name the resource in the path either
    expectValidation(await u.alice.post(`/mall/orders/${open.id}/cancel`, { id: shipped.id }), ["/id"]);
  });

  const badIds = [
    "abc",
    "01ARZ3NDEKTSV4RRFFQ69G5FA",
    "01ARZ3NDEKTSV4RRFFQ69G5FAVX",
    "01arz3ndektsv4rrffq69g5fav",
    "01ARZ3NDEKTSV4RRFFQ69G5FAU",
  ];
  const byIdRoutes: Array<{ method: "GET" | "POST"; path: (id: string) => string; as: Who; param: string }> = [
    { method: "GET", path: (id) => `/mall/products/${id}`, as: "alice", param: "/id" },
    { method: "GET", path: (id) => `/mall/orders/${id}`, as: "alice", param: "/id" },
    { method: "POST", path: (id) => `/mall/orders/${id}/cancel`, as: "alice", param: "/id" },
    { method: "POST", path: (id) => `/mall/orders/${id}/receive`, as: "alice", param: "/id" },
    { method: "GET", path: (id) => `/mall/pays/${id}`, as: "alice", param: "/id" },
    { method: "POST", path: (id) => `/mall/pays/${id}/check`, as: "bob", param: "/id" },
    { method: "GET", path: (id) => `/mall/deliveries/${id}`, as: "alice", param: "/id" },
    { method: "GET", path: (id) => `/mall/orderStatuses/${id}`, as: "alice", param: "/orderId" },
  ];
  it.each(byIdRoutes.map((r) => [`${r.method} ${r.path(":id")}`, r] as const))(
    "non-ULID id in the path is 404, as an unknown id: %s",
    async (_, r) => {
      for (const id of [...badIds, "does-not-exist"]) {
        const res = await client(r.as).request(r.method, r.path(id));
        expectError(res, 404, "NotFound");
        expect(res.body.message, id).toBe(`not found: ${r.param.slice(1)} must be a 26-character id`);
      }
    },
  );

  const lists: Array<{ path: string; as: Who; extra: Array<[string, string]> }> = [
    { path: "/mall/products", as: "alice", extra: [["productId=x", "/productId"]] },
    {
      path: "/mall/orders",
      as: "alice",
      extra: [
        ["status=Shipped", "/status"],
        ["productId=x", "/productId"],
        ["customerId=x", "/customerId"],
      ],
    },
    {
      path: "/mall/pays",
      as: "bob",
      extra: [
        ["orderId=x", "/orderId"],
        ["status=PayPlaced", "/status"],
      ],
    },
    { path: "/mall/deliveries", as: "bob", extra: [["orderId=not-an-id", "/orderId"]] },
    {
      path: "/mall/orderStatuses",
      as: "alice",
      extra: [
        ["productId=x", "/productId"],
        ["lang=fr", "/lang"],
        ["status=".concat("s".repeat(41)), "/status"],
      ],
    },
  ];
  const paging: Array<[string, string]> = [
    ["limit=0", "/limit"],
    ["limit=501", "/limit"],
    ["limit=-1", "/limit"],
    ["limit=abc", "/limit"],
    ["offset=0", "/offset"], // no offset: a page starts from a cursor
    ["after=", "/after"],
    ["after=a+b", "/after"],
    ["after=AAAA", "/after"], // base64url, but of no row key
    ["after=abc%3D", "/after"],
    ["unknown=1", "/unknown"],
  ];
  it.each(lists.map((l) => [l.path, l] as const))("bad query parameters: GET %s", async (_, l) => {
    for (const [query, pointer] of [...paging, ...l.extra]) {
      const res = await client(l.as).get(`${l.path}?${query}`);
      expect(res.status, `?${query}: ${show(res)}`).toBe(422);
      expectValidation(res, [pointer]);
    }
    // the bounds themselves are fine
    for (const query of ["limit=1", "limit=500", "limit=1&after=MDFKRDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA"]) {
      const res = await client(l.as).get(`${l.path}?${query}`);
      expect(res.status, `?${query}: ${show(res)}`).toBe(200);
      expect(res.body).toMatchObject({ items: expect.any(Array), hasMore: expect.any(Boolean) });
      if (query.startsWith("limit=1")) expect(res.body.items.length).toBeLessThanOrEqual(1);
    }
  });

  // TypeBox's Value.Convert alone turns "1.5" into 1 and "1e2" into 1 before the check runs.
  it("a query number that is not an integer is 422, not truncated, on every list", async () => {
    for (const l of lists) {
      for (const query of ["limit=1.5", "limit=1e2", "limit=0.5"]) {
        const res = await client(l.as).get(`${l.path}?${query}`);
        expect(res.status, `GET ${l.path}?${query}: ${show(res)}`).toBe(422);
        expectValidation(res, [`/${query.split("=")[0]}`]);
      }
    }
  });
});

describe.concurrent("400, 413: not a JSON body", () => {
  const posts = (): Array<[string, Who]> => [
    ["/mall/products", "bob"],
    ["/mall/orders", "alice"],
    [`/mall/orders/${open.id}/cancel`, "alice"],
    [`/mall/orders/${shipped.id}/receive`, "alice"],
    [`/mall/pays/${openPay.id}/check`, "bob"],
  ];

  it("malformed JSON is 400 BadRequest on every POST", async () => {
    for (const [path, who] of posts()) {
      for (const raw of ["{bad", '{"name": "x",}', "{'a': 1}", "[1, 2"]) {
        const res = await client(who).post(path, raw);
        expect(res.status, `${path} ${raw}: ${show(res)}`).toBe(400);
        expectError(res, 400, "BadRequest");
      }
    }
  });

  it("a body that is not JSON at all (text/plain) is 400", async () => {
    for (const [path, who] of posts()) {
      const res = await client(who).post(path, `name=${marker}&price=1&qty=1`, {
        headers: { "content-type": "text/plain" },
      });
      expectError(res, 400, "BadRequest");
    }
  });

  it("a body over 64 KiB is 413 PayloadTooLarge", async () => {
    const res = await u.alice.post("/mall/orders", { productId: product.id, qty: 1, address: "x".repeat(70 * 1024) });
    expectError(res, 413, "PayloadTooLarge");
  });
});

describe.concurrent("401 Unauthorized", () => {
  it.each(ROUTES.map((r) => [name(r), r] as const))("no token: %s", async (_, r) => {
    const res = await u.anon.request(r.method, r.path(), r.method === "POST" ? {} : undefined, { token: null });
    expectError(res, 401, "Unauthorized");
    // the same read with a token of an allowed user works (the route itself is fine)
    if (r.method === "GET") expect((await client(r.as).get(r.path())).status).toBe(200);
  });

  it("bad tokens on every route", async () => {
    const secret = node.config.JWT_SECRET;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: u.ids.bob, username: "bob", roles: ["seller", "admin", "customer"], iat: now };
    const bad: Array<[string, Record<string, string>]> = [
      ["garbage", { authorization: "Bearer not-a-token" }],
      [
        "wrong secret",
        { authorization: `Bearer ${signJwt({ ...claims, exp: now + 600 }, "another-secret-0123456789")}` },
      ],
      ["expired", { authorization: `Bearer ${signJwt({ ...claims, iat: now - 7200, exp: now - 3600 }, secret)}` }],
      [
        "alg none",
        {
          authorization: `Bearer ${signJwt({ ...claims, exp: now + 600 }, secret, { alg: "none", typ: "JWT" }).replace(/[^.]+$/, "")}`,
        },
      ],
      ["not a bearer", { authorization: `Basic ${Buffer.from("bob:demo").toString("base64")}` }],
      ["tampered", { authorization: `Bearer ${tamper(u.alice.token ?? "")}` }],
    ];
    for (const r of ROUTES) {
      for (const [what, headers] of bad) {
        const res = await u.anon.request(r.method, r.path(), r.method === "POST" ? {} : undefined, {
          token: null,
          headers,
        });
        expect(res.status, `${what} ${label(r)}: ${show(res)}`).toBe(401);
        expectError(res, 401, "Unauthorized");
      }
    }
  });
});

/** alice's token with her roles swapped for seller's in the payload (signature no longer matches). */
function tamper(token: string): string {
  const [h, p, s] = token.split(".");
  const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString());
  payload.roles = ["seller", "admin"];
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
}

describe.concurrent("403 Forbidden", () => {
  it("wrong role", async () => {
    const cases: Array<[Who, "GET" | "POST", string, unknown]> = [
      ["alice", "POST", "/mall/products", { name: marker, price: 1, qty: 1 }],
      ["carol", "POST", "/mall/products", { name: marker, price: 1, qty: 1 }],
      ["alice", "POST", `/mall/pays/${openPay.id}/check`, undefined],
      ["erin", "POST", `/mall/pays/${openPay.id}/check`, undefined],
      ["dave", "POST", `/mall/pays/${openPay.id}/check`, undefined],
      ["bob", "POST", "/mall/orders", { productId: product.id, qty: 1, address: marker }],
      ["dave", "POST", "/mall/orders", { productId: product.id, qty: 1, address: marker }],
      ["carol", "POST", "/mall/orders", { productId: product.id, qty: 1, address: marker }],
      ["carol", "GET", "/mall/orders", undefined],
      ["carol", "GET", `/mall/orders/${open.id}`, undefined],
    ];
    for (const [who, method, path, body] of cases) {
      const res = await client(who).request(method, path, body);
      expect(res.status, `${who} ${method} ${path}: ${show(res)}`).toBe(403);
      expectError(res, 403, "Forbidden", "RoleRequired");
    }
  });

  it("not the owner", async () => {
    const cases: Array<[Who, "GET" | "POST", string]> = [
      ["erin", "GET", `/mall/orders/${open.id}`],
      ["erin", "POST", `/mall/orders/${open.id}/cancel`],
      ["erin", "POST", `/mall/orders/${shipped.id}/receive`],
      ["erin", "GET", `/mall/pays/${openPay.id}`],
      ["erin", "GET", `/mall/deliveries/${delivery.id}`],
      ["erin", "GET", `/mall/orderStatuses/${open.id}`],
      ["carol", "GET", `/mall/pays/${openPay.id}`],
      ["carol", "GET", `/mall/deliveries/${delivery.id}`],
      ["carol", "POST", `/mall/orders/${open.id}/cancel`],
      // staff may look, but only the customer cancels or confirms receipt
      ["bob", "POST", `/mall/orders/${open.id}/cancel`],
      ["dave", "POST", `/mall/orders/${open.id}/cancel`],
      ["bob", "POST", `/mall/orders/${shipped.id}/receive`],
    ];
    for (const [who, method, path] of cases) {
      const res = await client(who).request(method, path);
      expect(res.status, `${who} ${method} ${path}: ${show(res)}`).toBe(403);
      expectError(res, 403, "Forbidden", "NotOwner");
    }
    // and what another customer may list hides alice's things
    expect((await list(u.erin, `/mall/pays?orderId=${open.id}`)).items.length).toBe(0);
    expect((await list(u.erin, `/mall/deliveries?orderId=${shipped.id}`)).items.length).toBe(0);
    expect((await list(u.erin, `/mall/orders?productId=${product.id}`)).items.length).toBe(0);
    // staff see them
    expect((await u.bob.get(`/mall/orders/${open.id}`)).status).toBe(200);
    expect((await u.dave.get(`/mall/pays/${openPay.id}`)).status).toBe(200);
    expect((await u.bob.get(`/mall/deliveries/${delivery.id}`)).status).toBe(200);
  });
});

describe.concurrent("404 NotFound", () => {
  it("unknown ids on every by-id route", async () => {
    const cases: Array<[Who, "GET" | "POST", string]> = [
      ["alice", "GET", `/mall/products/${unknownId()}`],
      ["alice", "GET", `/mall/orders/${unknownId()}`],
      ["bob", "GET", `/mall/orders/${unknownId()}`],
      ["alice", "POST", `/mall/orders/${unknownId()}/cancel`],
      ["alice", "POST", `/mall/orders/${unknownId()}/receive`],
      ["alice", "GET", `/mall/pays/${unknownId()}`],
      ["bob", "POST", `/mall/pays/${unknownId()}/check`],
      ["alice", "GET", `/mall/deliveries/${unknownId()}`],
      ["alice", "GET", `/mall/orderStatuses/${unknownId()}`],
    ];
    for (const [who, method, path] of cases) {
      const res = await client(who).request(method, path);
      expect(res.status, `${who} ${method} ${path}: ${show(res)}`).toBe(404);
      expectError(res, 404, "NotFound");
    }
  });

  it("an order for a product that does not exist", async () => {
    const res = await u.alice.post("/mall/orders", { productId: unknownId(), qty: 1, address: marker });
    expectError(res, 404, "NotFound");
  });

  it("unknown routes", async () => {
    expectError(await u.alice.get("/mall/nothing-here"), 404, "NotFound");
    expectError(await u.alice.get(`/mall/orders/${open.id}/pay`), 404, "NotFound");
  });
});

describe("refused requests stored nothing", () => {
  it("no product, order, pay or delivery came from them", async () => {
    // no product registered under the marker
    const products = await listAll(u.bob, "/mall/products");
    expect(products.filter((p) => String(p.name).includes(marker))).toEqual([]);
    // the product still has its two orders, and its stock
    const orders = await list(u.bob, `/mall/orders?productId=${product.id}`);
    expect(orders.items.length).toBe(2);
    expect((await listAll(u.bob, "/mall/orders")).filter((o) => String(o.address).includes(marker))).toEqual([]);
    expect((await list(u.bob, `/mall/orderStatuses?productId=${product.id}`)).items.length).toBe(2);
    expect((await getProduct(u.bob, product.id)).qty).toBe(8);
    // the orders are as they were: nobody canceled, checked or received anything
    expect((await getOrder(u.alice, open.id)).status).toBe("OrderPlaced");
    expect((await getOrder(u.alice, shipped.id)).status).toBe("OrderPlaced");
    expect((await payOf(u.alice, open.id)).status).toBe("PayPlaced");
    expect((await payOf(u.alice, shipped.id)).status).toBe("PayChecked");
    expect((await list(u.bob, `/mall/deliveries?orderId=${shipped.id}`)).items[0].status).toBe("DeliveryStarted");
    expect((await list(u.bob, `/mall/deliveries?orderId=${open.id}`)).items.length).toBe(0);
    const row = await u.alice.get(`/mall/orderStatuses/${open.id}`);
    expect(row.body.status).toBe("PayPlaced");
  });
});
