// The environment of fault tests: a nats-server of their own and the config
// every node of the file gets.
//
// Why not the run's shared nats-server: streams and policy consumers are per
// system (`MALL`, durable `mall-pay`, …), not per test namespace, so every node
// of every test file running at the same time is a member of the same durable
// consumers. A pay node killed here would not stop pay reactions (another
// file's node would create our pays), and its unacknowledged messages would
// stall the other files until the ack wait ran out. With its own server, the
// services a test kills really are the only ones.
import { join } from "node:path";
import { type NatsServer, startNatsServer } from "../src/nats-server.js";
import { tempDir } from "./index.js";

export async function privateNats(): Promise<NatsServer> {
  return startNatsServer({ storeDir: join(tempDir("seed-fault-nats-"), "jetstream") });
}

/**
 * Config of every node of a fault test: its own NATS; a short ack wait, so
 * the events a killed replica held come back soon; errors only in the log (the
 * 503s these tests cause on purpose are warnings); and a short graceful stop —
 * a call that timed out against a killed node stays "running" for Moleculer's
 * context tracker until that node is declared gone (heartbeat timeout, 30 s),
 * which holds the stop of the node that made the call for the full
 * SHUTDOWN_TIMEOUT_MS.
 */
export function clusterEnv(nats: NatsServer) {
  return { NATS_URL: nats.url, POLICY_ACK_WAIT_MS: 2000, LOG_LEVEL: "error", SHUTDOWN_TIMEOUT_MS: 500 } as const;
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}
