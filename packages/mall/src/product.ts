// Product: a seller's item and its stock. Stock is decreased once per order,
// never below zero, whatever the retries; and given back once if that order
// ends canceled after all (the compensation of the saga's stock step).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { EventData, MallEvent } from "./schemas.js";

export interface ProductState {
  status: "Registered";
  id: string;
  name: string;
  price: number;
  qty: number;
  /**
   * Orders whose quantity was taken, with that quantity: makes decreaseStock
   * idempotent per order. Stored one record per order (product.service.ts):
   * `decide` sees the entry of its command's order, the stored row none.
   */
  decreasedFor: Record<string, number>;
  /** Orders whose quantity was given back: a restore happens once, and no decrease follows it. Kept like decreasedFor. */
  restoredFor?: Record<string, true>;
  createdAt: string;
  updatedAt: string;
}

export type ProductCommand =
  | { type: "Register"; productId: string; name: string; price: number; qty: number }
  | { type: "DecreaseStock"; orderId: string; qty: number }
  /** The order ended canceled: give back what it took, if anything. */
  | { type: "RestoreStock"; orderId: string };

type ProductEvent = Extract<MallEvent, { type: "ProductRegistered" | "QtyDecreased" | "StockRestored" }>;

export const productDecider: Decider<Empty | ProductState, ProductCommand, ProductEvent> = {
  name: "product",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Register": {
        if (state.status !== "Empty") return [];
        const { productId, name, price, qty } = cmd;
        return [{ type: "ProductRegistered", data: { productId, name, price, qty } }];
      }
      case "DecreaseStock": {
        if (state.status === "Empty") throw refuse.notFound("product not found");
        if (state.decreasedFor[cmd.orderId] !== undefined) return [];
        if (cmd.qty > state.qty) throw refuse.conflict("OutOfStock", `only ${state.qty} left, ${cmd.qty} ordered`);
        const data: EventData<"QtyDecreased"> = {
          orderId: cmd.orderId,
          productId: state.id,
          qty: cmd.qty,
          remaining: state.qty - cmd.qty,
        };
        return [{ type: "QtyDecreased", data }];
      }
      case "RestoreStock": {
        if (state.status === "Empty") throw refuse.notFound("product not found");
        const qty = state.decreasedFor[cmd.orderId];
        // Nothing was taken for this order, or it was already given back.
        if (qty === undefined || state.restoredFor?.[cmd.orderId]) return [];
        const data: EventData<"StockRestored"> = {
          orderId: cmd.orderId,
          productId: state.id,
          qty,
          remaining: state.qty + qty,
        };
        return [{ type: "StockRestored", data }];
      }
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "ProductRegistered": {
        const { productId, name, price, qty } = event.data;
        return {
          status: "Registered",
          id: productId,
          name,
          price,
          qty,
          decreasedFor: {},
          createdAt: at,
          updatedAt: at,
        };
      }
      case "QtyDecreased":
        if (state.status === "Empty") return state;
        return {
          ...state,
          qty: event.data.remaining,
          decreasedFor: { ...state.decreasedFor, [event.data.orderId]: event.data.qty },
          updatedAt: at,
        };
      case "StockRestored":
        if (state.status === "Empty") return state;
        return {
          ...state,
          qty: event.data.remaining,
          restoredFor: { ...state.restoredFor, [event.data.orderId]: true },
          updatedAt: at,
        };
    }
  },
};

/** The public face of a product (what GET answers). */
export const productView = ({ id, name, price, qty, createdAt, updatedAt }: ProductState) => ({
  id,
  name,
  price,
  qty,
  createdAt,
  updatedAt,
});
