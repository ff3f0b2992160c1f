// mall.orderStatus — keeps the orderStatuses view (CQRS read model).
// Reads every mall event; owns nothing else. Offers: get, list.

import { ListQuery, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { orderIdOf } from "./ids.js";
import { localized, type OrderStatusRow, orderStatusReducers } from "./order-status.js";
import { ownedReadActions } from "./roles.js";
import { Id, MallEvents, OrderStatusRow as OrderStatusRowResource } from "./schemas.js";

const OrderStatusParams = T.Object(
  { orderId: Id, lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")])) },
  { additionalProperties: false },
);
const OrderStatusListQuery = ListQuery({
  status: T.Optional(T.String({ maxLength: 40 })),
  productId: T.Optional(Id),
});

export function orderStatusService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "mall.orderStatus", { events: MallEvents });
  const orderStatuses = kit.view<OrderStatusRow>({
    name: "orderStatuses",
    key: orderIdOf,
    on: orderStatusReducers,
    indexes: ["customerId", "status", "productId", ["customerId", "status"]],
  });

  return {
    name: "mall.orderStatus",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "order",
        rows: orderStatuses,
        owner: "customerId",
        staff: ["seller", "admin"],
        present: localized,
        getParams: OrderStatusParams,
        idParam: "orderId",
        listQuery: OrderStatusListQuery,
        filters: ["status", "productId"],
        resource: {
          path: "/mall/orderStatuses",
          schema: OrderStatusRowResource,
          roles: "any",
          summaries: {
            get: "One order's status row with its history",
            list: "The orderStatuses view (eventually consistent)",
          },
        },
      }),
    },
  };
}
