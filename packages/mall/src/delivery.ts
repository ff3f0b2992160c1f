// Delivery: started once stock was taken for an order, completed when the
// customer confirmed receipt. At most one per order.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { Delivery, MallEvent } from "./schemas.js";

/** A delivery is what its resource shows, and whose it is. */
export interface DeliveryState extends Static<typeof Delivery> {
  customerId: string;
}

export type DeliveryCommand =
  | { type: "Start"; deliveryId: string; orderId: string; customerId: string; address: string }
  | { type: "Complete" };

type DeliveryEvent = Extract<MallEvent, { type: "DeliveryStarted" | "DeliveryCompleted" }>;

export const deliveryDecider: Decider<Empty | DeliveryState, DeliveryCommand, DeliveryEvent> = {
  name: "delivery",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    switch (cmd.type) {
      case "Start":
        if (state.status !== "Empty") return [];
        return [
          {
            type: "DeliveryStarted",
            data: {
              deliveryId: cmd.deliveryId,
              orderId: cmd.orderId,
              address: cmd.address,
              customerId: cmd.customerId,
            },
          },
        ];
      case "Complete":
        if (state.status === "Empty") throw refuse.notFound("delivery not found");
        if (state.status === "DeliveryCompleted") return [];
        return [{ type: "DeliveryCompleted", data: { deliveryId: state.id, orderId: state.orderId } }];
    }
  },

  evolve(state, event, { at }) {
    switch (event.type) {
      case "DeliveryStarted": {
        const { deliveryId, orderId, address, customerId } = event.data;
        return {
          id: deliveryId,
          orderId,
          address,
          customerId,
          status: "DeliveryStarted",
          createdAt: at,
          updatedAt: at,
        };
      }
      case "DeliveryCompleted":
        return state.status === "Empty" ? state : { ...state, status: "DeliveryCompleted", updatedAt: at };
    }
  },
};

export const deliveryView = (s: DeliveryState) => ({
  id: s.id,
  orderId: s.orderId,
  address: s.address,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
