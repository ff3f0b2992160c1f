// GET /live/<system>/<list>: server-sent events of a list, as the caller may
// read it. A real node with every system; the stream is read with fetch.
import { api, startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let node: TestNode;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  node = await startTestNode({ config: { RATE_LIMIT_PER_MINUTE: 0 } });
  for (const name of ["alice", "bob", "erin"]) {
    const r = await api(node.url).post("/auth/login", { username: name, password: "demo" });
    tokens[name] = (r.body as { token: string }).token;
  }
});
afterAll(() => node?.stop());

interface Snapshot {
  items: Array<Record<string, unknown>>;
  hasMore: boolean;
  nextCursor?: string;
}

/** Opens a stream and collects its snapshots until `close()`. */
async function open(path: string, headers: Record<string, string>) {
  const ac = new AbortController();
  const res = await fetch(`${node.url}${path}`, { headers, signal: ac.signal });
  const snapshots: Snapshot[] = [];
  const problems: string[] = [];
  const done = (async () => {
    if (!res.body || res.status !== 200) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === "snapshot" && data) snapshots.push(JSON.parse(data) as Snapshot);
          if (event === "problem" && data) problems.push(data);
          end = buffer.indexOf("\n\n");
        }
      }
    } catch (err) {
      if (!ac.signal.aborted) throw err; // only our own close ends a stream
    }
  })();
  return {
    res,
    snapshots,
    problems,
    /** Ends the stream; a stream that failed, or reported a problem, fails the test. */
    close: async () => {
      ac.abort();
      await done;
      expect(problems, `problems reported on ${path}`).toEqual([]);
    },
  };
}

const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });

async function until<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("not seen in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("live lists", () => {
  it("POST /live/session sets an HttpOnly cookie for /live only, which a stream accepts", async () => {
    const r = await fetch(`${node.url}/live/session`, { method: "POST", headers: bearer("alice") });
    expect(r.status).toBe(204);
    const cookie = r.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^seed_live=[^;]+; Path=\/live; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const s = await open("/live/mall/orderStatuses", { cookie: cookie.split(";")[0] as string });
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get("content-type")).toContain("text/event-stream");
    await until(() => s.snapshots[0]);
    await s.close();
    const anonymous = await fetch(`${node.url}/live/session`, { method: "POST" });
    expect(anonymous.status).toBe(401);
  });

  it("refuses like the list route: 401, 403, 404, 422 — before any event", async () => {
    expect((await fetch(`${node.url}/live/mall/orderStatuses`)).status).toBe(401);
    const forged = await fetch(`${node.url}/live/mall/orderStatuses`, { headers: { cookie: "seed_live=abc.def.ghi" } });
    expect(forged.status).toBe(401);
    // sauce dashboards are for customers and admins; bob is a seller.
    expect((await fetch(`${node.url}/live/sauce/orderDashboards`, { headers: bearer("bob") })).status).toBe(403);
    expect((await fetch(`${node.url}/live/mall/nothing`, { headers: bearer("bob") })).status).toBe(404);
    expect((await fetch(`${node.url}/live/mall/orderStatuses/x`, { headers: bearer("bob") })).status).toBe(404);
    const bad = await fetch(`${node.url}/live/mall/orderStatuses?lang=fr`, { headers: bearer("bob") });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { details: Array<{ path: string }> }).details[0]?.path).toBe("/lang");
  });

  it("pushes a commit's effect to whoever may see it, and only to them", async () => {
    const alice = await open("/live/mall/orderStatuses?lang=en", bearer("alice"));
    const erin = await open("/live/mall/orderStatuses", bearer("erin"));
    const bob = await open("/live/mall/orderStatuses", bearer("bob"));
    await until(() => alice.snapshots[0] && erin.snapshots[0] && bob.snapshots[0]);

    const product = await api(node.url).post(
      "/mall/products",
      { name: "Live mug", price: 100, qty: 5 },
      { token: tokens.bob },
    );
    const productId = (product.body as { id: string }).id;
    const order = await api(node.url).post(
      "/mall/orders",
      { productId, qty: 1, address: "Seoul" },
      { token: tokens.alice },
    );
    const orderId = (order.body as { id: string }).id;

    const row = (s: Snapshot[]) => s.at(-1)?.items.find((i) => i.orderId === orderId);
    // The pay is placed by a policy after the order: the row moves on by itself.
    const seen = await until(() => (row(alice.snapshots)?.status === "PayPlaced" ? row(alice.snapshots) : undefined));
    expect(seen.statusLabel).toBe("Awaiting deposit");
    await until(() => (row(bob.snapshots)?.status === "PayPlaced" ? true : undefined));
    expect(bob.snapshots.at(-1)?.items.some((i) => i.statusLabel === "입금확인대기")).toBe(true);
    // erin is another customer: her stream never shows alice's order.
    expect(erin.snapshots.some((s) => s.items.some((i) => i.orderId === orderId))).toBe(false);
    // Only changes are sent: no two equal snapshots in a row.
    for (let i = 1; i < alice.snapshots.length; i++) {
      expect(JSON.stringify(alice.snapshots[i])).not.toBe(JSON.stringify(alice.snapshots[i - 1]));
    }
    await Promise.all([alice.close(), erin.close(), bob.close()]);
  });

  it("a node stops while a stream is open", async () => {
    const other = await startTestNode({ config: { RATE_LIMIT_PER_MINUTE: 0 } });
    const login = await api(other.url).post("/auth/login", { username: "bob", password: "demo" });
    const res = await fetch(`${other.url}/live/meetingroom/roomTables`, {
      headers: { authorization: `Bearer ${(login.body as { token: string }).token}` },
    });
    expect(res.status).toBe(200);
    const started = Date.now();
    await other.stop();
    // Open streams end at once: the stop does not wait out SHUTDOWN_TIMEOUT_MS (5 s here) for them.
    expect(Date.now() - started).toBeLessThan(4500);
    await res.body?.cancel().catch(() => {});
  });
});
