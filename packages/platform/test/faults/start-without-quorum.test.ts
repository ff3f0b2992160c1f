// A node that starts while JetStream cannot answer (two NATS servers of three
// down: no leader can be elected) must wait for it, not exit: an orchestrator
// would only start it again after a delay, and count a crash. Once a server is
// back, the same process creates its replicated stream and consumers and is
// ready.
import { spawnNode, tempDir } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { startNatsCluster } from "../../src/nats-cluster.js";

describe("a node started while JetStream has lost its quorum", () => {
  it("waits, says so, and is ready once a server is back, without exiting", async () => {
    const nats = await startNatsCluster({ baseDir: tempDir("seed-quorum-"), name: `quorum${process.pid}-` });
    try {
      await Promise.all([nats.stopMember(1, "SIGKILL"), nats.stopMember(2, "SIGKILL")]);
      let metTheLoss: () => void = () => {};
      const waiting = new Promise<void>((resolve) => {
        metTheLoss = resolve;
      });
      let output = "";
      // mall.pay: a stream, the dead-letter stream, a projection and a policy's consumer to set up.
      const starting = spawnNode({
        services: "mall.pay",
        env: { NATS_URL: nats.url, STREAM_REPLICAS: 3 },
        readyTimeoutMs: 60_000,
        onOutput: (text) => {
          output += text;
          if (output.includes("NATS not answering")) metTheLoss();
        },
      });
      // It met the lost quorum while starting (spawnNode rejects if it exits first).
      await Promise.race([waiting, starting]);
      expect(output).toMatch(/MALL: NATS not answering \((TIMEOUT|503)\), attempt 1/);
      await Promise.all([nats.startMember(1), nats.startMember(2)]);
      const node = await starting;
      expect(node.process.exitCode).toBeNull();
      const ready = await fetch(`${node.url}/health/ready`);
      expect(ready.status).toBe(200);
      await node.stop();
    } finally {
      await nats.stop();
    }
  }, 90_000);
});
