// NATS subject filters, matched in memory: the stream feed hands each commit
// to the projections whose filter takes its subject, as the server would.
// Tokens are separated by dots; `*` takes one token, `>` one or more at the end.

export type SubjectTest = (subject: string) => boolean;

const compiled = new Map<string, SubjectTest>();

/** The test of one filter, made once: filters are few, subjects many. */
export function subjectFilter(filter: string): SubjectTest {
  let test = compiled.get(filter);
  if (!test) {
    test = compile(filter);
    compiled.set(filter, test);
  }
  return test;
}

function compile(filter: string): SubjectTest {
  const tokens = filter.split(".");
  const wildcards = tokens.filter((t) => t === "*" || t === ">").length;
  // The usual shapes, `shop.>` and `shop.order.>`, are a prefix test.
  if (wildcards === 1 && tokens.at(-1) === ">") {
    const prefix = filter.slice(0, -1);
    return (subject) => subject.length > prefix.length && subject.startsWith(prefix);
  }
  if (wildcards === 0) return (subject) => subject === filter;
  return (subject) => matchTokens(tokens, subject.split("."));
}

function matchTokens(filter: string[], subject: string[]): boolean {
  for (let i = 0; i < filter.length; i++) {
    const token = filter[i];
    if (token === ">") return subject.length > i;
    if (i >= subject.length) return false;
    if (token !== "*" && token !== subject[i]) return false;
  }
  return filter.length === subject.length;
}
