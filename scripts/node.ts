// `npm run node -- --services mall.pay,mall.delivery`: one more node joining
// the same NATS as `npm start` (or NATS_URL). A node without the gateway serves
// /health/live, /health/ready and /metrics on HEALTH_PORT (0 = a free port).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { LaunchOptions } from "./launch.js";
import { configOrFail, fail, loadOrFail, natsUrlOrFail, say, stopOnSignals } from "./lifecycle.js";

const USAGE = `usage: npm run node -- --services <list>

  --services, -s   services this node runs: "*", "mall.*", or a list like
                   mall.pay,mall.delivery (add "api" for the gateway); sets SERVICES
  --help, -h       this text

Environment: NATS_URL (default: the URL \`npm start\` wrote to DATA_DIR/nats.url),
HEALTH_PORT (health server of a node without the gateway; 0 = a free port),
NAMESPACE (Moleculer namespace; nodes only see nodes of the same one),
and every variable of the configuration (see README).`;

/** Parses the command line, starts the node and stops it on signals; `extra` adds to how it is launched. */
export async function runNode(extra: Pick<LaunchOptions, "middlewares" | "clock"> = {}): Promise<void> {
  let values: { services?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: { services: { type: "string", short: "s" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.services) process.env.SERVICES = values.services;

  const [platform, { launchNode }, { catalog }] = await loadOrFail(() =>
    Promise.all([import("@seed/platform/node"), import("./launch.js"), import("./catalog.js")]),
  );
  let config = configOrFail(() => platform.refuseKnownSecrets(platform.loadConfig(process.env, catalog)));
  config = {
    ...config,
    NATS_URL: natsUrlOrFail(
      config,
      "Run `npm start` first (it starts a local nats-server and writes its URL there), " +
        "or set NATS_URL to the NATS server the other nodes use.",
    ),
  };

  let launched: Awaited<ReturnType<typeof launchNode>>;
  try {
    launched = await launchNode(config, { ...extra, healthPort: config.HEALTH_PORT });
  } catch (err) {
    fail(
      `This node could not start (NATS at ${config.NATS_URL}). Check that NATS is running (\`npm start\` in ` +
        "another terminal, or NATS_URL), that the names in SERVICES and GATEWAY_SYSTEMS exist, and that the ports are free.",
      err,
    );
  }

  const { node, url, hasGateway } = launched;
  say(`node ${node.broker.nodeID} joined ${config.NATS_URL}`);
  say(`services: ${node.services.join(", ") || "(none)"}`);
  say(hasGateway ? `gateway: ${url}` : `health: ${url}/health/ready  metrics: ${url}/metrics`);

  stopOnSignals([{ name: "node", stop: () => launched.stop(), timeoutMs: config.SHUTDOWN_TIMEOUT_MS + 2000 }]);
}

const isEntry = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry)
  runNode().catch((err: unknown) =>
    fail("The node stopped with an unexpected error.", err instanceof Error ? err.stack : err),
  );
