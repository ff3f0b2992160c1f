// sauce.delivery — owns Delivery.
// Offers: get, list, complete (admin).
// Reacts to: PaymentApproved → starts the order's delivery (DeliveryStarted);
//            PaymentCanceled → cancels it (DeliveryCanceled).
//   PaymentApproved is appended only once the order is stored, so a delivery
//   never starts for an order that does not exist. Deliveries missed while this
//   service was down start when it comes back (its durable consumer resumes).
// Calls: nothing.

import {
  caller,
  causedBy,
  deadlineOf,
  ListQuery,
  notFound,
  ownedReadActions,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { Delivery, deliveryView } from "./delivery.js";
import { deliveryIdOf, orderIdOf } from "./ids.js";
import { ByIdParams, DeliveryStatus, Id, type SauceEvent, SauceEventSchemas } from "./schemas.js";

export const DeliveryListQuery = ListQuery({ orderId: T.Optional(Id), status: T.Optional(DeliveryStatus) });

export function deliveryService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "sauce.delivery", { eventSchemas: SauceEventSchemas });
  const deliveries = kit.aggregate(Delivery);
  // Canceled orders: neither started nor completed (the refund that cancels a delivery comes a moment later).
  const canceledOrders = kit.view<{ canceled: true }, SauceEvent>({
    name: "canceledOrders",
    filter: "sauce.order.>",
    key: orderIdOf,
    on: { OrderCanceled: () => ({ canceled: true }) },
  });

  kit.react<SauceEvent>({
    PaymentApproved: async (e) => {
      const { orderId, customerId } = e.data;
      if (await canceledOrders.get(orderId)) return;
      const deliveryId = deliveryIdOf(orderId);
      await deliveries.execute(
        deliveryId,
        { type: "Start", deliveryId, orderId, customerId },
        causedBy(e, "sauce.delivery"),
      );
    },
    // A refund of an order whose delivery never started (refused as not found) leaves nothing to cancel.
    PaymentCanceled: async (e) => {
      await deliveries.execute(deliveryIdOf(e.data.orderId), { type: "Cancel" }, causedBy(e, "sauce.delivery"));
    },
  });

  return {
    name: "sauce.delivery",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "delivery",
        load: (id) => deliveries.getLatest(id),
        all: () => deliveries.all(),
        ownerOf: (d) => d.customerId,
        staff: ["admin"],
        present: deliveryView,
        getParams: ByIdParams,
        listQuery: DeliveryListQuery,
        filters: ["orderId", "status"],
      }),

      /** The goods arrived (admin); 409 when the delivery or its order was canceled. */
      complete: {
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          caller(ctx);
          const delivery = await deliveries.getLatest(ctx.params.id);
          if (!delivery) throw notFound("delivery", ctx.params.id);
          const orderCanceled = (await canceledOrders.get(delivery.orderId)) !== undefined;
          const { state } = await deliveries.execute(
            delivery.id,
            { type: "Complete", orderCanceled },
            { correlationId: delivery.orderId, idSeed: `complete:${delivery.id}`, deadline: deadlineOf(ctx) },
          );
          return deliveryView(state);
        },
      },
    },
  };
}
