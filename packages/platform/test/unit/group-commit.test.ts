import { describe, expect, it } from "vitest";
import { type Batches, GroupCommit } from "../../src/group-commit.js";

/** A batch of the fake disk: the commits put into it, and the batch it reads through. */
interface FakeBatch {
  commits: number[];
  under?: FakeBatch;
}

interface Write {
  commits: number[];
  upTo: number;
  done(): void;
  fail(err: Error): void;
}

/** A disk whose writes finish only when the test says so; `durable` is what has been written. */
function fakeDisk(from = 0) {
  const writes: Write[] = [];
  const durable: number[] = [];
  let position = from;
  const batches: Batches<FakeBatch> = {
    open: (under) => (under ? { commits: [], under } : { commits: [] }),
    write: (batch, upTo) =>
      new Promise<void>((resolve, reject) => {
        writes.push({
          commits: [...batch.commits],
          upTo,
          done: () => {
            durable.push(...batch.commits);
            position = upTo;
            resolve();
          },
          fail: reject,
        });
      }),
  };
  return {
    batches,
    writes,
    durable,
    get position() {
      return position;
    },
  };
}

const put = (seq: number) => (batch: FakeBatch) => {
  batch.commits.push(seq);
};

/** Lets every settled promise run its callbacks. */
const turn = () => new Promise((r) => setTimeout(r, 0));

describe("GroupCommit", () => {
  it("writes the first commit at once and groups what arrives during that write into the next batch", async () => {
    const disk = fakeDisk();
    const gc = new GroupCommit(disk.batches, 0);
    await gc.apply(1, put(1));
    expect(disk.writes.map((w) => w.commits)).toEqual([[1]]);
    await gc.apply(2, put(2));
    await gc.apply(3, put(3));
    // One write at a time: 2 and 3 wait in the open batch.
    expect(disk.writes).toHaveLength(1);
    disk.writes[0]?.done();
    await turn();
    expect(disk.writes.map((w) => ({ commits: w.commits, upTo: w.upTo }))).toEqual([
      { commits: [1], upTo: 1 },
      { commits: [2, 3], upTo: 3 },
    ]);
    disk.writes[1]?.done();
    await gc.drain();
    expect(disk.durable).toEqual([1, 2, 3]);
    expect(disk.position).toBe(3);
    expect(disk.writes).toHaveLength(2);
  });

  it("opens each batch reading through the one being written", async () => {
    const disk = fakeDisk();
    const gc = new GroupCommit(disk.batches, 0);
    const seen: Array<FakeBatch | undefined> = [];
    await gc.apply(1, put(1));
    await gc.apply(2, (batch) => {
      seen.push(batch.under);
      batch.commits.push(2);
    });
    expect(seen[0]?.commits).toEqual([1]);
  });

  it("a position is reached only once its batch is written", async () => {
    const disk = fakeDisk(10);
    const gc = new GroupCommit(disk.batches, 10);
    await gc.apply(11, put(11));
    await gc.apply(12, put(12));
    expect(gc.applied).toBe(12);
    expect(disk.position).toBe(10);
    expect(disk.durable).toEqual([]);
    disk.writes[0]?.done();
    await turn();
    expect(disk.position).toBe(11);
    disk.writes[1]?.done();
    await turn();
    expect(disk.position).toBe(12);
  });

  it("a batch that reached its size waits for the write before it", async () => {
    const disk = fakeDisk();
    const gc = new GroupCommit(disk.batches, 0, 3);
    await gc.apply(1, put(1));
    await gc.apply(2, put(2));
    await gc.apply(3, put(3));
    let applied = false;
    const fourth = gc.apply(4, put(4)).then(() => {
      applied = true;
    });
    await turn();
    // Three commits pending behind a slow write: the fourth is held.
    expect(applied).toBe(false);
    disk.writes[0]?.done();
    await turn();
    // The full batch is written next, and the fourth commit goes on only once it is on disk.
    expect(disk.writes.map((w) => w.commits)).toEqual([[1], [2, 3, 4]]);
    expect(applied).toBe(false);
    disk.writes[1]?.done();
    await fourth;
    expect(disk.position).toBe(4);
  });

  it("when no more commits come, drain writes what is pending and waits for it", async () => {
    const disk = fakeDisk();
    const gc = new GroupCommit(disk.batches, 0);
    await gc.apply(1, put(1));
    await gc.apply(2, put(2));
    let drained = false;
    const drain = gc.drain().then(() => {
      drained = true;
    });
    disk.writes[0]?.done();
    await turn();
    expect(drained).toBe(false);
    disk.writes[1]?.done();
    await drain;
    expect(disk.durable).toEqual([1, 2]);
    // Nothing pending: no empty write.
    await gc.drain();
    expect(disk.writes).toHaveLength(2);
  });

  it("a failed write fails the next commit and the drain, and nothing after it is written", async () => {
    const disk = fakeDisk();
    const gc = new GroupCommit(disk.batches, 0);
    await gc.apply(1, put(1));
    await gc.apply(2, put(2));
    disk.writes[0]?.fail(new Error("disk full"));
    await turn();
    await expect(gc.apply(3, put(3))).rejects.toThrow("disk full");
    await expect(gc.drain()).rejects.toThrow("disk full");
    await gc.close();
    expect(disk.writes).toHaveLength(1);
    expect(disk.durable).toEqual([]);
  });

  it("a commit that fails half applied is never written, not even when the write before it ends", async () => {
    const disk = fakeDisk();
    const gc = new GroupCommit(disk.batches, 0);
    await gc.apply(1, put(1));
    await gc.apply(2, put(2));
    const failing = gc.apply(3, async (batch) => {
      batch.commits.push(3);
      await turn();
      throw new Error("projector failed");
    });
    disk.writes[0]?.done(); // ends while commit 3 is half applied
    await expect(failing).rejects.toThrow("projector failed");
    await gc.close();
    expect(disk.writes.map((w) => w.commits)).toEqual([[1]]);
    expect(disk.position).toBe(1);
    await expect(gc.apply(4, put(4))).rejects.toThrow(/closed/);
  });

  it("close while a batch is open waits for the write under way and drops the open batch", async () => {
    const disk = fakeDisk();
    const gc = new GroupCommit(disk.batches, 0);
    await gc.apply(1, put(1));
    await gc.apply(2, put(2));
    let closed = false;
    const close = gc.close().then(() => {
      closed = true;
    });
    await turn();
    expect(closed).toBe(false);
    disk.writes[0]?.done();
    await close;
    // Commit 2 is read again from the written position (1) by whoever follows next.
    expect(disk.writes).toHaveLength(1);
    expect(disk.position).toBe(1);
  });
});
