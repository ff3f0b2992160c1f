// sauce.delivery — owns Delivery.
// Offers: get, list, complete (admin).
// Reacts to: PaymentApproved → starts the order's delivery (DeliveryStarted);
//            PaymentCanceled → cancels it (DeliveryCanceled), also before it
//              started: a later PaymentApproved then starts nothing;
//            OrderDelivered → completes it (DeliveryCompleted), when the
//              request that recorded the delivery died before doing so.
//   PaymentApproved is appended only once the order is stored, so a delivery
//   never starts for an order that does not exist. Deliveries missed while this
//   service was down start when it comes back (its durable consumer resumes).
// Calls: sauce.order.markDelivered synchronously on complete (timeout, breaker,
//   bulkhead): the order decides whether it may be delivered — not canceled —
//   on the same aggregate that decides a cancel, so a cancel and a completion
//   of one order never both succeed. Unavailable: 503, nothing stored.

import {
  caller,
  correlateBy,
  endpoint,
  ListQuery,
  ownedReadActions,
  PageOf,
  type Role,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { deliveryDecider, deliveryView, ensureCompletable } from "./delivery.js";
import { deliveryPolicy } from "./delivery.policy.js";
import { ByIdParams, Delivery as DeliveryResource, DeliveryStatus, Id, SauceEvents } from "./schemas.js";

const DeliveryListQuery = ListQuery({ orderId: T.Optional(Id), status: T.Optional(DeliveryStatus) });

/** Who sees every delivery; a customer sees their own. */
const staff: Role[] = ["admin"];

export function deliveryService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "sauce.delivery", { events: SauceEvents });
  const deliveries = kit.aggregate(deliveryDecider, {
    correlation: correlateBy("orderId"),
    indexes: ["customerId", "orderId", "status"],
  });

  kit.react(deliveryPolicy);

  return {
    name: "sauce.delivery",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "delivery",
        load: (id) => deliveries.getLatest(id),
        page: (q) => deliveries.page(q),
        ownerOf: (d) => d.customerId,
        ownerIndex: "customerId",
        staff,
        present: deliveryView,
        getParams: ByIdParams,
        listQuery: DeliveryListQuery,
        filters: ["orderId", "status"],
        http: {
          get: {
            method: "GET",
            path: "/sauce/deliveries/:id",
            roles: ["customer", ...staff],
            summary: "One delivery",
            response: DeliveryResource,
            errors: [404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/sauce/deliveries",
            roles: ["customer", ...staff],
            summary: "List deliveries (?orderId=&status=)",
            response: PageOf(DeliveryResource),
          },
        },
      }),

      /**
       * The goods arrived (admin). The order records it first (409 when the
       * order was canceled, 503 when it cannot be asked: nothing changed);
       * from then on the outcome is decided and DeliveryCompleted is stored by
       * this request, by a retry, or by the OrderDelivered policy.
       */
      complete: endpoint({
        http: {
          method: "POST",
          path: "/sauce/deliveries/:id/complete",
          roles: ["admin"],
          summary: "Mark a delivery as delivered (admin); 409 when it or its order was canceled",
          response: DeliveryResource,
          errors: [404, 409],
          reasons: { 409: ["DeliveryCanceled", "OrderCanceled"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          caller(ctx);
          const delivery = await deliveries.getLatest(ctx.params.id);
          ensureCompletable(delivery);
          if (delivery.status === "Completed") return deliveryView(delivery);
          const { orderId, id } = delivery;
          await ctx.call("sauce.order.markDelivered", { id: orderId, deliveryId: id });
          // No deadline: once the order recorded it, stopping here would only delay the same outcome.
          const { state } = await deliveries.execute(
            id,
            { type: "Complete" },
            { idSeed: `complete:${id}`, deadline: "none" },
          );
          return deliveryView(state);
        },
      }),
    },
  };
}
