import { describe, expect, it } from "vitest";
import { policyConsumers } from "./policy-consumers.js";

const aggregates: Record<string, string> = { OrderPlaced: "order", QtyDecreased: "product", OrderClosed: "order" };
const aggregateOf = (type: string) => aggregates[type];

describe("policyConsumers", () => {
  it("takes one durable per aggregate reacted to, on that aggregate's subjects only, replacing the former one", () => {
    expect(policyConsumers("mall.pay", ["QtyDecreased", "OrderPlaced", "OrderClosed"], aggregateOf)).toEqual({
      policy: "mall-pay",
      consumers: [
        { durable: "mall-pay-order", filter: "mall.order.>" },
        { durable: "mall-pay-product", filter: "mall.product.>" },
      ],
      replaces: "mall-pay",
    });
  });

  it("keeps one durable on the whole stream when a reacted type's aggregate is not declared", () => {
    expect(policyConsumers("mall.pay", ["OrderPlaced", "Unplaced"], aggregateOf)).toEqual({
      policy: "mall-pay",
      consumers: [{ durable: "mall-pay", filter: "mall.>" }],
    });
  });
});
