// How the kit carries out a reaction's effects: commands caused by the event
// (ids seeded from it) unless stamped otherwise, calls as given, in order; a
// refusal with a named rule leads to its alternative, any other stops there.
import { describe, expect, it } from "vitest";
import { type DomainEvent, Refusal } from "../../src/domain.js";
import { call, carryOut, type Effect, type EffectPorts, type ExecuteEffect, execute } from "../../src/reaction.js";
import type { ExecuteOptions } from "../../src/repository.js";
import { envelopeOf } from "../../testing/policy.js";

type Cmd = { type: "Check" } | { type: "Place"; by: number };
type PayState = { status: "Empty" };
const pay = {
  name: "pay",
  initialState: { status: "Empty" } as const,
  decide: (): DomainEvent[] => [],
  evolve: (s: PayState) => s,
};
const event = envelopeOf({ type: "QtyDecreased", data: {} }, { correlationId: "order-1" });

/** Ports that record what was done; `refuse` names the rule a command is refused with. */
function recording(refuse: (effect: ExecuteEffect) => string | undefined = () => undefined) {
  const done: Array<[string, unknown, unknown]> = [];
  const ports: EffectPorts = {
    reactor: "mall.pay",
    async execute(effect: ExecuteEffect, options: ExecuteOptions) {
      done.push(["execute", effect.command, options]);
      const rule = refuse(effect);
      if (rule) throw new Refusal(409, rule, rule);
      return { state: undefined, events: [] };
    },
    async call(action, params) {
      done.push(["call", action, params]);
    },
  };
  return { done, ports };
}

describe("carryOut", () => {
  it("stamps a command as caused by the event, with ids seeded from it and the reactor", async () => {
    const { done, ports } = recording();
    await carryOut([execute<PayState, Cmd, DomainEvent>(pay, "p1", { type: "Check" })], event, ports);
    expect(done).toEqual([
      [
        "execute",
        { type: "Check" },
        {
          correlationId: "order-1",
          causationId: event.id,
          idSeed: `mall.pay:${event.id}`,
          idTime: Date.parse(event.occurredAt),
        },
      ],
    ]);
  });

  it("keeps a command's own stamping, and runs effects in order", async () => {
    const { done, ports } = recording();
    const own = { correlationId: "order-1", idSeed: "approve:order-1" };
    const effects: Effect[] = [
      execute<PayState, Cmd, DomainEvent>(pay, "p1", { type: "Place", by: 1 }, { options: own }),
      call("mall.product.restoreStock", { orderId: "order-1" }),
    ];
    await carryOut(effects, event, ports);
    expect(done).toEqual([
      ["execute", { type: "Place", by: 1 }, own],
      ["call", "mall.product.restoreStock", { orderId: "order-1" }],
    ]);
  });

  it("follows the alternative of a refusal it names, and stops at any other failure", async () => {
    const giveBack = call("mall.product.restoreStock", { orderId: "order-1" });
    const check = execute<PayState, Cmd, DomainEvent>(
      pay,
      "p1",
      { type: "Check" },
      { whenRefused: { OrderCanceled: [giveBack] } },
    );
    const canceled = recording(() => "OrderCanceled");
    await carryOut([check], event, canceled.ports);
    expect(canceled.done.map(([kind]) => kind)).toEqual(["execute", "call"]);

    const other = recording(() => "NotFound");
    await expect(carryOut([check, giveBack], event, other.ports)).rejects.toMatchObject({ rule: "NotFound" });
    expect(other.done.map(([kind]) => kind)).toEqual(["execute"]);
  });
});
