// Every shape of the mall system in one place: resources, request bodies,
// event data. The same schemas validate actions, build the OpenAPI document
// and check events when they are stored.

import { defineEvents, ULID_PATTERN } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";

export const Id = T.String({ pattern: ULID_PATTERN, description: "ULID" });
const Name = T.String({ minLength: 1, maxLength: 200 });
const Address = T.String({ minLength: 1, maxLength: 500 });
const Price = T.Integer({ minimum: 0, maximum: 1_000_000_000, description: "KRW, integer" });
const Qty = T.Integer({ minimum: 1, maximum: 1000 });
const Stock = T.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Time = T.String({ format: "date-time" });
const closed = { additionalProperties: false } as const;

// ── Request bodies ──────────────────────────────────────────────────────────
export const RegisterProductBody = T.Object({ name: Name, price: Price, qty: Stock }, closed);
/** Name and price come from the catalog; `price` is the one the customer saw, checked against it. */
export const PlaceOrderBody = T.Object({ productId: Id, qty: Qty, address: Address, price: T.Optional(Price) }, closed);
export const ByIdParams = T.Object({ id: Id }, closed);

// ── Resources ───────────────────────────────────────────────────────────────
export const Product = T.Object({ id: Id, name: Name, price: Price, qty: Stock, createdAt: Time, updatedAt: Time });
export type Product = Static<typeof Product>;

/** What a customer ordered: the same fields in the Order, its OrderPlaced event and its view row. */
const OrderLine = {
  customerId: T.String(),
  productId: Id,
  productName: Name,
  qty: Qty,
  price: Price,
  address: Address,
};

export const OrderStatus = T.Union([T.Literal("OrderPlaced"), T.Literal("OrderCanceled"), T.Literal("OrderClosed")]);
export const Order = T.Object({
  id: Id,
  ...OrderLine,
  status: OrderStatus,
  createdAt: Time,
  updatedAt: Time,
});
export type Order = Static<typeof Order>;

export const PayStatus = T.Union([T.Literal("PayPlaced"), T.Literal("PayChecked"), T.Literal("PayCanceled")]);
export const Pay = T.Object({
  id: Id,
  orderId: Id,
  amount: T.Integer({ minimum: 0 }),
  status: PayStatus,
  reason: T.Optional(T.String()),
  createdAt: Time,
  updatedAt: Time,
});

export const DeliveryStatus = T.Union([T.Literal("DeliveryStarted"), T.Literal("DeliveryCompleted")]);
export const Delivery = T.Object({
  id: Id,
  orderId: Id,
  address: Address,
  status: DeliveryStatus,
  createdAt: Time,
  updatedAt: Time,
});

export const OrderStatusRow = T.Object({
  orderId: Id,
  ...OrderLine,
  status: T.String(),
  statusLabel: T.String(),
  history: T.Array(T.Object({ status: T.String(), at: Time })),
  createdAt: Time,
  updatedAt: Time,
});

// ── Events (correlation key: orderId) ───────────────────────────────────────
export const CancelReason = T.Union([T.Literal("OrderCanceled"), T.Literal("OutOfStock")]);
export const OrderCancelReason = T.Union([T.Literal("CustomerCanceled"), T.Literal("OutOfStock")]);

export const MallEvents = defineEvents("mall", {
  ProductRegistered: { version: 1, schema: T.Object({ productId: Id, name: Name, price: Price, qty: Stock }) },
  OrderPlaced: { aggregate: "order", version: 1, schema: T.Object({ orderId: Id, ...OrderLine }) },
  PayPlaced: {
    version: 1,
    schema: T.Object({
      payId: Id,
      orderId: Id,
      amount: T.Integer({ minimum: 0 }),
      productId: Id,
      qty: Qty,
      customerId: T.String(),
    }),
  },
  PayChecked: { aggregate: "pay", version: 1, schema: T.Object({ payId: Id, orderId: Id }) },
  QtyDecreased: {
    aggregate: "product",
    version: 1,
    schema: T.Object({ orderId: Id, productId: Id, qty: Qty, remaining: Stock }),
  },
  /** The stock an order took, given back because the order ended canceled (the saga's compensation). */
  StockRestored: { version: 1, schema: T.Object({ orderId: Id, productId: Id, qty: Qty, remaining: Stock }) },
  PayCanceled: {
    aggregate: "pay",
    version: 1,
    schema: T.Object({ payId: Id, orderId: Id, reason: CancelReason, customerId: T.String() }),
  },
  OrderCanceled: { version: 1, schema: T.Object({ orderId: Id, reason: OrderCancelReason }) },
  DeliveryStarted: {
    version: 1,
    schema: T.Object({ deliveryId: Id, orderId: Id, address: Address, customerId: T.String() }),
  },
  OrderClosed: { aggregate: "order", version: 1, schema: T.Object({ orderId: Id }) },
  DeliveryCompleted: { version: 1, schema: T.Object({ deliveryId: Id, orderId: Id }) },
});
/** Schema of each event type's current version. */
export const MallEventSchemas = MallEvents.schemas;

type Schemas = typeof MallEventSchemas;
/** A mall event as domain code sees it: `{type, data}`. */
export type MallEvent = { [K in keyof Schemas]: { type: K; data: Static<Schemas[K]> } }[keyof Schemas];
export type EventData<K extends MallEvent["type"]> = Extract<MallEvent, { type: K }>["data"];
