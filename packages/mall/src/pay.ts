// Pay: the bank-transfer payment of one order. The pay service is the
// authority on whether the deposit was checked, so "cancel only until checked"
// holds under any race: both go through this one aggregate.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { MallEvent, Pay } from "./schemas.js";

/** A pay is what its resource shows, and what the order asks of the stock. */
export interface PayState extends Static<typeof Pay> {
  customerId: string;
  productId: string;
  qty: number;
}

export type PayCommand =
  | {
      type: "Place";
      payId: string;
      orderId: string;
      customerId: string;
      productId: string;
      qty: number;
      amount: number;
    }
  /** The product service took the stock: the deposit is confirmed. */
  | { type: "Check" }
  | { type: "Cancel"; payId: string; orderId: string; customerId: string; reason: "OrderCanceled" | "OutOfStock" };

type PayEvent = Extract<MallEvent, { type: "PayPlaced" | "PayChecked" | "PayCanceled" }>;

/** Refuses a check that can no longer happen; used before and after taking stock. */
export function ensureCheckable(state: Empty | PayState | undefined): asserts state is PayState {
  if (!state || state.status === "Empty") throw refuse.notFound("pay not found");
  if (state.status === "PayCanceled") throw refuse.conflict("OrderCanceled", "the order was canceled");
}

export const payDecider: Decider<Empty | PayState, PayCommand, PayEvent> = {
  name: "pay",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Place": {
        if (state.status !== "Empty") return []; // one Pay per order, also when OrderPlaced is redelivered or came after a cancel
        const { payId, orderId, amount, productId, qty, customerId } = cmd;
        return [{ type: "PayPlaced", data: { payId, orderId, amount, productId, qty, customerId } }];
      }
      case "Check":
        ensureCheckable(state);
        if (state.status === "PayChecked") return [];
        return [{ type: "PayChecked", data: { payId: state.id, orderId: state.orderId } }];
      case "Cancel":
        if (state.status === "PayCanceled") return [];
        if (state.status === "PayChecked") throw refuse.conflict("DepositChecked", "the deposit was already checked");
        // A cancel may come before the Pay exists (the customer was quicker than the policy):
        // the canceled Pay then stands, and the late OrderPlaced creates nothing.
        return [
          {
            type: "PayCanceled",
            data: { payId: cmd.payId, orderId: cmd.orderId, customerId: cmd.customerId, reason: cmd.reason },
          },
        ];
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "PayPlaced": {
        const { payId, ...placed } = event.data;
        return { ...placed, id: payId, status: "PayPlaced", createdAt: at, updatedAt: at };
      }
      case "PayChecked":
        return state.status === "Empty" ? state : { ...state, status: "PayChecked", updatedAt: at };
      case "PayCanceled": {
        const { payId, orderId, customerId, reason } = event.data;
        const before =
          state.status === "Empty"
            ? { id: payId, orderId, customerId, productId: "", qty: 0, amount: 0, createdAt: at }
            : state;
        return { ...before, status: "PayCanceled", reason, updatedAt: at };
      }
    }
  },
};

export const payView = (s: PayState) => ({
  id: s.id,
  orderId: s.orderId,
  amount: s.amount,
  status: s.status,
  ...(s.reason ? { reason: s.reason } : {}),
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
