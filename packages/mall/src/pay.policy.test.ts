// The pay's side of the saga: every placed order gets its pay; stock taken
// settles the pay's check, or goes back when a cancel won the pay.
import { call, execute } from "@seed/platform";
import { carriedOut, effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { payIdOf } from "./ids.js";
import { payDecider } from "./pay.js";
import { payPolicy } from "./pay.policy.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const PRODUCT = id(1);
const PAY = payIdOf(ORDER);

const decreased = { type: "QtyDecreased" as const, data: { orderId: ORDER, productId: PRODUCT, qty: 2, remaining: 8 } };
const check = execute(payDecider, PAY, { type: "Check" });
const restoreStock = call("mall.product.restoreStock", { orderId: ORDER, productId: PRODUCT });

describe("pay policy", () => {
  it("given OrderPlaced → places the order's pay for price × qty", async () => {
    const placed = {
      orderId: ORDER,
      customerId: "customer-1",
      productId: PRODUCT,
      productName: "Keyboard",
      qty: 2,
      price: 15_000,
      address: "Seoul",
    };
    expect(await effectsOf(payPolicy, { type: "OrderPlaced", data: placed })).toEqual([
      execute(payDecider, PAY, {
        type: "Place",
        payId: PAY,
        orderId: ORDER,
        customerId: "customer-1",
        productId: PRODUCT,
        qty: 2,
        amount: 30_000,
      }),
    ]);
  });

  it("given QtyDecreased → checks the order's pay (completes a check whose answer was lost)", async () => {
    const effects = await effectsOf(payPolicy, decreased);
    expect(await carriedOut(effects)).toEqual([check]);
  });

  it("given QtyDecreased of a canceled pay → restores the stock", async () => {
    const effects = await effectsOf(payPolicy, decreased);
    expect(await carriedOut(effects, () => "OrderCanceled")).toEqual([check, restoreStock]);
  });

  it("given QtyDecreased of a pay refused for another reason → that refusal is the answer, no stock moves", async () => {
    const effects = await effectsOf(payPolicy, decreased);
    await expect(carriedOut(effects, () => "NotFound")).rejects.toMatchObject({ rule: "NotFound" });
  });
});
