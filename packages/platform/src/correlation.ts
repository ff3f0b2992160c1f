// Which id a command's events are correlated by (the spec's correlation key:
// the order, the request, the room a booking is for). A repository declares it
// once, so that no command issued in a request has to say it.

/** The correlation key of a command's events, from what it acts on. By default the aggregate's own id. */
export type Correlation<S, C> = (id: string, command: C, state: S | undefined) => string;

/**
 * Correlation by an id the aggregate keeps, e.g. a payment's `orderId`: read
 * from its state, or from the command that creates it; the aggregate's own id
 * when neither has it.
 */
export function correlateBy<S, C>(field: keyof S & string): Correlation<S, C> {
  return (id, command, state) => {
    const value = fieldOf(state, field) ?? fieldOf(command, field);
    return typeof value === "string" ? value : id;
  };
}

function fieldOf(value: unknown, field: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[field] : undefined;
}
