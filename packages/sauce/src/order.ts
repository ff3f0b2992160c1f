// Order: a branch's order of a sauce, stored only once its payment went
// through (so it is born "Paid"); canceled by its owner until delivered.
import { type Aggregate, refuse } from "@seed/platform/domain";
import type { SauceEvent } from "./schemas.js";

export interface OrderState {
  id: string;
  customerId: string;
  branchId: string;
  sauceId: string;
  qty: number;
  price: number;
  status: "Paid" | "Canceled";
  createdAt: string;
  updatedAt: string;
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
  /** `delivered`: the order's delivery was completed (what the order service knows of it). */
  | { type: "Cancel"; delivered: boolean };

type OrderEvent = Extract<SauceEvent, { type: "OrderPlaced" | "OrderCanceled" }>;

export const Order: Aggregate<OrderState, OrderCommand, OrderEvent> = {
  name: "order",

  decide(state, cmd) {
    if (cmd.type === "Place") {
      if (state) return []; // the same Idempotency-Key placed it already
      const { type: _, ...data } = cmd;
      return [{ type: "OrderPlaced", data }];
    }
    if (!state) throw refuse.notFound("order not found");
    if (state.status === "Canceled") return [];
    if (cmd.delivered) throw refuse.conflict("AlreadyDelivered", "a delivered order cannot be canceled");
    return [{ type: "OrderCanceled", data: { orderId: state.id } }];
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "OrderPlaced": {
        const { orderId, ...placed } = event.data;
        return { ...placed, id: orderId, status: "Paid", createdAt: at, updatedAt: at };
      }
      case "OrderCanceled":
        return { ...(state as OrderState), status: "Canceled", updatedAt: at };
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
