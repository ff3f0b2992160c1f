// mall.orderStatus — keeps the orderStatuses view (CQRS read model).
// Reads every mall event; owns nothing else. Offers: get, list.

import {
  caller,
  ensureOwnerOr,
  hasRole,
  ListQuery,
  labelLanguage,
  notFound,
  page,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { advance, localized, type OrderStatusRow, orderIdOf, placed } from "./order-status.js";
import { Id } from "./schemas.js";

export const OrderStatusParams = T.Object(
  { orderId: Id, lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")])) },
  { additionalProperties: false },
);
export const OrderStatusListQuery = ListQuery({
  status: T.Optional(T.String({ maxLength: 40 })),
  productId: T.Optional(Id),
});

export function orderStatusService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "mall.orderStatus");
  const orderStatuses = kit.view<OrderStatusRow>({
    name: "orderStatuses",
    key: orderIdOf,
    on: {
      OrderPlaced: placed,
      PayPlaced: advance,
      PayChecked: advance,
      QtyDecreased: advance,
      DeliveryStarted: advance,
      OrderClosed: advance,
      DeliveryCompleted: advance,
      PayCanceled: advance,
      OrderCanceled: advance,
    },
  });

  return {
    name: "mall.orderStatus",
    mixins: [kit.mixin()],
    actions: {
      get: {
        params: OrderStatusParams,
        async handler(ctx: Context<Static<typeof OrderStatusParams>>) {
          const row = await orderStatuses.get(ctx.params.orderId);
          if (!row) throw notFound("order", ctx.params.orderId);
          ensureOwnerOr(caller(ctx), row.customerId, "seller", "admin");
          return localized(row, labelLanguage(ctx, ctx.params));
        },
      },

      list: {
        params: OrderStatusListQuery,
        async handler(ctx: Context<Static<typeof OrderStatusListQuery>>) {
          const user = caller(ctx);
          const all = await orderStatuses.all();
          const visible = hasRole(user, "seller", "admin") ? all : all.filter((r) => r.customerId === user.id);
          const lang = labelLanguage(ctx, ctx.params);
          return page(
            visible.map((r) => localized(r, lang)),
            ctx.params,
            ["status", "productId"],
          );
        },
      },
    },
  };
}
