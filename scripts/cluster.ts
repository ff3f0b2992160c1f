// `npm run cluster`: the production shape on one machine (see
// scripts/local-cluster.ts) — 3 NATS servers, 2 replicas of every system and
// of the gateway, a front door on PORT, crashed nodes restarted by themselves.
import { parseArgs } from "node:util";
import { fail, loadOrFail, say, stopOnSignals } from "./lifecycle.js";

const USAGE = `usage: npm run cluster -- [--replicas N] [--systems mall,sauce] [--per-service] [--verbose]

--per-service runs one node per service (mall.pay, mall.order, …), as the
per-service Kubernetes overlay does, instead of one per system.

Environment: PORT (front door, default 8080), DATA_DIR (default .data/cluster),
and every configuration variable (passed to every node).`;

async function main(): Promise<void> {
  let values: {
    replicas?: string | undefined;
    systems?: string | undefined;
    "per-service"?: boolean | undefined;
    verbose?: boolean | undefined;
    help?: boolean | undefined;
  };
  try {
    ({ values } = parseArgs({
      options: {
        replicas: { type: "string", short: "r" },
        systems: { type: "string", short: "s" },
        "per-service": { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const replicas = Number(values.replicas ?? 2);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) fail("--replicas must be 1..5");
  const [{ startLocalCluster }] = await loadOrFail(() => Promise.all([import("./local-cluster.js")]));
  const dataDir = process.env.DATA_DIR || ".data/cluster";
  const port = Number(process.env.PORT || 8080);
  const split = values["per-service"] ? "service" : "system";
  say(
    `starting 3 NATS servers and ${replicas} replicas of every ${split === "service" ? "service" : "system"}'s node (first start installs nothing, takes ~10 s)`,
  );
  let cluster: Awaited<ReturnType<typeof startLocalCluster>>;
  try {
    cluster = await startLocalCluster({
      dataDir,
      port,
      replicas,
      split,
      ...(values.systems ? { systems: values.systems.split(",").map((s) => s.trim()) } : {}),
      log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : (line) => line.startsWith("[") || say(line),
    });
  } catch (err) {
    fail(`The cluster could not start (is port ${port} free? set PORT).`, err);
  }
  const lines = [
    "",
    `  API:      ${cluster.url}   (docs: ${cluster.url}/docs)`,
    `  NATS:     ${cluster.nats.url}`,
    `  nodes:    ${cluster.nodes.map((n) => `${n} :${cluster.supervisor.spec(n).port}`).join(", ")}`,
    "  A node that dies or fails its liveness probe is started again. Ctrl-C stops everything.",
    "",
  ];
  process.stderr.write(`${lines.join("\n")}\n`);
  stopOnSignals([{ name: "cluster", stop: () => cluster.stop(), timeoutMs: 60_000 }]);
}

main().catch((err: unknown) =>
  fail("The cluster stopped with an unexpected error.", err instanceof Error ? err.stack : err),
);
