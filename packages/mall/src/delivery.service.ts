// mall.delivery — owns Delivery.
// Offers: get, list.
// Reacts to: PayChecked → starts the order's delivery; OrderClosed → completes it.
//   The pay is checked only once the stock was taken, and a checked pay can no
//   longer be canceled: so a delivery starts exactly for the orders that keep
//   their stock. (A decrease alone is not enough: one that lands after its
//   check gave up can meet a cancel that wins the pay, and then gives its
//   stock back.)
//   Deliveries missed while this service was down start when it comes back
//   (its durable consumer resumes where it stopped).
// Calls: nothing.

import { causedBy, ListQuery, ownedReadActions, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { Delivery, deliveryView } from "./delivery.js";
import { deliveryIdOf, orderIdOf } from "./ids.js";
import { ByIdParams, Id, type MallEvent, MallEvents } from "./schemas.js";

export const DeliveryListQuery = ListQuery({ orderId: T.Optional(Id) });

export function deliveryService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "mall.delivery", { events: MallEvents });
  const deliveries = kit.aggregate(Delivery, { indexes: ["customerId", "orderId"] });
  // Where each order goes, whose it is, and whether it was canceled: PayChecked says none of that.
  const orders = kit.view<{ customerId: string; address: string; canceled?: boolean }, MallEvent>({
    name: "orderAddresses",
    filter: "mall.order.>",
    key: orderIdOf,
    on: {
      OrderPlaced: (_, e) => ({ customerId: e.data.customerId, address: e.data.address }),
      OrderCanceled: (order) => order && { ...order, canceled: true },
    },
  });

  kit.react<MallEvent>({
    PayChecked: async (e) => {
      const { orderId } = e.data;
      const order = await orders.get(orderId);
      // Our view of orders lags the policy by a moment at most; a retry finds it.
      if (!order) throw new Error(`order ${orderId} not yet known`);
      if (order.canceled) return; // a canceled order is never delivered
      const { customerId, address } = order;
      const deliveryId = deliveryIdOf(orderId);
      const start = { type: "Start" as const, deliveryId, orderId, customerId, address };
      await deliveries.execute(deliveryId, start, causedBy(e, "mall.delivery"));
    },
    OrderClosed: async (e) => {
      await deliveries.execute(deliveryIdOf(e.data.orderId), { type: "Complete" }, causedBy(e, "mall.delivery"));
    },
  });

  return {
    name: "mall.delivery",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "delivery",
        load: (id) => deliveries.getLatest(id),
        page: (q) => deliveries.page(q),
        ownerOf: (d) => d.customerId,
        ownerIndex: "customerId",
        staff: ["seller", "admin"],
        present: deliveryView,
        getParams: ByIdParams,
        listQuery: DeliveryListQuery,
        filters: ["orderId"],
      }),
    },
  };
}
