// The delivery's side of the saga: a checked pay starts the order's delivery
// (never for a canceled order), a closed order completes it.
import { execute } from "@seed/platform";
import { effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { deliveryDecider } from "./delivery.js";
import { type DeliveryReads, deliveryPolicy, type OrderAddress } from "./delivery.policy.js";
import { deliveryIdOf, payIdOf } from "./ids.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const DELIVERY = deliveryIdOf(ORDER);
const checked = { type: "PayChecked" as const, data: { payId: payIdOf(ORDER), orderId: ORDER } };

/** The service's view of orders, as a map. */
const reading = (orders: Record<string, OrderAddress>): DeliveryReads => ({
  orderAddress: async (orderId) => orders[orderId],
});

describe("delivery policy", () => {
  it("given PayChecked → starts the order's delivery to its address", async () => {
    const reads = reading({ [ORDER]: { customerId: "customer-1", address: "Seoul" } });
    expect(await effectsOf(deliveryPolicy, checked, reads)).toEqual([
      execute(deliveryDecider, DELIVERY, {
        type: "Start",
        deliveryId: DELIVERY,
        orderId: ORDER,
        customerId: "customer-1",
        address: "Seoul",
      }),
    ]);
  });

  it("given PayChecked of a canceled order → starts nothing", async () => {
    const reads = reading({ [ORDER]: { customerId: "customer-1", address: "Seoul", canceled: true } });
    expect(await effectsOf(deliveryPolicy, checked, reads)).toEqual([]);
  });

  it("given PayChecked of an order not in the view yet → fails, so the event is tried again", async () => {
    await expect(effectsOf(deliveryPolicy, checked, reading({}))).rejects.toThrow(/not yet known/);
  });

  it("given OrderClosed → completes the order's delivery", async () => {
    expect(await effectsOf(deliveryPolicy, { type: "OrderClosed", data: { orderId: ORDER } }, reading({}))).toEqual([
      execute(deliveryDecider, DELIVERY, { type: "Complete" }),
    ]);
  });
});
