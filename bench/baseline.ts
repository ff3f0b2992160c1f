// The bare stack the systems are compared with, as a child process of the
// bench: the same broker settings (broker.config.ts: NATS transporter,
// timeout, breaker, bulkhead, validator, middlewares) and, in place of the
// platform, one moleculer-web gateway without auth, validation or store, and
// one service with two actions:
//   bench.noop.publish — one awaited JetStream publish of a commit-sized message (B0, B5)
//   bench.noop.read    — returns a constant (B4)
// BASELINE_SERVICES picks what this process runs: "api", "noop" or "api,noop".

import { loadConfig } from "@seed/platform/node";
import { EventStore } from "@seed/platform/operations";
import { ServiceBroker, type ServiceSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import { connect } from "nats";
import brokerConfig from "../broker.config.js";
import { exitWithParent, tell } from "./processes.js";

/** About the size of one OrderPlaced commit, so the publish carries what an order's append carries. */
const PAYLOAD = new TextEncoder().encode(
  JSON.stringify([
    {
      id: "01JD0000000000000000000000",
      type: "OrderPlaced",
      aggregate: "order",
      aggregateId: "01JD0000000000000000000000",
      correlationId: "01JD0000000000000000000000",
      causationId: "01JD0000000000000000000000",
      occurredAt: new Date(0).toISOString(),
      version: 1,
      data: {
        orderId: "01JD0000000000000000000000",
        customerId: "01JD0000000000000000000000",
        productId: "01JD0000000000000000000000",
        productName: "Bench mug",
        qty: 1,
        price: 5000,
        address: "Seoul",
      },
    },
  ]),
);
const READ_RESULT = { ok: true, status: "OrderPlaced", statusLabel: "주문접수" };

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const wanted = (process.env.BASELINE_SERVICES ?? "api,noop").split(",").map((s) => s.trim());
  const requestLines = config.LOG_LEVEL === "debug" || config.LOG_LEVEL === "trace" ? "debug" : null;
  const options = brokerConfig(config);
  options.skipProcessEventRegistration = true;
  const broker = new ServiceBroker(options);
  const nc = await connect({ servers: config.NATS_URL, name: `${broker.nodeID}-events` });
  const events = new EventStore(nc, config);

  if (wanted.includes("noop")) {
    const noop: ServiceSchema = {
      name: "bench.noop",
      actions: {
        publish: {
          async handler() {
            await events.js.publish("bench.noop", PAYLOAD);
            return { ok: true };
          },
        },
        read: { handler: () => READ_RESULT },
      },
      async started() {
        await events.ensureStream("bench");
      },
    };
    broker.createService(noop);
  }
  if (wanted.includes("api")) {
    broker.createService({
      name: "api",
      mixins: [ApiGateway],
      settings: {
        port: config.PORT,
        ip: config.HOST,
        // As the gateway's requestLines (not imported: the bare stack loads no project code).
        logRequest: requestLines,
        logResponse: requestLines,
        logRequestParams: null,
        logResponseData: null,
        routes: [
          {
            path: "/",
            bodyParsers: { json: { limit: config.BODY_LIMIT } },
            aliases: { "POST /noop/publish": "bench.noop.publish", "GET /noop/read": "bench.noop.read" },
            mappingPolicy: "restrict",
          },
        ],
      },
    } as ServiceSchema);
  }
  await broker.start();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await broker.stop().catch(() => {});
      await nc.drain().catch(() => {});
    })();
    return stopping;
  };
  process.on("SIGTERM", () => stop().finally(() => process.exit(0)));
  process.on("SIGINT", () => {}); // the bench stops its children itself
  exitWithParent(stop);
  tell({ type: "ready", url: `http://127.0.0.1:${config.PORT}` });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench baseline failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
