import { type Context, type Endpoint, ServiceBroker, Strategies } from "moleculer";
import { afterAll, describe, expect, it } from "vitest";
import { AVAILABLE_SHARD } from "../src/shard.js";

// Endpoints as a strategy sees them: only their node id is read.
const endpoints = (...ids: string[]) => ids.map((id) => ({ id }) as unknown as Endpoint);
const call = (id: string) => ({ params: { id } }) as unknown as Context;

describe("AvailableShard", () => {
  const broker = new ServiceBroker({ logger: false, transporter: null });
  afterAll(() => broker.stop());
  const strategy = (name: string) => {
    const Strategy = Strategies.resolve(name) as unknown as new (
      registry: unknown,
      broker: ServiceBroker,
      opts: object,
    ) => { select(list: Endpoint[], ctx: Context): Endpoint | undefined };
    return new Strategy(broker.registry, broker, { shardKey: "id" });
  };
  /** A pay id that the ring over both replicas sends to `node-b`. */
  const keyOnB = () => {
    const probe = strategy(AVAILABLE_SHARD);
    for (let i = 0; ; i++)
      if (probe.select(endpoints("node-a", "node-b"), call(`pay-${i}`))?.id === "node-b") return `pay-${i}`;
  };

  it("sends a key to the same replica while the replicas stay, and to a live one when its own is unavailable", () => {
    const key = keyOnB();
    const shard = strategy(AVAILABLE_SHARD);
    expect(shard.select(endpoints("node-a", "node-b"), call(key))?.id).toBe("node-b");
    expect(shard.select(endpoints("node-a", "node-b"), call(key))?.id).toBe("node-b");
    // node-b's breaker opened (it died; the registry has not dropped it yet): only node-a is offered.
    expect(shard.select(endpoints("node-a"), call(key))?.id).toBe("node-a");
    // Back: the key goes home again.
    expect(shard.select(endpoints("node-a", "node-b"), call(key))?.id).toBe("node-b");
  });

  it("Moleculer's own Shard picks no endpoint then (the broker answers 500 'Strategy returned an invalid endpoint')", () => {
    const key = keyOnB();
    const shard = strategy("Shard");
    expect(shard.select(endpoints("node-a", "node-b"), call(key))?.id).toBe("node-b");
    expect(shard.select(endpoints("node-a"), call(key))).toBeUndefined();
  });
});
