// A popular product: the orders it took stock for are records beside its row,
// so neither the stock check nor the row grows with its sales.
import type { EventEnvelope } from "@seed/platform";
import { type Commit, type EventStore, openStore, Repository, tempDir } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type ProductCommand, type ProductState, productDecider } from "../../src/product.js";

const PRODUCT = "01HZX000000000000000000001";
const orderId = (n: number) => `01HZY${String(n).padStart(21, "0")}`;
const byOrder = (cmd: ProductCommand) => (cmd.type === "Register" ? [] : [cmd.orderId]);

function envelope(type: string, data: unknown, n: number): EventEnvelope {
  return {
    id: `e${n}`,
    type,
    aggregate: "product",
    aggregateId: PRODUCT,
    correlationId: PRODUCT,
    occurredAt: new Date(Date.UTC(2025, 0, 1) + n).toISOString(),
    version: 1,
    data,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

describe("a product's orders are records of their own", () => {
  it("100,000 decreases keep the stock check's latency flat and the product's row the same size", async () => {
    const DECREASES = 100_000;
    const store = await openStore(tempDir(), "0");
    try {
      // The follower's path, without a stream: commits applied to batches as the projection does.
      const repo = new Repository(
        {} as EventStore,
        () => store,
        productDecider,
        { system: "mall", stream: "MALL", retries: 0 },
        {
          records: [
            { field: "decreasedFor", needs: byOrder },
            { field: "restoredFor", needs: byOrder },
          ],
        },
      );
      const follower = repo.projector();
      let seq = 0;
      let batch = store.batch();
      const apply = async (type: string, data: unknown) => {
        seq++;
        const commit: Commit = { seq, subject: `mall.product.${PRODUCT}`, events: [envelope(type, data, seq)] };
        await follower.apply(batch, commit);
        if (seq % 1000 === 0) {
          await batch.commit();
          batch = store.batch();
        }
      };
      await apply("ProductRegistered", { productId: PRODUCT, name: "Mug", price: 5000, qty: DECREASES + 10 });
      await batch.commit();
      batch = store.batch();
      const rowSize = async () => JSON.stringify(await store.get(repo.section, PRODUCT)).length;
      const sizeAfterRegistration = await rowSize();

      /** The check of one DecreaseStock: load what it decides on, decide. Time in ms. */
      const check = async (n: number, expectTaken: boolean) => {
        const cmd: ProductCommand = { type: "DecreaseStock", orderId: orderId(n), qty: 1 };
        const started = performance.now();
        const state = (await repo.decisionState(PRODUCT, cmd))?.state ?? productDecider.initialState;
        const decided = productDecider.decide(state, cmd, { now: "" });
        const took = performance.now() - started;
        expect(decided.length, `order ${n}`).toBe(expectTaken ? 0 : 1);
        return took;
      };

      const first: number[] = [];
      const last: number[] = [];
      for (let n = 0; n < DECREASES; n++) {
        if (n < 1000) first.push(await check(n, false));
        if (n >= DECREASES - 1000) last.push(await check(n, false));
        await apply("QtyDecreased", {
          orderId: orderId(n),
          productId: PRODUCT,
          qty: 1,
          remaining: DECREASES + 10 - n - 1,
        });
      }
      await batch.commit();

      // Idempotent per order, first and last alike: the record is found.
      await check(0, true);
      await check(DECREASES - 1, true);
      const state = (await repo.get(PRODUCT)) as ProductState;
      expect(state.qty).toBe(10);
      expect(await rowSize()).toBeLessThanOrEqual(sizeAfterRegistration + 10); // the stored row has no orders in it
      // Flat: the last thousand checks cost about what the first thousand did (median, with room for a busy machine).
      expect(median(last)).toBeLessThan(Math.max(3 * median(first), 0.5));
    } finally {
      await store.close();
    }
  }, 300_000);
});
