import { describe, expect, it } from "vitest";
import { openStore } from "../src/store.js";
import { tempDir } from "../testing/index.js";

describe("WriteBatch", () => {
  it("a batch made while another is written reads through it: before, during and after that write", async () => {
    const store = await openStore(tempDir(), "0");
    try {
      const first = store.batch();
      first.put("rows", "a", { n: 1 });
      const next = store.batch(first);
      expect(await next.get("rows", "a")).toEqual({ n: 1 });
      const writing = first.commit();
      expect(await next.get("rows", "a")).toEqual({ n: 1 });
      await writing;
      expect(await next.get("rows", "a")).toEqual({ n: 1 });
      // Its own writes win over the batch before it.
      next.put("rows", "a", { n: 2 });
      expect(await next.get("rows", "a")).toEqual({ n: 2 });
      await next.commit();
      expect(await store.get("rows", "a")).toEqual({ n: 2 });
    } finally {
      await store.close();
    }
  });
});
