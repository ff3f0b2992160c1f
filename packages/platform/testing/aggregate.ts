// Pure tests of an aggregate, the same for every system: fold events into a
// state, run a command (decide, check its events against their schemas, fold
// them), and catch a refusal to look at its status and rule.
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { expect } from "vitest";
import { type Aggregate, type DomainEvent, Refusal } from "../src/domain.js";

export interface AggregateHarness<S, C, E extends DomainEvent> {
  /** The decide context: a fixed "now". */
  ctx: { now: string };
  /** The time of the i-th event folded (one second apart from "now"). */
  at(i: number): string;
  /** Folds events into `state`; `from` numbers the first one (its time and sequence). */
  fold(events: E[], state?: S, from?: number): S | undefined;
  /** Decides `command` on `state`, checks the events against their schemas, and folds them. */
  run(state: S | undefined, command: C): { events: E[]; state: S | undefined };
  /** Asserts that every event's data matches its schema. */
  expectValid(events: E[]): void;
}

export function aggregateHarness<S, C, E extends DomainEvent>(
  aggregate: Aggregate<S, C, E>,
  schemas: Record<string, TSchema>,
  now = "2025-01-01T00:00:00.000Z",
): AggregateHarness<S, C, E> {
  const at = (i: number) => new Date(Date.parse(now) + i * 1000).toISOString();
  const fold = (events: E[], state?: S, from = 0) =>
    events.reduce<S | undefined>((s, e, i) => aggregate.evolve(s, e, { at: at(from + i), seq: from + i + 1 }), state);
  const expectValid = (events: E[]) => {
    for (const e of events) {
      const schema = schemas[e.type];
      expect(schema, `schema of ${e.type}`).toBeDefined();
      expect([...Value.Errors(schema as TSchema, e.data)].map((x) => `${x.path} ${x.message}`)).toEqual([]);
    }
  };
  const ctx = { now };
  return {
    ctx,
    at,
    fold,
    expectValid,
    run(state, command) {
      const events = aggregate.decide(state, command, ctx);
      expectValid(events);
      return { events, state: fold(events, state, state ? 1 : 0) };
    },
  };
}

/** The Refusal `fn` throws; fails the test when it throws nothing or something else. */
export function refusalOf(fn: () => unknown): Refusal {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Refusal);
    return e as Refusal;
  }
  throw new Error("expected a Refusal, nothing was thrown");
}
