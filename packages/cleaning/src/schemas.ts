// Every shape of the cleaning system in one place: resources, request bodies,
// event data. The same schemas validate actions, build the OpenAPI document
// and check events when they are stored.

import { defineEvents, ULID_PATTERN } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";

export const Id = T.String({ pattern: ULID_PATTERN, description: "ULID" });
/** A calendar day as the original system wrote it: `YYYYMMDD`. */
export const Day = T.String({
  pattern: "^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$",
  description: "YYYYMMDD",
  examples: ["20261213"],
});
const Place = T.String({ minLength: 1, maxLength: 500 });
const CustomerName = T.String({ minLength: 1, maxLength: 100 });
const Price = T.Integer({ minimum: 0, maximum: 1_000_000_000, description: "KRW, integer" });
const Content = T.String({ minLength: 1, maxLength: 2000 });
const Score = T.Integer({ minimum: 1, maximum: 5 });
const UserId = T.String({ maxLength: 100 });
const Time = T.String({ format: "date-time" });
const closed = { additionalProperties: false } as const;

// ── Request bodies ──────────────────────────────────────────────────────────
export const ApplyReservationBody = T.Object(
  { requestDate: Day, place: Place, price: Price, customerName: CustomerName },
  closed,
);
export const FinishCleanBody = T.Object({ requestId: Id, cleanDate: Day }, closed);
export const CompleteReviewBody = T.Object({ requestId: Id, content: Content, score: Score }, closed);
export const ByIdParams = T.Object({ id: Id }, closed);
export const ByRequestParams = T.Object({ requestId: Id }, closed);

// ── Resources ───────────────────────────────────────────────────────────────
/** What a customer asked for: the same fields in the reservation, its event and the dashboard row. */
const RequestLine = {
  requestDate: Day,
  place: Place,
  price: Price,
  customerName: CustomerName,
};

export const ReservationStatus = T.Union([T.Literal("ReservationApplied"), T.Literal("ReservationCanceled")]);
export const Reservation = T.Object({
  id: Id,
  ...RequestLine,
  customerId: UserId,
  status: ReservationStatus,
  createdAt: Time,
  updatedAt: Time,
});

export const PaymentStatus = T.Union([T.Literal("PaymentApproved"), T.Literal("PaymentCanceled")]);
export const Payment = T.Object({
  id: Id,
  requestId: Id,
  amount: Price,
  status: PaymentStatus,
  createdAt: Time,
  updatedAt: Time,
});

export const Clean = T.Object({
  id: Id,
  requestId: Id,
  cleanDate: Day,
  cleanerId: UserId,
  status: T.Literal("CleaningFinished"),
  createdAt: Time,
  updatedAt: Time,
});

export const Review = T.Object({
  id: Id,
  requestId: Id,
  content: Content,
  score: Score,
  cleanerId: UserId,
  status: T.Literal("ReviewCompleted"),
  createdAt: Time,
  updatedAt: Time,
});

export const Message = T.Object({
  id: Id,
  requestId: Id,
  status: T.String({ description: "the event that caused the message" }),
  content: T.Optional(T.String({ description: "the review's content, for ReviewCompleted" })),
  createdAt: Time,
});

export const DashBoardView = T.Object({
  requestId: Id,
  ...RequestLine,
  status: T.String(),
  statusLabel: T.String(),
  history: T.Array(T.Object({ status: T.String(), at: Time }), {
    description: "every step reached, once each, with its time, in the order they happened",
  }),
  cleanDate: T.Optional(Day),
  content: T.Optional(Content),
  score: T.Optional(Score),
  updatedAt: Time,
});

// ── Events (correlation key: requestId) ─────────────────────────────────────
export const CleaningEvents = defineEvents("cleaning", {
  ReservationApplied: { version: 1, schema: T.Object({ requestId: Id, ...RequestLine, customerId: UserId }) },
  PaymentApproved: { version: 1, schema: T.Object({ paymentId: Id, requestId: Id, amount: Price }) },
  ReservationCanceled: { aggregate: "reservation", version: 1, schema: T.Object({ requestId: Id }) },
  PaymentCanceled: { version: 1, schema: T.Object({ paymentId: Id, requestId: Id }) },
  CleaningFinished: { version: 1, schema: T.Object({ cleanId: Id, requestId: Id, cleanDate: Day, cleanerId: UserId }) },
  ReviewCompleted: {
    version: 1,
    schema: T.Object({ reviewId: Id, requestId: Id, content: Content, score: Score, cleanerId: UserId }),
  },
  /**
   * Not one of the spec's state changes: the reservation's own record that its
   * cleaning is finished, written just before the clean's CleaningFinished, so
   * that a cancel and a clean are decided by one aggregate. The views skip it
   * (no message, no dashboard step); the clean service completes a
   * CleaningFinished from it if the node died in between.
   */
  CleaningRecorded: {
    aggregate: "reservation",
    version: 1,
    schema: T.Object({ cleanId: Id, requestId: Id, cleanDate: Day, cleanerId: UserId }),
  },
});
/** Schema of each event type's current version. */
export const CleaningEventSchemas = CleaningEvents.schemas;

type Schemas = typeof CleaningEventSchemas;
/** A cleaning event as domain code sees it: `{type, data}`. */
export type CleaningEvent = { [K in keyof Schemas]: { type: K; data: Static<Schemas[K]> } }[keyof Schemas];
export type EventData<K extends CleaningEvent["type"]> = Extract<CleaningEvent, { type: K }>["data"];
