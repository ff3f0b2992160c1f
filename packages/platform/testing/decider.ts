// Pure tests of a decider, the same for every system, in the form
// `given(events).when(command).then(events)`: the given events are folded
// from the initial state, the command is decided on what they built, and the
// decided events are checked against their schemas. A refusal is caught to
// look at its status and rule.
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { expect } from "vitest";
import {
  type DecideContext,
  type Decider,
  type DomainEvent,
  type Existing,
  exists,
  Refusal,
  type Stated,
} from "../src/domain.js";

export interface Decision<S extends Stated, E> {
  /** The command produces exactly `expected`; answers the state they lead to (as the repository does, one that exists). */
  then(expected: E[]): Existing<S>;
  /** The command changes nothing (a repeat, or nothing left to do). */
  thenNothing(): void;
  /** The command is refused with `status` and `rule`; answers the refusal for a closer look. */
  thenRefuses(status: number, rule: string): Refusal;
  /** The events decided, checked against their schemas, and the state they lead to. */
  outcome(): { events: E[]; state: S };
}

export interface Given<S extends Stated, C, E> {
  /** The state the given events built. */
  state: S;
  /** Decides `command` on that state; `ctx` changes the decide context (its "now"). */
  when(command: C, ctx?: Partial<DecideContext>): Decision<S, E>;
}

export interface DeciderSpec<S extends Stated, C, E> {
  given(events: E[]): Given<S, C, E>;
  /** The events that `commands`, decided one after the other from the initial state, produce. */
  history(...commands: C[]): E[];
  /** The decide context: a fixed "now". */
  ctx: DecideContext;
  /** The time of the i-th event folded (one second apart from "now"). */
  at(i: number): string;
  /** Asserts that every event's data matches its schema. */
  expectValid(events: E[]): void;
}

export function deciderSpec<S extends Stated, C, E extends DomainEvent>(
  decider: Decider<S, C, E>,
  schemas: Record<string, TSchema>,
  now = "2025-01-01T00:00:00.000Z",
): DeciderSpec<S, C, E> {
  const ctx = { now };
  const at = (i: number) => new Date(Date.parse(now) + i * 1000).toISOString();
  // The i-th event overall is folded at(i) with stream sequence i + 1.
  const fold = (events: E[], state: S, from: number) =>
    events.reduce((s, e, i) => decider.evolve(s, e, { at: at(from + i), seq: from + i + 1 }), state);
  const expectValid = (events: E[]) => {
    for (const e of events) {
      const schema = schemas[e.type];
      expect(schema, `schema of ${e.type}`).toBeDefined();
      expect([...Value.Errors(schema as TSchema, e.data)].map((x) => `${x.path} ${x.message}`)).toEqual([]);
    }
  };
  const given = (history: E[]): Given<S, C, E> => {
    const state = fold(history, decider.initialState, 0);
    return {
      state,
      when(command, context) {
        const decide = () => decider.decide(state, command, { ...ctx, ...context });
        const outcome = () => {
          const events = decide();
          expectValid(events);
          return { events, state: fold(events, state, history.length) };
        };
        return {
          outcome,
          // biome-ignore lint/suspicious/noThenProperty: the given/when/then form; a decision is never awaited
          then(expected) {
            const { events, state: after } = outcome();
            expect(events).toEqual(expected);
            if (!exists(after)) throw new Error(`${decider.name}: the decided events left it empty`);
            return after;
          },
          thenNothing() {
            expect(decide()).toEqual([]);
          },
          thenRefuses(status, rule) {
            const refusal = refusalOf(decide);
            expect([refusal.status, refusal.rule]).toEqual([status, rule]);
            return refusal;
          },
        };
      },
    };
  };
  return {
    given,
    history(...commands) {
      const events: E[] = [];
      for (const command of commands) events.push(...given(events).when(command).outcome().events);
      return events;
    },
    ctx,
    at,
    expectValid,
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
