// Delivery: started once an order's payment is approved, completed by an
// admin, canceled when the payment is refunded. At most one per order (its id
// is derived from the orderId).
//
// The refund may be handled before the start (the start's first attempt
// failed and is retried later, or was dead-lettered and replayed): then the
// cancel is recorded on a delivery that never started — a tombstone — and the
// late start finds a delivery and starts nothing. Whatever order the approval
// and the refund are handled in, the delivery ends Canceled: never left
// running for a canceled order.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { Delivery, SauceEvent } from "./schemas.js";

/** A delivery is what its resource shows, and whose it is. */
export interface DeliveryState extends Static<typeof Delivery> {
  customerId: string;
}

interface DeliveryOf {
  deliveryId: string;
  orderId: string;
  customerId: string;
}

export type DeliveryCommand =
  | ({ type: "Start" } & DeliveryOf)
  /** The order recorded the delivery (OrderDelivered); only then is Complete issued. */
  | { type: "Complete" }
  /** The order's payment was refunded; also before the delivery started. */
  | ({ type: "Cancel" } & DeliveryOf);

type DeliveryEvent = Extract<SauceEvent, { type: "DeliveryStarted" | "DeliveryCanceled" | "DeliveryCompleted" }>;

/** The admin may complete this delivery (the order still has its say): 404 unknown, 409 canceled. */
export function ensureCompletable(state: Empty | DeliveryState | undefined): asserts state is DeliveryState {
  if (!state || state.status === "Empty") throw refuse.notFound("delivery not found");
  if (state.status === "Canceled") throw refuse.conflict("DeliveryCanceled", "the delivery was canceled");
}

export const deliveryDecider: Decider<Empty | DeliveryState, DeliveryCommand, DeliveryEvent> = {
  name: "delivery",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Start": {
        // One delivery per order, also when PaymentApproved is redelivered; and
        // none at all once it was canceled, even if it never started.
        if (state.status !== "Empty") return [];
        const { deliveryId, orderId, customerId } = cmd;
        return [{ type: "DeliveryStarted", data: { deliveryId, orderId, customerId } }];
      }
      case "Complete":
        ensureCompletable(state);
        if (state.status === "Completed") return [];
        return [{ type: "DeliveryCompleted", data: { deliveryId: state.id, orderId: state.orderId } }];
      case "Cancel": {
        const { deliveryId, orderId, customerId } = cmd;
        if (state.status === "Empty") return [{ type: "DeliveryCanceled", data: { deliveryId, orderId, customerId } }]; // the tombstone
        if (state.status === "Canceled") return [];
        if (state.status === "Completed") throw refuse.conflict("AlreadyDelivered", "the delivery was completed");
        return [
          {
            type: "DeliveryCanceled",
            data: { deliveryId: state.id, orderId: state.orderId, customerId: state.customerId },
          },
        ];
      }
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "DeliveryStarted": {
        const { deliveryId, orderId, customerId } = event.data;
        return { id: deliveryId, orderId, customerId, status: "Started", createdAt: at, updatedAt: at };
      }
      case "DeliveryCanceled": {
        if (state.status !== "Empty") return { ...state, status: "Canceled", updatedAt: at };
        const { deliveryId, orderId, customerId } = event.data;
        return { id: deliveryId, orderId, customerId, status: "Canceled", createdAt: at, updatedAt: at };
      }
      case "DeliveryCompleted":
        return state.status === "Empty" ? state : { ...state, status: "Completed", updatedAt: at };
    }
  },
};

export const deliveryView = (s: DeliveryState) => ({
  id: s.id,
  orderId: s.orderId,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
