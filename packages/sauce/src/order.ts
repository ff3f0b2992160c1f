// Order: a branch's order of a sauce, stored only once its payment went
// through (so it is born "Paid"); canceled by its owner until delivered.
//
// The order is the one authority on "canceled or delivered": completing a
// delivery first records it here (OrderDelivered), a cancel is refused once
// that is recorded, and recording it is refused once the order is canceled.
// Both are appended to this aggregate's subject with the expected sequence, so
// of a cancel and a completion racing on one order, on any replicas and in any
// timing, exactly one is stored.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Order, SauceEvent } from "./schemas.js";

/** An order is what its resource shows, and whether its delivery was recorded. */
export interface OrderState extends Order {
  /** The delivery recorded as completed; from then on the order can no longer be canceled. */
  deliveredBy?: string;
}

export type OrderCommand =
  | {
      type: "Place";
      orderId: string;
      customerId: string;
      branchId: string;
      sauceId: string;
      qty: number;
      price: number;
    }
  | { type: "Cancel" }
  /** The delivery service is about to complete the order's delivery. */
  | { type: "MarkDelivered"; deliveryId: string };

type OrderEvent = Extract<SauceEvent, { type: "OrderPlaced" | "OrderCanceled" | "OrderDelivered" }>;

export const orderDecider: Decider<Empty | OrderState, OrderCommand, OrderEvent> = {
  name: "order",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (cmd.type === "Place") {
      if (state.status !== "Empty") return []; // the same Idempotency-Key placed it already
      const { type: _, ...data } = cmd;
      return [{ type: "OrderPlaced", data }];
    }
    if (state.status === "Empty") throw refuse.notFound("order not found");
    switch (cmd.type) {
      case "Cancel":
        if (state.status === "Canceled") return [];
        if (state.deliveredBy) throw refuse.conflict("AlreadyDelivered", "a delivered order cannot be canceled");
        return [{ type: "OrderCanceled", data: { orderId: state.id } }];
      case "MarkDelivered":
        if (state.status === "Canceled") throw refuse.conflict("OrderCanceled", "the order was canceled");
        if (state.deliveredBy) return []; // a retried completion, or the policy after the request
        return [{ type: "OrderDelivered", data: { orderId: state.id, deliveryId: cmd.deliveryId } }];
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "OrderPlaced": {
        const { orderId, ...placed } = event.data;
        return { ...placed, id: orderId, status: "Paid", createdAt: at, updatedAt: at };
      }
      case "OrderCanceled":
        return state.status === "Empty" ? state : { ...state, status: "Canceled", updatedAt: at };
      case "OrderDelivered":
        return state.status === "Empty" ? state : { ...state, deliveredBy: event.data.deliveryId, updatedAt: at };
    }
  },
};

export const orderView = (s: OrderState) => ({
  id: s.id,
  customerId: s.customerId,
  branchId: s.branchId,
  sauceId: s.sauceId,
  qty: s.qty,
  price: s.price,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
