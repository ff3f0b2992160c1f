// A production-shaped setup on one machine: a 3-member NATS cluster with
// JetStream (streams with 3 replicas), every system's services in processes
// of their own with N replicas each (one node per system, or, split per
// service, one per service as k8s/overlays/per-service runs them), gateway
// replicas behind one front door,
// all kept running by a supervisor. `npm run cluster` runs it; the fault
// tests start it too and then kill parts of it.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort, type NatsCluster, startNatsCluster } from "@seed/platform/operations";
import { catalog } from "./catalog.js";
import { type FrontDoor, startFrontDoor } from "./front-door.js";
import { type NodeSpec, Supervisor, type SupervisorOptions } from "./supervisor.js";

export interface LocalClusterOptions {
  dataDir: string;
  /** Port of the front door (0 = a free one). */
  port: number;
  /** Replicas of each system's node and of the gateway (default 2). */
  replicas?: number;
  /** Systems to run (default every one). */
  systems?: string[];
  /** One node per system (`mall.*`, the default) or one per service (`mall.pay`, …). */
  split?: Split;
  /** Configuration every node gets (config variables). */
  env?: Record<string, string>;
  namespace?: string;
  log?: (line: string) => void;
  supervisor?: SupervisorOptions;
}

export interface LocalCluster {
  url: string;
  nats: NatsCluster;
  supervisor: Supervisor;
  frontDoor: FrontDoor;
  /** Node names, e.g. ["api-1", "api-2", "mall-1", "mall-2"]. */
  nodes: string[];
  /** Every node, one replica at a time, as a Kubernetes rolling update: the next only once this one serves again. */
  rollingRestart(): Promise<void>;
  stop(): Promise<void>;
}

export type Split = "system" | "service";

/**
 * The nodes of a cluster other than the gateways: name and SERVICES of each,
 * `replicas` of every one. Split per service, a node's name is its service's
 * (`mall-pay-1` runs mall.pay).
 */
export function serviceNodes(
  names: string[],
  replicas: number,
  split: Split,
): Array<{ name: string; services: string }> {
  const groups =
    split === "system"
      ? names.map((system) => ({ name: system, services: `${system}.*` }))
      : catalog
          .filter((s) => names.includes(s.name))
          .flatMap((s) => s.services.map((service) => ({ name: service.replaceAll(".", "-"), services: service })));
  return groups.flatMap((g) =>
    Array.from({ length: replicas }, (_, i) => ({ name: `${g.name}-${i + 1}`, services: g.services })),
  );
}

export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const replicas = opts.replicas ?? 2;
  const names = opts.systems ?? catalog.map((s) => s.name);
  const log = opts.log ?? (() => {});
  mkdirSync(opts.dataDir, { recursive: true });
  const nats = await startNatsCluster({ baseDir: join(opts.dataDir, "nats") });
  const common: Record<string, string> = {
    NATS_URL: nats.url,
    STREAM_REPLICAS: "3",
    NAMESPACE: opts.namespace ?? "seed-cluster",
    DEMO_USERS: "true",
    ...opts.env,
  };
  const specs: NodeSpec[] = [];
  const add = async (name: string, services: string, extra: Record<string, string> = {}) => {
    specs.push({
      name,
      services,
      port: await freePort(),
      env: { ...common, NODE_ID: name, DATA_DIR: join(opts.dataDir, "nodes", name), ...extra },
    });
  };
  for (let i = 1; i <= replicas; i++) {
    // The front door must see a gateway's readiness go off before its listener closes.
    // It routes the systems this cluster runs: it is ready once it sees them, not after waiting for the rest.
    await add(`api-${i}`, "api", {
      SHUTDOWN_DRAIN_MS: common.SHUTDOWN_DRAIN_MS ?? "600",
      GATEWAY_SYSTEMS: names.join(","),
    });
  }
  for (const n of serviceNodes(names, replicas, opts.split ?? "system")) await add(n.name, n.services);

  const supervisor = new Supervisor({ log, ...opts.supervisor });
  try {
    await supervisor.start(specs);
  } catch (err) {
    await supervisor.stop();
    await nats.stop();
    throw err;
  }
  const gateways = specs.filter((s) => s.services === "api").map((s) => s.port);
  const frontDoor = await startFrontDoor({ port: opts.port, backends: gateways });
  return {
    url: frontDoor.url,
    nats,
    supervisor,
    frontDoor,
    nodes: specs.map((s) => s.name),
    rollingRestart: async () => {
      for (const spec of specs) {
        await supervisor.restart(spec.name);
        if (spec.services === "api") await frontDoor.waitReady(spec.port);
        // As Kubernetes' minReadySeconds: a moment for every peer to see it serving.
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    stop: async () => {
      await frontDoor.close();
      await supervisor.stop();
      await nats.stop();
    },
  };
}
