// Ids derived from the request they belong to: a request has at most one
// Payment, one Clean and one Review, because each can only ever get this id.
// A message's id is derived from the event it reports: one message per event.
import { type EventEnvelope, idFrom, idTime } from "@seed/platform";

export const paymentIdOf = (requestId: string) => idFrom(`payment:${requestId}`, idTime(requestId));
export const cleanIdOf = (requestId: string) => idFrom(`clean:${requestId}`, idTime(requestId));
export const reviewIdOf = (requestId: string) => idFrom(`review:${requestId}`, idTime(requestId));
export const messageIdOf = (e: EventEnvelope) => idFrom(`message:${e.id}`, Date.parse(e.occurredAt));

/** The correlation key every cleaning event carries. */
export const requestIdOf = (e: EventEnvelope): string | undefined => (e.data as { requestId?: string }).requestId;
