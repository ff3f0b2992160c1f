// sauce.orderDashboard — keeps the orderDashboards view (CQRS read model).
// Reads every sauce event; owns nothing else. Offers: get, list, rebuild.

import { ListQuery, ownedReadActions, PageOf, type Role, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { orderIdOf } from "./ids.js";
import { localized, type OrderDashboardRow, orderDashboardReducers } from "./order-dashboard.js";
import {
  DeliveryStatus,
  Id,
  OrderDashboardRow as OrderDashboardRowResource,
  OrderStatus,
  PaymentStatus,
  type SauceEvent,
  SauceEvents,
} from "./schemas.js";

const Ref = T.String({ minLength: 1, maxLength: 100 });
const OrderDashboardParams = T.Object(
  { orderId: Id, lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")])) },
  { additionalProperties: false },
);
const OrderDashboardListQuery = ListQuery({
  status: T.Optional(T.String({ maxLength: 40 })),
  orderStatus: T.Optional(OrderStatus),
  paymentStatus: T.Optional(PaymentStatus),
  deliveryStatus: T.Optional(DeliveryStatus),
  branchId: T.Optional(Ref),
  sauceId: T.Optional(Ref),
});

/** Who sees every order's dashboard row; a customer sees their own. */
const staff: Role[] = ["admin"];

export function orderDashboardService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "sauce.orderDashboard", { events: SauceEvents });
  const orderDashboards = kit.view<OrderDashboardRow, SauceEvent>({
    name: "orderDashboards",
    key: orderIdOf,
    on: orderDashboardReducers,
    indexes: [
      "customerId",
      "placed",
      "status",
      "orderStatus",
      "paymentStatus",
      "deliveryStatus",
      "branchId",
      "sauceId",
    ],
  });

  return {
    name: "sauce.orderDashboard",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "order",
        load: async (orderId) => {
          const row = await orderDashboards.getLatest(orderId);
          return row?.placed ? row : undefined;
        },
        // Rows of payments whose order was never stored are not shown.
        page: (q) => orderDashboards.page({ ...q, where: { ...q.where, placed: true } }),
        ownerOf: (row) => row.customerId,
        ownerIndex: "customerId",
        staff,
        present: localized,
        getParams: OrderDashboardParams,
        idParam: "orderId",
        listQuery: OrderDashboardListQuery,
        filters: ["status", "orderStatus", "paymentStatus", "deliveryStatus", "branchId", "sauceId"],
        http: {
          get: {
            method: "GET",
            path: "/sauce/orderDashboards/:orderId",
            roles: ["customer", ...staff],
            summary: "One order's order, payment and delivery state",
            response: OrderDashboardRowResource,
            errors: [404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/sauce/orderDashboards",
            roles: ["customer", ...staff],
            summary: "The orderDashboards view (eventually consistent; ?lang=en for English labels)",
            response: PageOf(OrderDashboardRowResource),
          },
        },
      }),
    },
  };
}
