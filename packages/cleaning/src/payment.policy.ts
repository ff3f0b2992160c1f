// What cleaning.payment does when events happen: a canceled reservation
// cancels the request's payment, once.
import { execute, type Reactions } from "@seed/platform";
import { paymentIdOf } from "./ids.js";
import { paymentDecider } from "./payment.js";
import type { CleaningEvent } from "./schemas.js";

export const paymentPolicy: Reactions<CleaningEvent> = {
  ReservationCanceled: (e) => {
    const { requestId } = e.data;
    const paymentId = paymentIdOf(requestId);
    return [execute(paymentDecider, paymentId, { type: "Cancel", paymentId, requestId })];
  },
};
