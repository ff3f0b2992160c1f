// sauce.order — owns Order, the authority on whether an order is canceled or
//        delivered (exactly one of the two can happen).
// Offers: place, get, list, cancel;
//         markDelivered (for sauce.delivery, before it completes a delivery).
// Reacts to: nothing (payment reacts to its OrderPlaced and OrderCanceled,
//        delivery to its OrderDelivered).
// Calls: sauce.payment.pay synchronously on place (timeout, breaker, bulkhead): no payment, no order.

import {
  caller,
  conflict,
  creationId,
  endpoint,
  ensureOwnerOr,
  forbidden,
  ListQuery,
  notFound,
  ownedReadActions,
  ownerStoreBy,
  PageOf,
  type Role,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { deliveryIdOf } from "./ids.js";
import { orderDecider, orderView } from "./order.js";
import type { PayAnswer } from "./payment.service.js";
import {
  ByIdParams,
  MarkDeliveredParams,
  Order as OrderResource,
  OrderStatus,
  PlaceOrderBody,
  SauceEvents,
} from "./schemas.js";
import { settings } from "./settings.js";

const Ref = T.String({ minLength: 1, maxLength: 100 });
const OrderListQuery = ListQuery({
  status: T.Optional(OrderStatus),
  branchId: T.Optional(Ref),
  sauceId: T.Optional(Ref),
});

/** Who sees every order; a customer sees their own. */
const staff: Role[] = ["admin"];

export function orderService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "sauce.order", { events: SauceEvents });
  const orders = kit.aggregate(orderDecider, { indexes: ["customerId", "status", "branchId", "sauceId"] });
  // An order is stored within a window of its payment, or not at all: the
  // reconciliation refunds a payment without order only after
  // SAUCE_RECONCILE_AFTER_MS, and the rest of that time is the margin for an
  // append already on its way (and for clocks of different nodes).
  const reconcileAfterMs = settings.of(rt.config).SAUCE_RECONCILE_AFTER_MS;

  return {
    name: "sauce.order",
    mixins: [kit.mixin()],
    actions: {
      place: endpoint({
        http: {
          method: "POST",
          path: "/sauce/orders",
          roles: ["customer"],
          summary: "Order a sauce for a branch; paid at once (503 and nothing stored when payment is unavailable)",
          input: "body",
          status: 201,
          response: OrderResource,
          errors: [409, 503],
          example: { branchId: "gangnam-1", sauceId: "soy-garlic", qty: 20, price: 3500 },
          reasons: { 403: ["NotOwner"], 409: ["PaymentRefunded", "PaymentExpired"] },
        },
        params: PlaceOrderBody,
        async handler(ctx: Context<Static<typeof PlaceOrderBody>>) {
          const user = caller(ctx);
          const { branchId, sauceId, qty, price } = ctx.params;
          // Under an Idempotency-Key a retry gets the same orderId, so the same payment.
          const orderId = creationId(ctx, "order");
          const payment = await ctx.call<PayAnswer, unknown>("sauce.payment.pay", {
            orderId,
            amount: qty * price,
            customerId: user.id,
          });
          if (payment.status === "Canceled")
            throw conflict("PaymentRefunded", "this order's payment was refunded; place a new order");
          let storeBy: number | undefined;
          if (payment.status === "Authorized") {
            // the payment is stamped on the services' clock, as every sauce event is
            storeBy = ownerStoreBy(Date.parse(payment.createdAt), reconcileAfterMs, rt.clock);
            if (storeBy === undefined)
              throw conflict("PaymentExpired", "this order was not completed in time and its payment is refunded");
          }
          const { state } = await orders.execute(
            orderId,
            { type: "Place", orderId, customerId: user.id, branchId, sauceId, qty, price },
            { storeBy },
          );
          if (state.customerId !== user.id) throw forbidden("NotOwner", "only the customer who ordered may do this");
          return orderView(state);
        },
      }),

      ...ownedReadActions({
        name: "order",
        load: (id) => orders.getLatest(id),
        page: (q) => orders.page(q),
        ownerOf: (o) => o.customerId,
        ownerIndex: "customerId",
        staff,
        present: orderView,
        getParams: ByIdParams,
        listQuery: OrderListQuery,
        filters: ["status", "branchId", "sauceId"],
        http: {
          get: {
            method: "GET",
            path: "/sauce/orders/:id",
            roles: ["customer", ...staff],
            summary: "One order",
            response: OrderResource,
            errors: [404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/sauce/orders",
            roles: ["customer", ...staff],
            summary: "List orders (a customer sees their own; ?status=&branchId=&sauceId=)",
            response: PageOf(OrderResource),
          },
        },
      }),

      /**
       * The owner cancels until the delivery is recorded on the order (409
       * AlreadyDelivered after); the refund and the delivery's cancel follow by
       * events. Decided on this aggregate like markDelivered, so of a cancel and
       * a completion of one order exactly one is stored.
       */
      cancel: endpoint({
        http: {
          method: "POST",
          path: "/sauce/orders/:id/cancel",
          roles: ["customer"],
          summary: "Cancel an order (owner); the payment is refunded and the delivery canceled; 409 once delivered",
          response: OrderResource,
          errors: [404, 409, 503],
          reasons: { 403: ["NotOwner"], 409: ["AlreadyDelivered"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const order = await orders.getLatest(ctx.params.id);
          if (!order) throw notFound("order", ctx.params.id);
          ensureOwnerOr(caller(ctx), order.customerId);
          const { state } = await orders.execute(order.id, { type: "Cancel" }, { idSeed: `cancel:${order.id}` });
          return orderView(state);
        },
      }),

      /**
       * The delivery service records a completed delivery here first: 404
       * unknown order, 409 OrderCanceled; else the order can no longer be
       * canceled and the delivery service completes the delivery (or, if it
       * dies first, its policy does). Recording it again changes nothing.
       */
      markDelivered: {
        visibility: "public",
        params: MarkDeliveredParams,
        async handler(ctx: Context<Static<typeof MarkDeliveredParams>>) {
          const { id, deliveryId } = ctx.params;
          if (deliveryId !== deliveryIdOf(id)) throw notFound("delivery", deliveryId);
          const { state } = await orders.execute(
            id,
            { type: "MarkDelivered", deliveryId },
            { idSeed: `delivered:${id}` },
          );
          return orderView(state);
        },
      },
    },
  };
}
