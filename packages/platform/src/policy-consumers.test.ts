import { describe, expect, it } from "vitest";
import { policyConsumers } from "./policy-consumers.js";

const aggregates: Record<string, string> = { OrderPlaced: "order", QtyDecreased: "product", OrderClosed: "order" };
const aggregateOf = (type: string) => aggregates[type];

describe("policyConsumers", () => {
  it("takes one durable per aggregate reacted to, on that aggregate's subjects only, replacing the former one", () => {
    expect(policyConsumers("shop.billing", ["QtyDecreased", "OrderPlaced", "OrderClosed"], aggregateOf)).toEqual({
      policy: "shop-billing",
      consumers: [
        { durable: "shop-billing-order", filter: "shop.order.>", types: ["OrderClosed", "OrderPlaced"] },
        { durable: "shop-billing-product", filter: "shop.product.>", types: ["QtyDecreased"] },
      ],
      replaces: "shop-billing",
    });
  });

  it("keeps one durable on the whole stream when a reacted type's aggregate is not declared", () => {
    expect(policyConsumers("shop.billing", ["OrderPlaced", "Unplaced"], aggregateOf)).toEqual({
      policy: "shop-billing",
      consumers: [{ durable: "shop-billing", filter: "shop.>", types: ["OrderPlaced", "Unplaced"] }],
    });
  });
});
