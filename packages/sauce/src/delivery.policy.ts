// What sauce.delivery does when events happen: an approved payment starts the
// order's delivery, a refund cancels it (also before it started), and an
// order that recorded its delivery completes it.
import { execute, type Reactions } from "@seed/platform";
import { deliveryDecider } from "./delivery.js";
import { deliveryIdOf } from "./ids.js";
import type { SauceEvent } from "./schemas.js";

export const deliveryPolicy: Reactions<SauceEvent> = {
  PaymentApproved: (e) => {
    const { orderId, customerId } = e.data;
    const deliveryId = deliveryIdOf(orderId);
    return [execute(deliveryDecider, deliveryId, { type: "Start", deliveryId, orderId, customerId })];
  },
  PaymentCanceled: (e) => {
    // An authorization refunded because its order was never stored was never
    // approved and never will be: no delivery to cancel, none to prevent.
    if (e.data.reason === "OrderNotStored") return [];
    const { orderId, customerId } = e.data;
    const deliveryId = deliveryIdOf(orderId);
    return [execute(deliveryDecider, deliveryId, { type: "Cancel", deliveryId, orderId, customerId })];
  },
  // The order recorded the delivery; normally the complete request stored
  // DeliveryCompleted a moment ago (then this decides nothing).
  OrderDelivered: (e) => [execute(deliveryDecider, e.data.deliveryId, { type: "Complete" })],
};
