// The local cluster's front door keeps connections to the gateways open
// between requests, and must let go of an idle one before the gateway closes
// it: a POST sent on a connection the gateway is closing reaches no service,
// and without an Idempotency-Key the front door cannot send it again.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FrontDoor, startFrontDoor } from "../../scripts/front-door.js";

let gateway: Server;
let door: FrontDoor;
/** When the front door closed each connection it had opened to the gateway (ms after its answer). */
const closedByDoor: number[] = [];
let answeredAt = 0;

beforeAll(async () => {
  const proxied = new WeakSet<Socket>(); // not the front door's readiness polls
  gateway = createServer((req, res) => {
    if (req.url === "/health/ready") return res.end("ok");
    if (!proxied.has(req.socket)) {
      proxied.add(req.socket);
      req.socket.on("end", () => closedByDoor.push(Date.now() - answeredAt));
    }
    answeredAt = Date.now();
    res.end("{}");
  });
  // Announced as "Keep-Alive: timeout=3": the gateway closes an idle connection after 3 s.
  gateway.keepAliveTimeout = 3000;
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
  const backend = (gateway.address() as AddressInfo).port;
  door = await startFrontDoor({ port: 0, host: "127.0.0.1", backends: [backend], pollMs: 60_000 });
});

afterAll(async () => {
  await door?.close();
  gateway?.closeAllConnections();
  await new Promise((resolve) => gateway?.close(resolve));
});

describe("front door", () => {
  it("drops an idle connection to a gateway a second before the gateway would", async () => {
    const res = await fetch(`${door.url}/mall/orders`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const before = closedByDoor.length;
    const deadline = Date.now() + 5000;
    while (closedByDoor.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const closedAfter = closedByDoor.at(-1) ?? Number.POSITIVE_INFINITY;
    expect(closedAfter).toBeGreaterThan(1500);
    expect(closedAfter).toBeLessThan(2900);
  });
});
