// Delivery: started once an order's payment is approved, completed by an
// admin, canceled when the payment is refunded. At most one per order.
import { type Aggregate, refuse } from "@seed/platform/domain";
import type { SauceEvent } from "./schemas.js";

export interface DeliveryState {
  id: string;
  orderId: string;
  customerId: string;
  status: "Started" | "Canceled" | "Completed";
  createdAt: string;
  updatedAt: string;
}

export type DeliveryCommand =
  | { type: "Start"; deliveryId: string; orderId: string; customerId: string }
  /** `orderCanceled`: what the delivery service knows of the order. */
  | { type: "Complete"; orderCanceled: boolean }
  | { type: "Cancel" };

type DeliveryEvent = Extract<SauceEvent, { type: "DeliveryStarted" | "DeliveryCanceled" | "DeliveryCompleted" }>;

export const Delivery: Aggregate<DeliveryState, DeliveryCommand, DeliveryEvent> = {
  name: "delivery",

  decide(state, cmd) {
    if (cmd.type === "Start") {
      if (state) return []; // one delivery per order, also when PaymentApproved is redelivered
      const { deliveryId, orderId, customerId } = cmd;
      return [{ type: "DeliveryStarted", data: { deliveryId, orderId, customerId } }];
    }
    if (!state) throw refuse.notFound("delivery not found");
    const data = { deliveryId: state.id, orderId: state.orderId };
    switch (cmd.type) {
      case "Complete":
        if (state.status === "Completed") return [];
        if (state.status === "Canceled") throw refuse.conflict("DeliveryCanceled", "the delivery was canceled");
        if (cmd.orderCanceled) throw refuse.conflict("OrderCanceled", "the order was canceled");
        return [{ type: "DeliveryCompleted", data }];
      case "Cancel":
        if (state.status === "Canceled") return [];
        if (state.status === "Completed") throw refuse.conflict("AlreadyDelivered", "the delivery was completed");
        return [{ type: "DeliveryCanceled", data }];
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "DeliveryStarted": {
        const { deliveryId, orderId, customerId } = event.data;
        return { id: deliveryId, orderId, customerId, status: "Started", createdAt: at, updatedAt: at };
      }
      case "DeliveryCanceled":
        return { ...(state as DeliveryState), status: "Canceled", updatedAt: at };
      case "DeliveryCompleted":
        return { ...(state as DeliveryState), status: "Completed", updatedAt: at };
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
