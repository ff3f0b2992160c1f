// The setup every fault test file repeats, once: a nats-server of its own, an
// in-process main node (the gateway and what the test does not kill), real
// child processes for what it kills, one clock all of them share, and a
// teardown that kills every child, stops the main node and the server.
//
// `faultCluster(...)` registers the file's beforeAll/afterAll and returns the
// cluster, whose parts are there from the first test on.
import { afterAll, afterEach, beforeAll } from "vitest";
import type { NatsServer } from "../src/nats-server.js";
import type { FaultPlan } from "./crash-points.js";
import { clusterEnv, privateNats } from "./fault-env.js";
import {
  type ConfigOverrides,
  eventually,
  type SpawnedNode,
  type SpawnNodeOptions,
  spawnNode,
  startTestNode,
  type TestNode,
} from "./index.js";
import { MovingClock, TEST_CLOCK_SERVICE } from "./moving-clock.js";

type Env = ConfigOverrides & Record<string, string | number>;

export interface FaultClusterOptions {
  /** Config of every node of the file, beyond `clusterEnv` (windows, slots, timeouts). */
  env?: Env;
  /** Services of the in-process node (add "api" for the gateway); its own config beyond `env`. */
  main: { services: string; config?: ConfigOverrides; faults?: FaultPlan };
  /** Nodes spawned beside the main node at start (services, or options of `spawn`). */
  spawned?: Array<string | (SpawnOptions & { services: string })>;
  /** Where the shared clock starts (default: the real time); it runs on at the real pace. */
  clockStart?: number | string | Date;
}

export interface SpawnOptions extends Omit<SpawnNodeOptions, "services" | "env" | "clockStart"> {
  /** Config beyond the cluster's `env`. */
  env?: Env;
  /**
   * A NODE_ID of its own, kept when the node is spawned again: a restarted pod
   * takes the dead one's place, and the gateway forgets the dead one at once.
   */
  nodeId?: string;
  /** Wait until the main node sees these services on it (default: the node's own, when it has no wildcard). */
  waitFor?: string[];
}

export interface FaultCluster {
  readonly nats: NatsServer;
  /** Config every node of the file gets (clusterEnv and the file's `env`). */
  readonly env: Env;
  readonly main: TestNode;
  /** Every node spawned so far, live or dead, in order. */
  readonly children: SpawnedNode[];
  /** "Now" of every node of the cluster. */
  readonly clock: MovingClock;
  /** Spawns a node in the cluster, on its clock; resolves when the main node sees its services. */
  spawn(services: string, opts?: SpawnOptions): Promise<SpawnedNode>;
  /** The last spawned node running exactly `services` that is still alive. */
  live(services: string): SpawnedNode | undefined;
  /**
   * Moves every node's clock forward by `ms` (no real time passes), then runs
   * the tickers of `tick` services at once on every node that has them.
   */
  advance(ms: number, tick?: string[]): Promise<void>;
  /** Runs the tickers of `service` now on every node of the cluster that runs it; resolves to how many nodes ran them. */
  tick(service: string): Promise<number>;
}

const alive = (c: SpawnedNode) => c.process.exitCode === null && c.process.signalCode === null;

/**
 * How long the test's own calls to a node (set its clock, run its tickers)
 * may take: they are not requests the tests measure, and the nodes' request
 * timeout (1 s in tests) is short for a node that has just started on a
 * loaded machine.
 */
const PLUMBING_TIMEOUT_MS = 10_000;

