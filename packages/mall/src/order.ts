// Order: placed by a customer at the catalog's price, canceled until the
// deposit is checked, closed when the customer confirms receipt of a started
// delivery.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { MallEvent, Order } from "./schemas.js";

/** A placed order is what its resource shows. */
export type OrderState = Order;

export type OrderCommand =
  | {
      type: "Place";
      orderId: string;
      customerId: string;
      productId: string;
      /** Name and price from the product catalog, never from the client. */
      productName: string;
      qty: number;
      price: number;
      address: string;
      /** The price the customer saw, when the client sent it: an order at another price is refused. */
      seenPrice?: number;
    }
  /** Cancel after the pay service agreed (customer) or because the pay was canceled (saga). */
  | { type: "Cancel"; reason: "CustomerCanceled" | "OutOfStock" }
  /** Receipt confirmed; only valid once its delivery has started. */
  | { type: "Close"; deliveryStarted: boolean };

type OrderEvent = Extract<MallEvent, { type: "OrderPlaced" | "OrderCanceled" | "OrderClosed" }>;

export const orderDecider: Decider<Empty | OrderState, OrderCommand, OrderEvent> = {
  name: "order",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (cmd.type === "Place") {
      if (state.status !== "Empty") return []; // the same Idempotency-Key placed it already
      const { type: _, seenPrice, ...data } = cmd;
      ensureSamePrice(data.productName, data.price, seenPrice);
      return [{ type: "OrderPlaced", data }];
    }
    if (state.status === "Empty") throw refuse.notFound("order not found");
    switch (cmd.type) {
      case "Cancel":
        if (state.status === "OrderCanceled") return [];
        if (state.status === "OrderClosed")
          throw refuse.conflict("AlreadyClosed", "a received order cannot be canceled");
        return [{ type: "OrderCanceled", data: { orderId: state.id, reason: cmd.reason } }];
      case "Close":
        if (state.status === "OrderClosed") return [];
        if (state.status === "OrderCanceled") throw refuse.conflict("OrderCanceled", "the order was canceled");
        if (!cmd.deliveryStarted) throw refuse.conflict("DeliveryNotStarted", "the delivery has not started yet");
        return [{ type: "OrderClosed", data: { orderId: state.id } }];
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "OrderPlaced": {
        const { orderId, ...placed } = event.data;
        return { ...placed, id: orderId, status: "OrderPlaced", createdAt: at, updatedAt: at };
      }
      case "OrderCanceled":
        return state.status === "Empty" ? state : { ...state, status: "OrderCanceled", updatedAt: at };
      case "OrderClosed":
        return state.status === "Empty" ? state : { ...state, status: "OrderClosed", updatedAt: at };
    }
  },
};

/**
 * A customer who saw another price than the catalog's must not be charged the
 * catalog's without knowing: 409 PriceChanged, with the current price for the
 * client to show and order again.
 */
export function ensureSamePrice(productName: string, price: number, seenPrice: number | undefined): void {
  if (seenPrice === undefined || seenPrice === price) return;
  throw refuse.conflict("PriceChanged", `the price of ${productName} is now ${price}`, { price });
}

export const orderView = (s: OrderState) => ({
  id: s.id,
  customerId: s.customerId,
  productId: s.productId,
  productName: s.productName,
  qty: s.qty,
  price: s.price,
  address: s.address,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
