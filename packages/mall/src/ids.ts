// Ids derived from the order they belong to: there is at most one Pay and one
// Delivery per order because both can only ever get this one id.
import { type EventEnvelope, idFrom, idTime } from "@seed/platform";

export const payIdOf = (orderId: string) => idFrom(`pay:${orderId}`, idTime(orderId));
export const deliveryIdOf = (orderId: string) => idFrom(`delivery:${orderId}`, idTime(orderId));

/** The correlation key every mall event carries (ProductRegistered has none). */
export const orderIdOf = (e: EventEnvelope): string | undefined => (e.data as { orderId?: string }).orderId;