/** The fault cluster of this test file (see the top of this file). */
export function faultCluster(opts: FaultClusterOptions): FaultCluster {
  const clock = new MovingClock(opts.clockStart ?? Date.now());
  const children: SpawnedNode[] = [];
  let nats: NatsServer | undefined;
  let env: FaultCluster["env"] | undefined;
  let main: TestNode | undefined;
  const ready = <T>(part: T | undefined, name: string): T => {
    if (part === undefined) throw new Error(`the fault cluster's ${name} is there from the first test on`);
    return part;
  };

  const spawn = async (services: string, o: SpawnOptions = {}): Promise<SpawnedNode> => {
    const { env: extra, nodeId, waitFor, ...rest } = o;
    const nodeID = nodeId ? `${nodeId}-${process.pid}` : undefined;
    // A node taking the place of a dead one has its ID: the main node may still list the dead one.
    const previous = nodeID ? main?.node.broker.registry.nodes.get(nodeID)?.instanceID : undefined;
    const child = await spawnNode({
      ...rest,
      services,
      env: { ...ready(env, "env"), ...extra, ...(nodeID ? { NODE_ID: nodeID } : {}) },
      clockStart: clock.now(),
    });
    children.push(child);
    const expected = waitFor ?? (services.includes("*") ? [] : services.split(","));
    if (main) await seenOn(child, expected, previous);
    return child;
  };

  const nodesRunning = (service: string): string[] =>
    ready(main, "main")
      .node.broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true })
      .filter((s) => s.name === service)
      .flatMap((s) => (s.nodeID ? [s.nodeID] : []));

  /**
   * Until the main node sees `services` on this child: not only on itself or
   * another replica, nor on the dead node (instance `previous`) whose ID the
   * child took. Until it has the child's own announcement, a call to that ID
   * finds the dead node, or none.
   */
  const seenOn = (child: SpawnedNode, services: string[], previous?: string | null) =>
    eventually(
      () => {
        const nodeID = child.env.NODE_ID ?? "";
        if (previous && ready(main, "main").node.broker.registry.nodes.get(nodeID)?.instanceID === previous)
          throw new Error(`the main node still sees the previous ${nodeID}`);
        const missing = services.filter((s) => !nodesRunning(s).includes(nodeID));
        if (missing.length > 0)
          throw new Error(`the main node does not see ${missing.join(", ")} on ${child.env.NODE_ID}`);
      },
      { timeout: 10_000, interval: 25 },
    );

  const cluster: FaultCluster = {
    get nats() {
      return ready(nats, "nats");
    },
    get env() {
      return ready(env, "env");
    },
    get main() {
      return ready(main, "main");
    },
    children,
    clock,
    spawn,
    live: (services) => children.findLast((c) => c.env.SERVICES === services && alive(c)),
    async advance(ms, tick = []) {
      clock.advance(ms);
      const broker = ready(main, "main").node.broker;
      const at = clock.now();
      // Setting a clock to a time twice is the same as once: the call is sent
      // again while a node that has just started, or is busy on a loaded
      // machine, does not answer in time.
      await Promise.all(
        children.filter(alive).map((c) =>
          eventually(() => broker.call(`${TEST_CLOCK_SERVICE}.set`, { at }, { nodeID: c.env.NODE_ID }), {
            timeout: PLUMBING_TIMEOUT_MS,
            interval: 100,
          }),
        ),
      );
      for (const service of tick) await cluster.tick(service);
    },
    async tick(service) {
      const broker = ready(main, "main").node.broker;
      const nodes = nodesRunning(service);
      // Sent once (two runs of a ticker at once are not what a node does), with time to answer on a loaded machine.
      await Promise.all(
        nodes.map((nodeID) => broker.call(`${service}.tick`, {}, { nodeID, timeout: PLUMBING_TIMEOUT_MS })),
      );
      return nodes.length;
    },
  };

  const spawnedAtStart = (opts.spawned ?? []).map((s) => (typeof s === "string" ? { services: s } : s));
  beforeAll(async () => {
    nats = await privateNats();
    env = { ...clusterEnv(nats), ...opts.env };
    const started = await Promise.all([
      startTestNode({
        services: opts.main.services,
        config: { ...env, ...opts.main.config },
        clock,
        // The gateway's warm-up waits up to 3 s for a node behind every route of
        // every system; this cluster runs a few services, and the fixture waits
        // for the ones it spawns itself.
        notWaitedFor: ["api routes"],
        ...(opts.main.faults ? { faults: opts.main.faults } : {}),
      }),
      ...spawnedAtStart.map(({ services, ...o }) => spawn(services, { ...o, waitFor: [] })),
    ]);
    main = started[0] as TestNode;
    // They started side by side and joined `children` as each became ready;
    // `children[i]` is the i-th of `spawned`, whichever was ready first.
    children.splice(0, children.length, ...(started.slice(1) as SpawnedNode[]));
    // the main node was not there to wait for them while they started
    await Promise.all(
      spawnedAtStart.map((s, i) =>
        seenOn(
          started[i + 1] as SpawnedNode,
          (s.waitFor ?? s.services.split(",")).filter((x) => !x.includes("*")),
        ),
      ),
    );
  }, 60_000);

  // A failed test prints what its spawned nodes wrote (errors only, at the
  // cluster's log level): a CI run keeps nothing else of them.
  afterEach(({ task }) => {
    if (task.result?.state !== "fail") return;
    for (const c of children) {
      const out = c.output().trim();
      if (out) console.log(`${c.env.NODE_ID} (${c.env.SERVICES}) wrote:\n${out.slice(-4000)}`);
    }
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill("SIGKILL")));
    await main?.stop();
    await nats?.stop();
  });

  return cluster;
}
