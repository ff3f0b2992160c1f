// How commits are named in a system's stream. An aggregate is `shop.order.<id>`.
// On a typed stream (the default on nats-server 2.11 and later) a commit's
// subject also names its events' type, `shop.order.<id>.OrderPlaced`, so a
// policy's consumer can take only the types it reacts to and the server sends
// it nothing else. Streams written before that, or on older servers, keep one
// subject per aggregate (`shop.order.<id>`): a stream is one or the other,
// said in its metadata, never both (docs/DESIGN.md, "Subjects").

/** The aggregate's subject: the first three tokens of any of its commits' subjects. */
export const subjectOf = (system: string, aggregate: string, id: string) => `${system}.${aggregate}.${id}`;

/** The last token of a commit holding events of more than one type: every policy of the aggregate takes it. */
export const MIXED_TYPES = "_";

/** The stream metadata key that marks a typed stream, and its value. */
export const SUBJECTS_METADATA = "seed.subjects";
export const TYPED = "typed";

/** Whether a stream, by its configuration, is typed. */
export const isTyped = (stream: { metadata?: Record<string, string> }) =>
  stream.metadata?.[SUBJECTS_METADATA] === TYPED;

/** End of the third token, or -1 when the subject has only three. */
function thirdDot(subject: string): number {
  const first = subject.indexOf(".");
  return subject.indexOf(".", subject.indexOf(".", first + 1) + 1);
}

/** The aggregate a commit's subject belongs to (`shop.order.<id>.OrderPlaced` → `shop.order.<id>`). */
export function aggregateSubjectOf(subject: string): string {
  const end = thirdDot(subject);
  return end < 0 ? subject : subject.slice(0, end);
}

/** The aggregate id a commit's subject names (its third token). */
export function idOfSubject(subject: string): string {
  const start = subject.indexOf(".", subject.indexOf(".") + 1) + 1;
  const end = thirdDot(subject);
  return end < 0 ? subject.slice(start) : subject.slice(start, end);
}

/** The subject a commit is appended to. */
export function commitSubject(aggregate: string, types: readonly string[], typed: boolean): string {
  if (!typed) return aggregate;
  const [first] = types;
  return `${aggregate}.${types.every((t) => t === first) ? first : MIXED_TYPES}`;
}

/** An aggregate's own subject (three tokens, no wildcard), not a filter over many. */
export const isAggregate = (subject: string) =>
  !subject.includes("*") && !subject.includes(">") && subject.split(".").length === 3;

/** What selects all of one aggregate's commits: its subject, or its subject with any type. */
export const aggregateFilter = (aggregate: string, typed: boolean) => (typed ? `${aggregate}.*` : aggregate);

/** A subject as a reader asks the stream for it: an aggregate's own subject takes all its commits; a filter is kept. */
export const readFilter = (subject: string, typed: boolean) =>
  isAggregate(subject) ? aggregateFilter(subject, typed) : subject;

/** A consumer's subjects as its configuration holds them: one filter, or a list (the server takes one or the other). */
export const consumerFilters = (filters: readonly string[]) =>
  filters.length === 1 ? { filter_subject: filters[0] } : { filter_subjects: [...filters] };

/**
 * The filters of a consumer that wants only commits of `types` among the
 * subjects of `filter` (`shop.order.>` or `shop.>`). On a typed stream, one
 * per type plus the mixed commits; else `filter` itself, every type.
 */
export function filtersOfTypes(filter: string, types: readonly string[], typed: boolean): string[] {
  if (!typed || !filter.endsWith(".>")) return [filter];
  const prefix = filter.slice(0, -2).split(".");
  const aggregate = [...prefix, "*", "*"].slice(0, 3).join(".");
  return [...new Set(types)]
    .sort()
    .map((t) => `${aggregate}.${t}`)
    .concat(`${aggregate}.${MIXED_TYPES}`);
}
