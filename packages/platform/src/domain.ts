// The vocabulary of pure domain code: aggregates as deciders, events
// as plain data, refusals as values. Nothing here touches I/O or Moleculer, so
// aggregates are tested with plain function calls.

/** A domain event as the aggregate sees it: a type and its data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** When an event happened and where it sits in the stream, for `evolve`. */
export interface EventMeta {
  /** ISO-8601 UTC time of the event. */
  at: string;
  /** Stream sequence of the commit that carried it (0 while not yet stored). */
  seq: number;
}

/** What `decide` may know besides state and command: the time and the caller. */
export interface DecideContext {
  now: string;
}

/** What a stream with no events folds to: the first member of every decider's state. */
export interface Empty {
  status: "Empty";
}

/** A state's `status` tells its members apart; `Empty` is the state of an id never written. */
export interface Stated {
  status: string;
}

/** The states an aggregate can be in once it has events. */
export type Existing<S extends Stated> = Exclude<S, Empty>;

/** Whether an aggregate has come into being (its stream has events). */
export const exists = <S extends Stated>(state: S): state is Existing<S> => state.status !== "Empty";

/**
 * A decider: the consistency boundary of one kind of thing. Its state is a
 * union told apart by `status`, starting at `initialState` (`Empty`, what an id
 * without events is). `decide` says which events a command produces from the
 * current state (or refuses it); `evolve` folds one event into the state. Both
 * are pure.
 */
export interface Decider<S extends Stated, C, E extends DomainEvent> {
  /** Subject token and name, e.g. "order" → `shop.order.<id>`. */
  name: string;
  initialState: Extract<S, Empty>;
  decide(state: S, command: C, ctx: DecideContext): E[];
  evolve(state: S, event: E, meta: EventMeta): S;
}

export type RefusalStatus = 402 | 403 | 404 | 409;

/**
 * A command the domain refuses; `rule` names the business rule (e.g.
 * "OutOfStock"), `details` what the client should change to succeed.
 */
export class Refusal extends Error {
  constructor(
    readonly status: RefusalStatus,
    readonly rule: string,
    message: string,
    /** Facts a client can act on (a 409's current price), passed on as `details`. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "Refusal";
  }
}

export const refuse = {
  conflict: (rule: string, message: string, details?: Record<string, unknown>) =>
    new Refusal(409, rule, message, details),
  notFound: (message: string) => new Refusal(404, "NotFound", message),
  forbidden: (rule: string, message: string) => new Refusal(403, rule, message),
  declined: (rule: string, message: string) => new Refusal(402, rule, message),
};
