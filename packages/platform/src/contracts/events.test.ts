// defineEvents: one schema and version per type, upcasters from older
// versions, and the check of a catalog against its published snapshot.
import { Type as T } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { describe, expect, it } from "vitest";
import { decodeCommit, type EventEnvelope, encodeCommit } from "../event-store.js";
import { defineEvents } from "./events.js";
import { checkContract, snapshotOf } from "./snapshot.js";

const Placed1 = T.Object({ orderId: T.String(), amount: T.Integer() });
const Placed2 = T.Object({ orderId: T.String(), amount: T.Object({ value: T.Integer(), currency: T.String() }) });
const Placed3 = T.Object({ ...Placed2.properties, channel: T.String() });

const v1 = defineEvents("shop", {
  OrderPlaced: { version: 1, schema: Placed1 },
  OrderClosed: { version: 1, schema: T.Object({ orderId: T.String() }) },
});
const v3 = defineEvents("shop", {
  OrderPlaced: {
    version: 3,
    schema: Placed3,
    upcasters: {
      1: (d: { orderId: string; amount: number }) => ({ ...d, amount: { value: d.amount, currency: "KRW" } }),
      2: (d: object) => ({ ...d, channel: "web" }),
    },
  },
  OrderClosed: { version: 1, schema: T.Object({ orderId: T.String() }) },
});

const envelope = (type: string, version: number, data: unknown): EventEnvelope => ({
  id: "01JAAAAAAAAAAAAAAAAAAAAAAA",
  type,
  aggregate: "order",
  aggregateId: "o1",
  correlationId: "o1",
  occurredAt: "2025-01-01T00:00:00.000Z",
  version,
  data,
});

describe("defineEvents", () => {
  it("yields the schema map, the version per type and one union", () => {
    expect(v3.schemas.OrderPlaced).toBe(Placed3);
    expect(v3.versions).toEqual({ OrderPlaced: 3, OrderClosed: 1 });
    expect(v3.versionOf("OrderClosed")).toBe(1);
    expect(v3.versionOf("Nope")).toBeUndefined();
    expect(v3.types).toEqual(["OrderPlaced", "OrderClosed"]);
    expect(Value.Check(v3.union, { type: "OrderClosed", version: 1, data: { orderId: "o" } })).toBe(true);
    expect(Value.Check(v3.union, { type: "OrderClosed", version: 2, data: { orderId: "o" } })).toBe(false);
    expect(Value.Check(v3.union, { type: "OrderPlaced", version: 3, data: { orderId: "o" } })).toBe(false);
  });

  it("has no upcast at all when no type declares upcasters", () => {
    expect(v1.upcast).toBeUndefined();
  });

  it("refuses a version above 1 without the upcaster from the previous one", () => {
    expect(() => defineEvents("shop", { OrderPlaced: { version: 2, schema: Placed2 } })).toThrow(/upcaster from v1/);
    expect(() => defineEvents("shop", { OrderPlaced: { version: 0, schema: Placed1 } })).toThrow(/version/);
  });

  it("upcasts every older version to the current one, and leaves current ones untouched", () => {
    const upcast = v3.upcast as NonNullable<typeof v3.upcast>;
    const old = envelope("OrderPlaced", 1, { orderId: "o1", amount: 5000 });
    const up = upcast(old);
    expect(up).toMatchObject({
      version: 3,
      data: { orderId: "o1", amount: { value: 5000, currency: "KRW" }, channel: "web" },
    });
    expect(Value.Check(Placed3, up.data)).toBe(true);
    expect(old.version).toBe(1); // the stored event is not mutated
    expect(upcast(envelope("OrderPlaced", 2, { orderId: "o", amount: { value: 1, currency: "USD" } })).data).toEqual({
      orderId: "o",
      amount: { value: 1, currency: "USD" },
      channel: "web",
    });
    const current = envelope("OrderPlaced", 3, { orderId: "o" });
    expect(upcast(current)).toBe(current);
    const other = envelope("OrderClosed", 1, { orderId: "o" });
    expect(upcast(other)).toBe(other);
  });

  it("is applied by decodeCommit, the read path of projections and policies", () => {
    const bytes = encodeCommit([envelope("OrderPlaced", 1, { orderId: "o1", amount: 7 })]);
    expect(decodeCommit(bytes)[0]?.version).toBe(1);
    expect(decodeCommit(bytes, v3.upcast)[0]).toMatchObject({ version: 3, data: { amount: { value: 7 } } });
  });
});

describe("checkContract against a published snapshot", () => {
  const published = snapshotOf(v1);

  it("holds for the catalog it was taken from", () => {
    expect(checkContract(v1, published)).toEqual([]);
  });

  it("finds a breaking change inside a published version", () => {
    const changed = defineEvents("shop", {
      OrderPlaced: { version: 1, schema: T.Object({ orderId: T.String() }) },
      OrderClosed: { version: 1, schema: T.Object({ orderId: T.String() }) },
    });
    const problems = checkContract(changed, published);
    expect(problems.map((p) => [p.type, p.kind])).toEqual([["OrderPlaced", "breaking"]]);
    expect(problems[0]?.message).toMatch(/\/amount: field removed — bump the version/);
  });

  it("accepts a bumped version with its upcasters, once the snapshot has it", () => {
    const problems = checkContract(v3, published);
    expect(problems.map((p) => [p.type, p.version, p.kind])).toEqual([["OrderPlaced", 3, "unpublished"]]);
    const next = snapshotOf(v3, published);
    expect(Object.keys(next.events.OrderPlaced ?? {})).toEqual(["1", "3"]);
    expect(checkContract(v3, next)).toEqual([]);
  });

  it("finds a published type that is gone and a published version that cannot be upcast", () => {
    const later = snapshotOf(v3, published);
    const withoutChain = defineEvents("shop", {
      OrderPlaced: { version: 3, schema: Placed3, upcasters: { 2: (d: object) => ({ ...d, channel: "web" }) } },
    });
    const problems = checkContract(withoutChain, later).map((p) => p.message);
    expect(problems).toEqual([
      "OrderClosed was published and is no longer declared: its stored events could not be read",
      "OrderPlaced v1 was published; v3 has no upcaster from v1",
    ]);
  });

  it("accepts a compatible change within a version and records it on update", () => {
    const widened = defineEvents("shop", {
      OrderPlaced: { version: 1, schema: T.Object({ ...Placed1.properties, note: T.Optional(T.String()) }) },
      OrderClosed: { version: 1, schema: T.Object({ orderId: T.String() }) },
    });
    expect(checkContract(widened, published)).toEqual([]);
    expect(snapshotOf(widened, published).events.OrderPlaced?.["1"]?.properties).toHaveProperty("note");
  });
});
