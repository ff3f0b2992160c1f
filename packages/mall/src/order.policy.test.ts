// The order's side of the saga: a canceled pay cancels its order, saying why.
import { execute } from "@seed/platform";
import { effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { orderDecider } from "./order.js";
import { orderPolicy } from "./order.policy.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const PAY = id(201);

describe("order policy", () => {
  it("given PayCanceled (OutOfStock) → cancels the order with reason OutOfStock", async () => {
    const canceled = { payId: PAY, orderId: ORDER, reason: "OutOfStock" as const, customerId: "customer-1" };
    expect(await effectsOf(orderPolicy, { type: "PayCanceled", data: canceled })).toEqual([
      execute(orderDecider, ORDER, { type: "Cancel", reason: "OutOfStock" }),
    ]);
  });

  it("given PayCanceled (OrderCanceled) → cancels the order as canceled by its customer", async () => {
    const canceled = { payId: PAY, orderId: ORDER, reason: "OrderCanceled" as const, customerId: "customer-1" };
    expect(await effectsOf(orderPolicy, { type: "PayCanceled", data: canceled })).toEqual([
      execute(orderDecider, ORDER, { type: "Cancel", reason: "CustomerCanceled" }),
    ]);
  });

  it("given PayChecked → does nothing", async () => {
    expect(await effectsOf(orderPolicy, { type: "PayChecked", data: { payId: PAY, orderId: ORDER } })).toEqual([]);
  });
});
