// What mall.delivery does when events happen: a checked pay starts the
// order's delivery, a closed order completes it.
//   The pay is checked only once the stock was taken, and a checked pay can no
//   longer be canceled: so a delivery starts exactly for the orders that keep
//   their stock. (A decrease alone is not enough: one that lands after its
//   check gave up can meet a cancel that wins the pay, and then gives its
//   stock back.)
import { execute, type Reactions } from "@seed/platform";
import { deliveryDecider } from "./delivery.js";
import { deliveryIdOf } from "./ids.js";
import type { MallEvent } from "./schemas.js";

/** Where an order goes, whose it is, and whether it was canceled: PayChecked says none of that. */
export interface OrderAddress {
  customerId: string;
  address: string;
  canceled?: boolean;
}

/** What the policy reads: the service's own view of orders. */
export interface DeliveryReads {
  orderAddress(orderId: string): Promise<OrderAddress | undefined>;
}

export const deliveryPolicy: Reactions<MallEvent, DeliveryReads> = {
  PayChecked: async (e, { orderAddress }) => {
    const { orderId } = e.data;
    const order = await orderAddress(orderId);
    // The view of orders lags the policy by a moment at most; a retry finds it.
    if (!order) throw new Error(`order ${orderId} not yet known`);
    if (order.canceled) return []; // a canceled order is never delivered
    const { customerId, address } = order;
    const deliveryId = deliveryIdOf(orderId);
    return [execute(deliveryDecider, deliveryId, { type: "Start", deliveryId, orderId, customerId, address })];
  },
  OrderClosed: (e) => [execute(deliveryDecider, deliveryIdOf(e.data.orderId), { type: "Complete" })],
};
