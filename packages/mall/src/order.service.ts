// mall.order — owns Order.
// Offers: place, get, list, cancel, receive.
// Reacts to: PayCanceled → cancels the order (the saga's compensation).
// Keeps: a catalog of product names and prices (from ProductRegistered).
// Calls: mall.product.get (only for a product not in the catalog yet),
//        mall.pay.cancel (synchronously: the pay service decides whether a cancel is still allowed).

import { caller, creationId, forbidden, ListQuery, notFound, type Runtime, ServiceKit } from "@seed/platform";
import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { orderIdOf, payIdOf } from "./ids.js";
import { orderDecider, orderView } from "./order.js";
import { orderPolicy } from "./order.policy.js";
import { endpoint, ensureOwnerOr, type MallRole, ownedReadActions } from "./roles.js";
import {
  ByIdParams,
  Id,
  type MallEvent,
  MallEvents,
  Order as OrderResource,
  OrderStatus,
  PlaceOrderBody,
} from "./schemas.js";

const OrderListQuery = ListQuery({ status: T.Optional(OrderStatus), productId: T.Optional(Id) });

/** Who sees every order; a customer sees their own. */
const staff: MallRole[] = ["seller", "admin"];

export function orderService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "mall.order", { events: MallEvents });
  const orders = kit.aggregate(orderDecider, {
    indexes: ["customerId", "status", "productId", ["customerId", "status"]],
  });
  // Orders whose delivery has started: only those can be received.
  const startedDeliveries = kit.view<{ deliveryId: string }, MallEvent>({
    name: "startedDeliveries",
    filter: "mall.delivery.>",
    key: orderIdOf,
    on: { DeliveryStarted: (_, e) => ({ deliveryId: e.data.deliveryId }) },
  });

  // Name and price of every product, from its ProductRegistered (neither ever
  // changes): every order takes them from here, so orders of known products go
  // on while mall.product is down. Only a product registered a moment ago and
  // not here yet costs a call to mall.product (404 when it does not exist).
  const catalog = kit.view<{ name: string; price: number }, MallEvent>({
    name: "catalog",
    filter: "mall.product.>",
    key: (e) => (e.data as { productId?: string }).productId,
    on: { ProductRegistered: (_, e) => ({ name: e.data.name, price: e.data.price }) },
  });

  kit.react(orderPolicy);

  /** The caller's own order (cancel and receive are the customer's alone). */
  async function ownOrder(ctx: Context<{ id: string }>) {
    const order = await orders.getLatest(ctx.params.id);
    if (!order) throw notFound("order", ctx.params.id);
    ensureOwnerOr(caller(ctx), order.customerId);
    return order;
  }

  return {
    name: "mall.order",
    mixins: [kit.mixin()],
    actions: {
      place: endpoint({
        http: {
          method: "POST",
          path: "/mall/orders",
          roles: ["customer"],
          summary: "Place an order at the catalog's price; 409 PriceChanged if the price the customer saw differs",
          input: "body",
          status: 201,
          response: OrderResource,
          errors: [404, 409, 503],
          example: { productId: "01JD0000000000000000000000", qty: 1, address: "Seoul", price: 30000 },
          reasons: { 403: ["NotOwner"], 409: ["PriceChanged"] },
        },
        params: PlaceOrderBody,
        async handler(ctx: Context<Static<typeof PlaceOrderBody>>) {
          const user = caller(ctx);
          const { productId, qty, address, price: seenPrice } = ctx.params;
          const product =
            (await catalog.get(productId)) ??
            (await ctx.call<{ name: string; price: number }, { id: string }>("mall.product.get", { id: productId }));
          const { name: productName, price } = product;
          const orderId = creationId(ctx, "order");
          const { state } = await orders.execute(orderId, {
            type: "Place",
            orderId,
            customerId: user.id,
            productId,
            productName,
            qty,
            price,
            address,
            seenPrice,
          });
          if (state.customerId !== user.id) throw forbidden("NotOwner", "only the customer who ordered may do this");
          return orderView(state);
        },
      }),

      ...ownedReadActions({
        name: "order",
        rows: orders,
        owner: "customerId",
        staff,
        present: orderView,
        getParams: ByIdParams,
        listQuery: OrderListQuery,
        filters: ["status", "productId"],
        resource: {
          path: "/mall/orders",
          schema: OrderResource,
          roles: ["customer", ...staff],
          summaries: { list: "List orders (a customer sees their own)" },
        },
      }),

      /** Only until the deposit is checked; mall.pay decides, so a racing check and cancel never both win. */
      cancel: endpoint({
        http: {
          method: "POST",
          path: "/mall/orders/:id/cancel",
          roles: "any",
          summary: "Cancel an order; 409 once the deposit was checked",
          response: OrderResource,
          errors: [403, 404, 409, 503],
          reasons: { 403: ["NotOwner"], 409: ["AlreadyClosed", "DepositChecked"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const order = await ownOrder(ctx);
          if (order.status === "OrderCanceled") return orderView(order);
          await ctx.call("mall.pay.cancel", { id: payIdOf(order.id), orderId: order.id, customerId: order.customerId });
          const { state } = await orders.execute(
            order.id,
            { type: "Cancel", reason: "CustomerCanceled" },
            { idSeed: `cancel:${order.id}` },
          );
          return orderView(state);
        },
      }),

      receive: endpoint({
        http: {
          method: "POST",
          path: "/mall/orders/:id/receive",
          roles: "any",
          summary: "Confirm receipt; 409 unless the delivery has started",
          response: OrderResource,
          errors: [403, 404, 409],
          reasons: { 403: ["NotOwner"], 409: ["OrderCanceled", "DeliveryNotStarted"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const order = await ownOrder(ctx);
          const deliveryStarted = (await startedDeliveries.get(order.id)) !== undefined;
          const { state } = await orders.execute(order.id, { type: "Close", deliveryStarted });
          return orderView(state);
        },
      }),
    },
  };
}
