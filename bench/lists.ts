// `node scripts/run.mjs bench:lists [-- 1000 10000 ...]`: list latency against
// the number of orders. For each size, a fresh nats-server gets that many
// orders written straight into the MALL stream (one in a hundred of the
// customer the bench logs in as, the rest of others, each with its pay), a
// mall node catches up on them, and each query is asked 60 times over HTTP
// (median and p99). Reads only, so the figures are the reads' own cost.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventEnvelope, idFrom, idTime, newId } from "@seed/platform";
import { loadConfig } from "@seed/platform/node";
import { EventStore, startNatsServer } from "@seed/platform/operations";
import { connect } from "nats";
import { killAll } from "./processes.js";
import { http, login, settle, startNode } from "./stack.js";

const say = (line: string) => process.stderr.write(`[bench:lists] ${line}\n`);
const ASKS = 60;
const IN_FLIGHT = 256;

function envelope(type: string, aggregate: string, aggregateId: string, orderId: string, data: unknown): EventEnvelope {
  return {
    id: newId(),
    type,
    aggregate,
    aggregateId,
    correlationId: orderId,
    occurredAt: new Date().toISOString(),
    version: 1,
    data,
  };
}

/** Writes `orders` orders with their pays; every hundredth is `customerId`'s. Returns one order id of each kind. */
async function writeOrders(natsUrl: string, orders: number, customerId: string, productId: string) {
  const nc = await connect({ servers: natsUrl, name: "bench-lists" });
  const ids = { own: "", other: "" };
  try {
    const store = new EventStore(nc, loadConfig({ NATS_URL: natsUrl }));
    await store.ensureStream("mall");
    const one = async (n: number) => {
      const orderId = newId();
      const payId = idFrom(`pay:${orderId}`, idTime(orderId));
      const owner = n % 100 === 0 ? customerId : `customer-${n % 997}`;
      if (owner === customerId) ids.own = orderId;
      else ids.other = orderId;
      const placed = {
        orderId,
        customerId: owner,
        productId,
        productName: "Mug",
        qty: 1,
        price: 5000,
        address: "Seoul",
      };
      await store.appendCommit(
        `mall.order.${orderId}`,
        [envelope("OrderPlaced", "order", orderId, orderId, placed)],
        0,
      );
      const pay = { payId, orderId, amount: 5000, productId, qty: 1, customerId: owner };
      await store.appendCommit(`mall.pay.${payId}`, [envelope("PayPlaced", "pay", payId, orderId, pay)], 0);
    };
    for (let i = 0; i < orders; i += IN_FLIGHT) {
      await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, orders - i) }, (_, k) => one(i + k)));
    }
    return ids;
  } finally {
    await nc.close();
  }
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

/** Times of `ASKS` requests; an answer other than 200 (a read past the request timeout: 503) counts as an error. */
async function measure(url: string, path: string, token: string) {
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < ASKS + 3; i++) {
    const started = performance.now();
    const r = await http(url, "GET", path, undefined, token).catch(() => ({ status: 0, body: undefined }));
    const took = performance.now() - started;
    if (i < 3) continue; // the first few warm the caches
    times.push(took);
    if (r.status !== 200) errors++;
  }
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), errors };
}

async function oneSize(orders: number) {
  const dir = mkdtempSync(join(tmpdir(), "bench-lists-"));
  const nats = await startNatsServer({ storeDir: join(dir, "nats") });
  try {
    // The orders first, then a node that catches up on them before it answers (as after a restart).
    const customerId = idFrom("demo-user:alice", 0); // the demo customer's id (gateway/src/auth/users.ts)
    const started = Date.now();
    const ids = await writeOrders(nats.url, orders, customerId, newId());
    say(`${orders} orders written in ${Date.now() - started} ms; catching up`);
    const node = await startNode("lists", "*", nats.url, join(dir, "data"), "bench-lists", {}, 900_000);
    const nc = await connect({ servers: nats.url });
    await settle(await nc.jetstreamManager(), "MALL", 300_000);
    await nc.close();
    const c = await login(node.url, "alice");
    const s = await login(node.url, "bob");
    const figures = {
      "GET /mall/orders/{id}": await measure(node.url, `/mall/orders/${ids.other}`, s),
      "GET /mall/orders?limit=10 (seller)": await measure(node.url, "/mall/orders?limit=10", s),
      "GET /mall/orders?limit=10 (a customer's own)": await measure(node.url, "/mall/orders?limit=10", c),
      "GET /mall/pays?orderId=…": await measure(node.url, `/mall/pays?orderId=${ids.other}`, s),
      "GET /mall/orderStatuses?limit=10": await measure(node.url, "/mall/orderStatuses?limit=10", s),
    };
    return figures;
  } finally {
    killAll();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const results: Record<string, Record<string, { p50: number; p99: number; errors: number }>> = {};
for (const n of sizes.length > 0 ? sizes : [1000, 10_000]) {
  results[n] = await oneSize(n);
  say(`${n}: ${JSON.stringify(results[n])}`);
}
const queries = Object.keys(Object.values(results)[0] ?? {});
const cols = Object.keys(results);
console.log(`| query | ${cols.map((n) => `${Number(n).toLocaleString("en")} orders (p50 / p99 ms)`).join(" | ")} |`);
console.log(`|---|${cols.map(() => "---").join("|")}|`);
for (const q of queries) {
  console.log(
    `| \`${q}\` | ${cols
      .map((n) => {
        const f = results[n]?.[q];
        return f ? `${f.p50.toFixed(1)} / ${f.p99.toFixed(1)}${f.errors ? ` (${f.errors} errors)` : ""}` : "–";
      })
      .join(" | ")} |`,
  );
}
process.exit(0);
