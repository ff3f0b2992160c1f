import { describe, expect, it } from "vitest";
import { idFrom, idTime, newId, ULID_PATTERN } from "../src/ids.js";
import { KeyedLock } from "../src/keyed-lock.js";
import { sleep } from "./helpers.js";

describe("KeyedLock", () => {
  it("runs tasks of one key one at a time, in call order, and keys side by side", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const task = (key: string, n: number, ms: number) =>
      lock.run(key, async () => {
        log.push(`${key}${n}:start`);
        await sleep(ms);
        log.push(`${key}${n}:end`);
        return n;
      });
    const results = await Promise.all([task("a", 1, 30), task("a", 2, 1), task("b", 1, 5), task("a", 3, 1)]);
    expect(results).toEqual([1, 2, 1, 3]);
    const a = log.filter((l) => l.startsWith("a"));
    expect(a).toEqual(["a1:start", "a1:end", "a2:start", "a2:end", "a3:start", "a3:end"]);
    // b did not wait for a.
    expect(log.indexOf("b1:end")).toBeLessThan(log.indexOf("a1:end"));
  });

  it("a failing task rejects its caller only; the next task of the key still runs", async () => {
    const lock = new KeyedLock();
    const failing = lock.run("k", async () => {
      throw new Error("boom");
    });
    const next = lock.run("k", async () => "ok");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });

  it("a task still queued at its bound never runs, rejects with busy, and the next waits for the holder", async () => {
    const lock = new KeyedLock((key) => new Error(`${key} busy`));
    const log: string[] = [];
    const holder = lock.run("k", async () => {
      await sleep(120);
      log.push("holder");
    });
    const bounded = lock.run("k", async () => log.push("bounded"), Date.now() + 30);
    const next = lock.run("k", async () => log.push("next"));
    await expect(bounded).rejects.toThrow("k busy");
    expect(log).toEqual([]); // it gave up while the holder still ran
    await Promise.all([holder, next]);
    await sleep(20);
    expect(log).toEqual(["holder", "next"]);
  });

  it("a bound does not delay a task that finds the key free or freed in time", async () => {
    const lock = new KeyedLock();
    const soon = Date.now() + 1000;
    await expect(lock.run("free", async () => "ran", soon)).resolves.toBe("ran");
    const holder = lock.run("k", () => sleep(10));
    await expect(lock.run("k", async () => "after", soon)).resolves.toBe("after");
    await holder;
  });
});

describe("ids", () => {
  it("newId gives increasing ULIDs", () => {
    const ids = Array.from({ length: 100 }, () => newId());
    for (const id of ids) expect(id).toMatch(new RegExp(ULID_PATTERN));
    expect([...ids].sort()).toEqual(ids);
  });

  it("idFrom is deterministic per seed, a valid ULID, with the given time", () => {
    const t = Date.parse("2024-05-06T07:08:09.010Z");
    const a = idFrom("pay:01HZZZ", t);
    expect(a).toBe(idFrom("pay:01HZZZ", t));
    expect(a).not.toBe(idFrom("pay:01HZZY", t));
    expect(a).toMatch(new RegExp(ULID_PATTERN));
    expect(idTime(a)).toBe(t);
  });
});
