// Ids derived from the order they belong to: there is at most one Payment and
// one Delivery per order because both can only ever get this one id.
import { type EventEnvelope, idFrom, idTime } from "@seed/platform";

export const paymentIdOf = (orderId: string) => idFrom(`payment:${orderId}`, idTime(orderId));
export const deliveryIdOf = (orderId: string) => idFrom(`delivery:${orderId}`, idTime(orderId));

/** The correlation key every sauce event carries. */
export const orderIdOf = (e: EventEnvelope): string | undefined => (e.data as { orderId?: string }).orderId;
