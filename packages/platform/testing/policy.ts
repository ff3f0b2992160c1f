// Pure tests of a policy, the same for every system: given an event (and what
// the policy reads), the effects its reaction wants — commands, calls — with
// no NATS and no node. Compared with `execute(...)` and `call(...)` values.
import { type DomainEvent, Refusal } from "../src/domain.js";
import type { EventEnvelope } from "../src/event-store.js";
import { carryOut, type Effect, type ExecuteEffect, type Reactions } from "../src/reaction.js";

/** Id and time of the event a test hands a policy (unless it gives its own). */
export const GIVEN_EVENT = { id: "01HZX00000000000000000EVNT", occurredAt: "2025-01-01T00:00:00.000Z" };

/** An event as a policy receives it from the stream. */
export function envelopeOf<E extends DomainEvent>(
  event: E,
  meta: Partial<EventEnvelope> = {},
): EventEnvelope<E["data"]> {
  return {
    ...GIVEN_EVENT,
    type: event.type,
    aggregate: "given",
    aggregateId: "given",
    correlationId: "given",
    version: 1,
    data: event.data,
    ...meta,
  };
}

/** The effects of `policy`'s reaction to `event`: none when it has no reaction to the event's type. */
export async function effectsOf<E extends DomainEvent, R = void>(
  policy: Reactions<E, R>,
  event: E | EventEnvelope,
  ...given: R extends void ? [] : [reads: R]
): Promise<Effect[]> {
  const envelope = "occurredAt" in event ? event : envelopeOf(event);
  const react = (policy as Record<string, ((e: EventEnvelope, reads: R) => Effect[] | Promise<Effect[]>) | undefined>)[
    envelope.type
  ];
  return react ? react(envelope, given[0] as R) : [];
}

/**
 * Carries out `effects` against stand-ins, as the kit would: returns the
 * commands tried and the calls made, in order (a command without what its
 * refusal would lead to). `refusal` names the rule `decide` refuses a command
 * with (undefined: accepted), to follow a saga's other branch.
 */
export async function carriedOut(
  effects: Effect[],
  refusal: (effect: ExecuteEffect) => string | undefined = () => undefined,
): Promise<Effect[]> {
  const performed: Effect[] = [];
  await carryOut(effects, envelopeOf({ type: "Given", data: {} }), {
    reactor: "test",
    async execute(effect) {
      const { whenRefused: _, ...command } = effect;
      performed.push(command);
      const rule = refusal(effect);
      if (rule) throw new Refusal(409, rule, `refused: ${rule}`);
      return { state: undefined, events: [] };
    },
    async call(action, params) {
      performed.push({ kind: "call", action, params });
    },
  });
  return performed;
}
