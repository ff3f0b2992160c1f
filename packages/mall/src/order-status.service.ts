// mall.orderStatus — keeps the orderStatuses view (CQRS read model).
// Reads every mall event; owns nothing else. Offers: get, list.

import { ListQuery, ownedReadActions, PageOf, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { orderIdOf } from "./ids.js";
import { localized, type OrderStatusRow, orderStatusReducers } from "./order-status.js";
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
    indexes: ["customerId", "status", "productId"],
  });

  return {
    name: "mall.orderStatus",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "order",
        load: (orderId) => orderStatuses.getLatest(orderId),
        page: (q) => orderStatuses.page(q),
        ownerOf: (row) => row.customerId,
        ownerIndex: "customerId",
        staff: ["seller", "admin"],
        present: localized,
        getParams: OrderStatusParams,
        idParam: "orderId",
        listQuery: OrderStatusListQuery,
        filters: ["status", "productId"],
        http: {
          get: {
            method: "GET",
            path: "/mall/orderStatuses/:orderId",
            roles: "any",
            summary: "One order's status row with its history",
            response: OrderStatusRowResource,
            errors: [403, 404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/mall/orderStatuses",
            roles: "any",
            summary: "The orderStatuses view (eventually consistent)",
            response: PageOf(OrderStatusRowResource),
          },
        },
      }),
    },
  };
}
