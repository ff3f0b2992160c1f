// A NATS cluster with JetStream on one machine: what `npm run cluster` and
// the fault tests run to behave like production (three servers, streams with
// three replicas), on loopback ports. Each member keeps its name and store
// across restarts, so a member brought back rejoins as the same peer.
import { join } from "node:path";
import { findNatsServer, freePort, type NatsServer, startNatsServer } from "./nats-server.js";

export interface NatsClusterOptions {
  /** Members (default 3: a majority survives one loss). */
  size?: number;
  /** Each member stores its JetStream data in `<baseDir>/<name>`. */
  baseDir: string;
  host?: string;
  /** Prefix of the member names (default "seed-n"). */
  name?: string;
  log?: (member: string, line: string) => void;
}

export interface NatsCluster {
  /** Client URLs of every member, comma-separated (what NATS_URL takes). */
  url: string;
  members: Array<NatsServer | undefined>;
  names: string[];
  /** Stops one member (SIGKILL for a crash, SIGTERM for a clean stop). */
  stopMember(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped member again with its name, ports and store. */
  startMember(index: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startNatsCluster(opts: NatsClusterOptions): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  const host = opts.host ?? "127.0.0.1";
  const bin = findNatsServer();
  const prefix = opts.name ?? "seed-n";
  const names = Array.from({ length: size }, (_, i) => `${prefix}${i + 1}`);
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) {
    clientPorts.push(await freePort(host));
    routePorts.push(await freePort(host));
  }
  const routes = routePorts.map((p) => `nats://${host}:${p}`).join(",");
  const members: Array<NatsServer | undefined> = new Array(size).fill(undefined);

  const startMember = async (i: number) => {
    const name = names[i] as string;
    members[i] = await startNatsServer({
      bin,
      host,
      port: clientPorts[i] as number,
      storeDir: join(opts.baseDir, name),
      serverName: name,
      startTimeoutMs: 30_000,
      args: ["--cluster_name", prefix, "--cluster", `nats://${host}:${routePorts[i]}`, "--routes", routes],
      ...(opts.log ? { log: (line: string) => opts.log?.(name, line) } : {}),
    });
  };
  const stopMember = async (i: number, signal: NodeJS.Signals = "SIGTERM") => {
    const m = members[i];
    members[i] = undefined;
    if (!m) return;
    if (signal === "SIGKILL") {
      m.kill("SIGKILL");
      await new Promise<void>((r) =>
        m.process.exitCode !== null || m.process.signalCode !== null ? r() : m.process.once("exit", () => r()),
      );
    } else await m.stop();
  };

  try {
    // Together: JetStream answers only once a majority has elected its leader.
    await Promise.all(names.map((_, i) => startMember(i)));
  } catch (err) {
    await Promise.all(names.map((_, i) => stopMember(i, "SIGKILL")));
    throw err;
  }
  return {
    url: clientPorts.map((p) => `nats://${host}:${p}`).join(","),
    members,
    names,
    stopMember,
    startMember,
    stop: async () => {
      await Promise.all(names.map((_, i) => stopMember(i)));
    },
  };
}
