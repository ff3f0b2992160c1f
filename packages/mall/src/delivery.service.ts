// mall.delivery — owns Delivery.
// Offers: get, list.
// Reacts to: PayChecked → starts the order's delivery; OrderClosed → completes it
//   (delivery.policy.ts). Deliveries missed while this service was down start
//   when it comes back (its durable consumer resumes where it stopped).
// Calls: nothing.

import { ListQuery, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { deliveryDecider, deliveryView } from "./delivery.js";
import { deliveryPolicy, type OrderAddress } from "./delivery.policy.js";
import { orderIdOf } from "./ids.js";
import { ownedReadActions } from "./roles.js";
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
        rows: deliveries,
        owner: "customerId",
        staff: ["seller", "admin"],
        present: deliveryView,
        getParams: ByIdParams,
        listQuery: DeliveryListQuery,
        filters: ["orderId"],
        resource: {
          path: "/mall/deliveries",
          schema: DeliveryResource,
          roles: "any",
          summaries: { list: "List deliveries (?orderId=)" },
        },
      }),
    },
  };
}
