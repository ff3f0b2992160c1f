// Which durable consumers a service's policy reads through. Each consumer
// receives every event on its subjects, reacted to or not, so a policy takes
// only the subjects of the aggregates whose events it reacts to: one durable
// per aggregate, which on a typed stream takes only the types reacted to
// (subjects.ts). When the aggregate of a reacted type is not declared in the
// event contract, the policy keeps one consumer on the whole stream.
//
// Upgrading a running system: the per-aggregate durables (`<service>-<aggregate>`)
// replace the service's former one (`<service>`, on `<system>.>`). A new one
// starts after what the former had acknowledged, and once all of them exist
// the former is deleted (see ServiceKit.start). A replica still running the
// old version then loses its consumer and handles nothing more; the new
// replicas have taken over its events.

export interface PolicyConsumer {
  durable: string;
  filter: string;
  /** The types reacted to among the filter's subjects. */
  types: string[];
}

export interface PolicyConsumers {
  /** The policy's name: the service's with dashes ("shop-billing"); dead letters are filed under it. */
  policy: string;
  consumers: PolicyConsumer[];
  /** The durable the consumers replace, to be deleted once they exist. */
  replaces?: string;
}

export function policyConsumers(
  service: string,
  reactedTypes: readonly string[],
  aggregateOf: (type: string) => string | undefined,
): PolicyConsumers {
  const policy = service.replaceAll(".", "-");
  const system = service.split(".")[0] ?? service;
  const aggregates = reactedTypes.map(aggregateOf);
  if (aggregates.length === 0 || aggregates.some((a) => a === undefined)) {
    return { policy, consumers: [{ durable: policy, filter: `${system}.>`, types: [...reactedTypes].sort() }] };
  }
  const distinct = [...new Set(aggregates as string[])].sort();
  return {
    policy,
    consumers: distinct.map((aggregate) => ({
      durable: `${policy}-${aggregate}`,
      filter: `${system}.${aggregate}.>`,
      types: reactedTypes.filter((t) => aggregateOf(t) === aggregate).sort(),
    })),
    replaces: policy,
  };
}
