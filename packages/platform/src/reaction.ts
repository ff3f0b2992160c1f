// A policy's reactions as pure functions: from an event (and what the policy
// reads, passed in) to the effects it wants, as data — commands on aggregates
// of its service, calls of other services' actions. A test compares the
// effects ("given PayCanceled, cancel the order"); the kit carries them out
// (`carryOut`), with the idempotency every reaction needs: commands are caused
// by the event and their event ids are derived from it, so a redelivered event
// appends nothing twice.
import type { Decider, DomainEvent, Stated } from "./domain.js";
import { ruleOf } from "./errors.js";
import type { EventEnvelope } from "./event-store.js";
import { causedBy, type ExecuteOptions } from "./repository.js";

/** A command on an aggregate the reacting service owns. */
export interface ExecuteEffect {
  kind: "execute";
  /** The decider of the aggregate the command is for. */
  aggregate: Decider<Stated, unknown, DomainEvent>;
  id: string;
  command: unknown;
  /** How the command is stamped; by default it is caused by the event (`causedBy`). */
  options?: ExecuteOptions;
  /**
   * What to do instead when `decide` refuses with one of these rules. Any
   * other refusal is the answer to the event: nothing more is done.
   */
  whenRefused?: Record<string, Effect[]>;
}

/** A call of another service's action (it must be idempotent: the event may be handled again). */
export interface CallEffect {
  kind: "call";
  action: string;
  params: Record<string, unknown>;
}

export type Effect = ExecuteEffect | CallEffect;

/** `command` on the aggregate `id`; `more` overrides its stamping or says what a refusal leads to. */
export function execute<S extends Stated, C, E extends DomainEvent>(
  decider: Decider<S, C, E>,
  id: string,
  command: C,
  more: Pick<ExecuteEffect, "options" | "whenRefused"> = {},
): ExecuteEffect {
  const aggregate = decider as unknown as Decider<Stated, unknown, DomainEvent>;
  return { kind: "execute", aggregate, id, command, ...more };
}

export function call(action: string, params: Record<string, unknown>): CallEffect {
  return { kind: "call", action, params };
}

/**
 * A policy: per event type, what it does. `reads` is what the policy may
 * look at besides the event (lookups in the service's own copies, settings),
 * given by the service and replaced by plain values in tests.
 */
export type Reactions<E extends DomainEvent, R = void> = {
  [K in E["type"]]?: (event: EventEnvelope<Extract<E, { type: K }>["data"]>, reads: R) => Effect[] | Promise<Effect[]>;
};

/** What carrying out effects needs from the service: its repositories and the broker. */
export interface EffectPorts {
  /** Names the commands' seeded ids (the service name). */
  reactor: string;
  execute(effect: ExecuteEffect, options: ExecuteOptions): Promise<unknown>;
  call(action: string, params: Record<string, unknown>): Promise<unknown>;
}

/** Carries out `effects` of a reaction to `event` one after the other; the first failure stops them. */
export async function carryOut(effects: Effect[], event: EventEnvelope, ports: EffectPorts): Promise<void> {
  for (const effect of effects) {
    if (effect.kind === "call") {
      await ports.call(effect.action, effect.params);
      continue;
    }
    try {
      await ports.execute(effect, effect.options ?? causedBy(event, ports.reactor));
    } catch (err) {
      const rule = ruleOf(err);
      const instead = rule === undefined ? undefined : effect.whenRefused?.[rule];
      if (!instead) throw err;
      await carryOut(instead, event, ports);
    }
  }
}
