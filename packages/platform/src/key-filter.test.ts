import { describe, expect, it } from "vitest";
import { KeyFilter } from "./key-filter.js";

/** A section as LevelDB holds it, read through a promise the test settles when it likes. */
function section(initial: string[] = []) {
  const keys = new Set(initial);
  const reads: Array<() => void> = [];
  const readKeys = () => new Promise<string[]>((resolve) => reads.push(() => resolve([...keys])));
  /** Answers every read asked so far with the keys the section holds now. */
  const answer = async () => {
    for (const read of reads.splice(0)) read();
    await new Promise((r) => setImmediate(r));
  };
  return { keys, readKeys, answer, reads };
}

const key = (i: number) => `01KEY${String(i).padStart(21, "0")}`;

/** The share of never-written keys the filter does not know to be absent. */
function falsePositives(filter: KeyFilter, from: number, n = 20_000): number {
  let perhaps = 0;
  for (let i = from; i < from + n; i++) if (!filter.knowsAbsent(key(i))) perhaps++;
  return perhaps / n;
}

describe("KeyFilter", () => {
  it("knows nothing absent until the section's keys were read", async () => {
    const s = section([key(1)]);
    const filter = new KeyFilter(s.readKeys);
    expect(filter.knowsAbsent(key(2))).toBe(false);
    await s.answer();
    expect(filter.knowsAbsent(key(1))).toBe(false);
    expect(filter.knowsAbsent(key(2))).toBe(true);
  });

  it("keeps a key written while the keys are read, which the read did not see", async () => {
    const s = section([key(1)]);
    const filter = new KeyFilter(s.readKeys);
    filter.add(key(2)); // written after the read's snapshot: the read does not return it
    await s.answer();
    expect(filter.knowsAbsent(key(1))).toBe(false);
    expect(filter.knowsAbsent(key(2))).toBe(false);
  });

  it("never takes a written key for absent while it grows, and stays near its error rate", async () => {
    const s = section();
    const filter = new KeyFilter(s.readKeys);
    await s.answer();
    const written = 200_000; // twelve times the first filter's size: it is made again several times
    for (let i = 0; i < written; i++) {
      s.keys.add(key(i));
      filter.add(key(i));
      // A new filter is being made from a read of the section: answer it some keys later.
      if (i % 997 === 0) await s.answer();
    }
    await s.answer();
    expect(s.reads).toHaveLength(0);
    for (let i = 0; i < written; i++) if (filter.knowsAbsent(key(i))) throw new Error(`${key(i)} taken for absent`);
    expect(falsePositives(filter, written)).toBeLessThan(0.02);
  });

  it("keeps the filter it has when a read of the keys fails", async () => {
    const s = section([key(1)]);
    let fail = false;
    const filter = new KeyFilter(() => (fail ? Promise.reject(new Error("store closed")) : s.readKeys()));
    await s.answer();
    fail = true;
    for (let i = 2; i < 50_000; i++) filter.add(key(i)); // past its size: a new read is asked, and fails
    await new Promise((r) => setImmediate(r));
    for (let i = 1; i < 50_000; i++) if (filter.knowsAbsent(key(i))) throw new Error(`${key(i)} taken for absent`);
    // Over its size its false positives grow, but it still knows most absent keys.
    expect(falsePositives(filter, 60_000)).toBeLessThan(0.9);
  });
});
