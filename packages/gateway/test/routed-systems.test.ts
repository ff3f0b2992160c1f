// A gateway alone (SERVICES=api) routes the systems GATEWAY_SYSTEMS names:
// their paths reach the nodes that run them over NATS, and every other
// system's paths answer 404, as a path no route has. Its readiness waits
// only for the routes it serves, so it is ready without a node of the rest.
import { type ApiClient, api, startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let mall: TestNode;
let gateway: TestNode;
let bob: ApiClient;

beforeAll(async () => {
  // A namespace of its own: no node of another system may be seen.
  const namespace = `routed-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  mall = await startTestNode({ services: "mall.*", namespace });
  // Waits for every readiness check, "api routes" included.
  gateway = await startTestNode({ services: "api", namespace, config: { GATEWAY_SYSTEMS: "mall" } });
  bob = api(gateway.url);
  await bob.login("bob");
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await mall?.stop();
});

describe("GATEWAY_SYSTEMS", () => {
  it("serves the systems it names through their nodes", async () => {
    const created = await bob.post("/mall/products", { name: "Routed mug", price: 3000, qty: 2 });
    expect(created.status).toBe(201);
    expect((await bob.get(`/mall/products/${created.body.id}`)).body).toMatchObject({ name: "Routed mug" });
  });

  it("answers 404 for the paths of every other system, and documents none of them", async () => {
    for (const path of ["/sauce/orders", "/cleaning/reservations", "/insurance/products"]) {
      const res = await bob.get(path);
      expect(res.status, path).toBe(404);
    }
    const doc = (await bob.get("/openapi.json")).body as { paths: Record<string, unknown> };
    const systemPaths = Object.keys(doc.paths).filter((p) =>
      /^\/(mall|sauce|cleaning|meetingroom|insurance)\//.test(p),
    );
    expect(systemPaths.length).toBeGreaterThan(0);
    expect(systemPaths.filter((p) => !p.startsWith("/mall/"))).toEqual([]);
  });
});
