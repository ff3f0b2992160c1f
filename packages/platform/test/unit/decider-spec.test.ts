// The given/when/then helper deciders are tested with: it folds the given
// events from the initial state, checks the decided events against their
// schemas, and fails a test whose decision is not the one it names.
import { Type as T } from "@sinclair/typebox";
import { describe, expect, it } from "vitest";
import { type Decider, type DomainEvent, exists, refuse } from "../../src/domain.js";
import { deciderSpec } from "../../testing/decider.js";

type Tally = { status: "Empty" } | { status: "Counting"; total: number; since: string };
type Added = DomainEvent<"Added", { by: number }>;
type Command = { type: "Add"; by: number } | { type: "Reset" };

const tally: Decider<Tally, Command, Added> = {
  name: "tally",
  initialState: { status: "Empty" },
  decide(state, command) {
    if (command.type === "Reset") throw refuse.conflict("NoReset", "a tally only grows");
    if (command.by === 0) return [];
    if (state.status === "Counting" && state.total + command.by > 10) throw refuse.conflict("TooMuch", "at most 10");
    return [{ type: "Added", data: { by: command.by } }];
  },
  evolve(state, event, { at }) {
    return state.status === "Empty"
      ? { status: "Counting", total: event.data.by, since: at }
      : { ...state, total: state.total + event.data.by };
  },
};
const schemas = { Added: T.Object({ by: T.Integer({ minimum: 1 }) }) };
const { given, history, at } = deciderSpec(tally, schemas);
const added = (by: number): Added => ({ type: "Added", data: { by } });

describe("deciderSpec", () => {
  it("given no events, the state is the decider's initial state", () => {
    expect(given([]).state).toEqual({ status: "Empty" });
    expect(exists(given([]).state)).toBe(false);
  });

  it("folds the given events in order, the i-th at at(i), and answers the state the decided ones lead to", () => {
    expect(given([added(2), added(3)]).state).toEqual({ status: "Counting", total: 5, since: at(0) });
    expect(
      given([added(2)])
        .when({ type: "Add", by: 3 })
        .then([added(3)]),
    ).toEqual({
      status: "Counting",
      total: 5,
      since: at(0),
    });
  });

  it("history: the events commands produce one after the other", () => {
    expect(history({ type: "Add", by: 1 }, { type: "Add", by: 0 }, { type: "Add", by: 4 })).toEqual([
      added(1),
      added(4),
    ]);
  });

  it("fails a test whose decision is another one", () => {
    expect(() =>
      given([])
        .when({ type: "Add", by: 1 })
        .then([added(2)]),
    ).toThrow();
    expect(() => given([]).when({ type: "Add", by: 1 }).thenNothing()).toThrow();
    expect(() =>
      given([])
        .when({ type: "Add", by: 0 })
        .then([added(0)]),
    ).toThrow();
    expect(() => given([]).when({ type: "Reset" }).thenRefuses(409, "TooMuch")).toThrow();
    expect(() => given([]).when({ type: "Add", by: 1 }).thenRefuses(409, "TooMuch")).toThrow();
  });

  it("answers a refusal for a closer look", () => {
    const refusal = given([added(9)])
      .when({ type: "Add", by: 2 })
      .thenRefuses(409, "TooMuch");
    expect(refusal.message).toBe("at most 10");
  });

  it("checks decided events against their schemas", () => {
    const negative: Decider<Tally, Command, Added> = { ...tally, decide: () => [added(-1)] };
    expect(() => deciderSpec(negative, schemas).given([]).when({ type: "Add", by: 1 }).outcome()).toThrow();
  });
});
