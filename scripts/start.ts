// `npm start`: everything on one machine. Starts a local nats-server with
// JetStream (unless NATS_URL is set), then one node running every service and
// the gateway, and prints where to go. All state lives under DATA_DIR.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NatsServer } from "@seed/platform/operations";
import { ALL_DAY_SLOTS, banner } from "./banner.js";
import { configOrFail, fail, loadOrFail, say, stopOnSignals } from "./lifecycle.js";

// The demo users exist by default for the local start only (never in k8s).
process.env.DEMO_USERS ??= "true";
// A local try-out must work at any hour: meeting rooms take reservations all
// day unless MEETINGROOM_SLOTS says otherwise (deployments keep the day's slots).
const allDaySlots = process.env.MEETINGROOM_SLOTS === undefined;
process.env.MEETINGROOM_SLOTS ??= ALL_DAY_SLOTS;

const DEMO_USERS = [
  ["alice", "customer, member"],
  ["bob", "seller"],
  ["carol", "cleaner"],
  ["dave", "admin, manager"],
  ["erin", "customer, member"],
] as const;

async function main(): Promise<void> {
  const [node, operations, { launchNode }, { catalog }, { meetingroomManifest }] = await loadOrFail(() =>
    Promise.all([
      import("@seed/platform/node"),
      import("@seed/platform/operations"),
      import("./launch.js"),
      import("./catalog.js"),
      import("@seed/meetingroom/manifest"),
    ]),
  );
  const meetingroomSettings = meetingroomManifest.settings;
  let config = configOrFail(() => node.refuseKnownSecrets(node.loadConfig(process.env, catalog)));

  let nats: NatsServer | undefined;
  const urlFile = join(config.DATA_DIR, "nats.url");
  if (!config.NATS_URL) {
    try {
      const bin = operations.findNatsServer({ log: say });
      const wanted = process.env.NATS_PORT ? Number(process.env.NATS_PORT) : 4222;
      // The default port may be taken (another NATS, another checkout): then any free one.
      const port = process.env.NATS_PORT || (await operations.portIsFree(wanted)) ? wanted : 0;
      nats = await operations.startNatsServer({ bin, port, storeDir: join(config.DATA_DIR, "nats") });
    } catch (err) {
      fail(
        "No NATS server could be started. This project needs NATS with JetStream: install nats-server " +
          "(as root on Debian: bash scripts/nats-server.sh; or apt install / brew install nats-server), or run `docker compose up nats`, or point " +
          "NATS_URL at a running server (e.g. NATS_URL=nats://localhost:4222 npm start).",
        err,
      );
    }
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(urlFile, `${nats.url}\n`); // extra nodes (`npm run node`) read it
    config = { ...config, NATS_URL: nats.url };
    // A nats-server of our own has no other node on it yet: nobody to wait for.
    if (process.env.DISCOVERY_WAIT_MS === undefined) config = { ...config, DISCOVERY_WAIT_MS: 0 };
  }
  const local = nats;
  // Stopped while still starting: the nats-server runs in its own process
  // group and would outlive us, so it goes down first.
  const stopWhileStarting = () => {
    local?.kill("SIGTERM");
    process.exit(130);
  };
  process.once("SIGINT", stopWhileStarting);
  process.once("SIGTERM", stopWhileStarting);
  const stopNats = async () => {
    if (!local) return;
    try {
      if (readFileSync(urlFile, "utf8").trim() === local.url) rmSync(urlFile, { force: true });
    } catch {
      // already gone
    }
    await local.stop();
  };

  let launched: Awaited<ReturnType<typeof launchNode>>;
  try {
    launched = await launchNode(config);
  } catch (err) {
    await stopNats();
    fail(
      `The services could not start (NATS at ${config.NATS_URL}, HTTP port ${config.PORT}). If the port is in use, ` +
        "set PORT; if NATS is unreachable, check NATS_URL or unset it to start a local nats-server.",
      err,
    );
  }

  const { url } = launched;
  process.stdout.write(
    banner({
      url,
      systems: catalog.map((s) => s.name),
      natsUrl: config.NATS_URL,
      natsStore: local ? join(config.DATA_DIR, "nats") : undefined,
      services: launched.node.services,
      meetingroomSlots: meetingroomSettings.of(config).MEETINGROOM_SLOTS,
      meetingroomTz: meetingroomSettings.of(config).MEETINGROOM_TZ,
      allDaySlots,
      demoUsers: config.DEMO_USERS === "true" ? DEMO_USERS : undefined,
    }),
  );

  process.off("SIGINT", stopWhileStarting);
  process.off("SIGTERM", stopWhileStarting);
  stopOnSignals(
    [
      { name: "node", stop: () => launched.stop(), timeoutMs: config.SHUTDOWN_TIMEOUT_MS + 2000 },
      { name: "nats-server", stop: stopNats, timeoutMs: 10000 },
    ],
    { force: () => local?.kill("SIGKILL") },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`\n[seed] start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
