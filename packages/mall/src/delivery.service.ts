// mall.delivery — owns Delivery.
// Offers: get, list.
// Reacts to: PayChecked → starts the order's delivery; OrderClosed → completes it
//   (delivery.policy.ts). Deliveries missed while this service was down start
//   when it comes back (its durable consumer resumes where it stopped).
// Calls: nothing.

import { ListQuery, ownedReadActions, PageOf, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { deliveryDecider, deliveryView } from "./delivery.js";
import { deliveryPolicy, type OrderAddress } from "./delivery.policy.js";
import { orderIdOf } from "./ids.js";
import { ByIdParams, Delivery as DeliveryResource, Id, type MallEvent, MallEvents } from "./schemas.js";

const DeliveryListQuery = ListQuery({ orderId: T.Optional(Id) });

export function deliveryService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "mall.delivery", { events: MallEvents });
  const deliveries = kit.aggregate(deliveryDecider, { indexes: ["customerId", "orderId"] });
  const orders = kit.view<OrderAddress, MallEvent>({
    name: "orderAddresses",
    filter: "mall.order.>",
    key: orderIdOf,
    on: {
      OrderPlaced: (_, e) => ({ customerId: e.data.customerId, address: e.data.address }),
      OrderCanceled: (order) => order && { ...order, canceled: true },
    },
  });

  kit.react(deliveryPolicy, { orderAddress: (orderId) => orders.get(orderId) });

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
        http: {
          get: {
            method: "GET",
            path: "/mall/deliveries/:id",
            roles: "any",
            summary: "One delivery",
            response: DeliveryResource,
            errors: [403, 404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/mall/deliveries",
            roles: "any",
            summary: "List deliveries (?orderId=)",
            response: PageOf(DeliveryResource),
          },
        },
      }),
    },
  };
}
