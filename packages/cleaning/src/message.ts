// The messages view: one message for the cleaning company per state change,
// i.e. per cleaning event. Its id is derived from the event, so an event
// folded twice (a redelivery, a rebuild) can never make a second message.
import type { EventEnvelope } from "@seed/platform";
import { messageIdOf } from "./ids.js";

export interface MessageRow {
  id: string;
  requestId: string;
  status: string;
  content?: string;
  createdAt: string;
}

export function messageOf(row: MessageRow | undefined, e: EventEnvelope): MessageRow | undefined {
  if (row) return undefined; // this event's message exists
  const { requestId, content } = e.data as { requestId: string; content?: string };
  return {
    id: messageIdOf(e),
    requestId,
    status: e.type,
    // The review's content is what the company is told; other changes are told by their status.
    ...(e.type === "ReviewCompleted" && content !== undefined ? { content } : {}),
    createdAt: e.occurredAt,
  };
}

/** Every cleaning event type makes a message. */
export const messageReducers = {
  ReservationApplied: messageOf,
  PaymentApproved: messageOf,
  ReservationCanceled: messageOf,
  PaymentCanceled: messageOf,
  CleaningFinished: messageOf,
  ReviewCompleted: messageOf,
};
