// Every shape of the sauce system in one place: resources, request bodies,
// event data. The same schemas validate actions, build the OpenAPI document
// and check events when they are stored.

import { defineEvents, ULID_PATTERN } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";

export const Id = T.String({ pattern: ULID_PATTERN, description: "ULID" });
/** Branches and sauces are named by the client (they come from the branch and sauce catalogs). */
const Ref = T.String({ minLength: 1, maxLength: 100 });
const Qty = T.Integer({ minimum: 1, maximum: 10_000 });
const Price = T.Integer({ minimum: 0, maximum: 1_000_000_000, description: "unit price, KRW, integer" });
const Amount = T.Integer({ minimum: 0, description: "qty × price, KRW" });
const CustomerId = T.String({ maxLength: 100 });
const Time = T.String({ format: "date-time" });
const closed = { additionalProperties: false } as const;

// ── Request bodies and params ───────────────────────────────────────────────
export const PlaceOrderBody = T.Object({ branchId: Ref, sauceId: Ref, qty: Qty, price: Price }, closed);
export const ByIdParams = T.Object({ id: Id }, closed);
/** What sauce.order asks of sauce.payment when an order is placed. */
export const PayParams = T.Object({ orderId: Id, amount: Amount, customerId: CustomerId }, closed);
/** What sauce.delivery asks of sauce.order before it completes a delivery. */
export const MarkDeliveredParams = T.Object({ id: Id, deliveryId: Id }, closed);

// ── Resources ───────────────────────────────────────────────────────────────
export const OrderStatus = T.Union([T.Literal("Paid"), T.Literal("Canceled")]);
export const Order = T.Object({
  id: Id,
  customerId: CustomerId,
  branchId: Ref,
  sauceId: Ref,
  qty: Qty,
  price: Price,
  status: OrderStatus,
  createdAt: Time,
  updatedAt: Time,
});
export type Order = Static<typeof Order>;

export const PaymentStatus = T.Union([T.Literal("Approved"), T.Literal("Canceled")]);
export const RefundReason = T.Union([T.Literal("OrderCanceled"), T.Literal("OrderNotStored")]);
export const Payment = T.Object({
  id: Id,
  orderId: Id,
  amount: Amount,
  status: PaymentStatus,
  reason: T.Optional(RefundReason),
  createdAt: Time,
  updatedAt: Time,
});

export const DeliveryStatus = T.Union([T.Literal("Started"), T.Literal("Canceled"), T.Literal("Completed")]);
export const Delivery = T.Object({ id: Id, orderId: Id, status: DeliveryStatus, createdAt: Time, updatedAt: Time });

export const OrderDashboardRow = T.Object({
  orderId: Id,
  customerId: CustomerId,
  branchId: Ref,
  sauceId: Ref,
  qty: Qty,
  price: Price,
  orderStatus: OrderStatus,
  paymentStatus: T.Union([PaymentStatus, T.Null()]),
  deliveryStatus: T.Union([DeliveryStatus, T.Null()]),
  status: T.String({
    description: "the furthest step: Paid, Approved, Started, Completed, Canceled, PaymentCanceled, DeliveryCanceled",
  }),
  statusLabel: T.String(),
  history: T.Array(T.Object({ status: T.String(), at: Time }), {
    description: "every step reached, once each, with its time, in the order they happened",
  }),
  createdAt: Time,
  updatedAt: Time,
});

// ── Events (correlation key: orderId) ───────────────────────────────────────
export const SauceEvents = defineEvents("sauce", {
  OrderPlaced: {
    aggregate: "order",
    version: 1,
    schema: T.Object({ orderId: Id, branchId: Ref, sauceId: Ref, qty: Qty, price: Price, customerId: CustomerId }),
  },
  /** The charge went through; it becomes PaymentApproved once its order is stored (never public before). */
  PaymentAuthorized: {
    version: 1,
    schema: T.Object({ paymentId: Id, orderId: Id, amount: Amount, customerId: CustomerId }),
  },
  PaymentApproved: {
    aggregate: "payment",
    version: 1,
    schema: T.Object({ paymentId: Id, orderId: Id, amount: Amount, customerId: CustomerId }),
  },
  DeliveryStarted: { version: 1, schema: T.Object({ deliveryId: Id, orderId: Id, customerId: CustomerId }) },
  OrderCanceled: { aggregate: "order", version: 1, schema: T.Object({ orderId: Id }) },
  /**
   * Internal: the order's delivery was completed, recorded on the order first
   * (POST /sauce/deliveries/{id}/complete). From then on the order cannot be
   * canceled; DeliveryCompleted follows (from the same request, or from the
   * delivery service's policy if that request died in between).
   */
  OrderDelivered: { aggregate: "order", version: 1, schema: T.Object({ orderId: Id, deliveryId: Id }) },
  PaymentCanceled: {
    aggregate: "payment",
    version: 1,
    schema: T.Object({ paymentId: Id, orderId: Id, reason: RefundReason, customerId: CustomerId }),
  },
  /** Also appended when the refund arrives before the delivery started: then no delivery ever starts. */
  DeliveryCanceled: { version: 1, schema: T.Object({ deliveryId: Id, orderId: Id, customerId: CustomerId }) },
  DeliveryCompleted: { version: 1, schema: T.Object({ deliveryId: Id, orderId: Id }) },
});
/** Schema of each event type's current version. */
export const SauceEventSchemas = SauceEvents.schemas;

type Schemas = typeof SauceEventSchemas;
/** A sauce event as domain code sees it: `{type, data}`. */
export type SauceEvent = { [K in keyof Schemas]: { type: K; data: Static<Schemas[K]> } }[keyof Schemas];
export type EventData<K extends SauceEvent["type"]> = Extract<SauceEvent, { type: K }>["data"];
