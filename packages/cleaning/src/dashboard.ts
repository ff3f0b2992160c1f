// The dashBoardViews view ("my page"): one row per request, folded from every
// cleaning event. The payment is approved before the reservation is stored, so
// a row may begin with PaymentApproved; it is shown once its reservation is
// there. The status only moves forward: a cancellation is final, and
// otherwise the furthest step of the flow wins, whatever order events arrive in.
// `history` holds every step once with its time, in the order they happened.
import type { EventEnvelope } from "@seed/platform";
import { labelOf } from "./labels.js";
import type { EventData } from "./schemas.js";

export interface DashBoardRow {
  requestId: string;
  /** Owner of the row (not shown): set by ReservationApplied; a row without it is not shown yet. */
  customerId?: string;
  customerName: string;
  place: string;
  requestDate: string;
  price: number;
  status: string;
  statusLabel: string;
  /** Every step seen, once each, with its event's occurredAt, oldest first. */
  history: Array<{ status: string; at: string }>;
  cleanDate?: string;
  content?: string;
  score?: number;
  updatedAt: string;
}

const RANK: Record<string, number> = {
  ReservationApplied: 1,
  PaymentApproved: 2,
  CleaningFinished: 3,
  ReviewCompleted: 4,
  ReservationCanceled: 5,
};

/** An empty row for a request whose first event is not its ReservationApplied. */
const blank = (e: EventEnvelope): DashBoardRow => ({
  requestId: (e.data as { requestId: string }).requestId,
  customerName: "",
  place: "",
  requestDate: "",
  price: 0,
  status: "",
  statusLabel: "",
  history: [],
  updatedAt: e.occurredAt,
});

/** Moves the row to the event's step if it is further, and applies `fields`. */
function step(row: DashBoardRow | undefined, e: EventEnvelope, fields: Partial<DashBoardRow> = {}): DashBoardRow {
  const current = row ?? blank(e);
  const forward = (RANK[e.type] ?? 0) > (RANK[current.status] ?? 0);
  const status = forward ? e.type : current.status;
  const history = current.history.some((h) => h.status === e.type)
    ? current.history // already recorded (a redelivery)
    : [...current.history, { status: e.type, at: e.occurredAt }].sort((a, b) => a.at.localeCompare(b.at));
  return {
    ...current,
    ...fields,
    status,
    statusLabel: labelOf(status),
    history,
    // ISO-8601 UTC times sort as strings; a late event never moves the time back.
    updatedAt: [current.updatedAt, e.occurredAt].sort()[1] as string,
  };
}

export const dashBoardReducers = {
  ReservationApplied: (row: DashBoardRow | undefined, e: EventEnvelope) => {
    if (row?.customerId !== undefined) return undefined; // already recorded
    const { customerId, customerName, place, requestDate, price } = e.data as EventData<"ReservationApplied">;
    return step(row, e, { customerId, customerName, place, requestDate, price });
  },
  PaymentApproved: (row: DashBoardRow | undefined, e: EventEnvelope) => step(row, e),
  ReservationCanceled: (row: DashBoardRow | undefined, e: EventEnvelope) => step(row, e),
  CleaningFinished: (row: DashBoardRow | undefined, e: EventEnvelope) =>
    step(row, e, { cleanDate: (e.data as EventData<"CleaningFinished">).cleanDate }),
  ReviewCompleted: (row: DashBoardRow | undefined, e: EventEnvelope) => {
    const { content, score } = e.data as EventData<"ReviewCompleted">;
    return step(row, e, { content, score });
  },
};

/** Rows whose reservation is stored: the others are not shown (a payment whose reservation never came). */
export const isShown = (row: DashBoardRow): row is DashBoardRow & { customerId: string } =>
  row.customerId !== undefined;

/** The row as a client sees it: the spec's fields, labels in the asked language. */
export function localized(row: DashBoardRow, lang: "ko" | "en") {
  const { customerId: _, ...shown } = row;
  return lang === "ko" ? shown : { ...shown, statusLabel: labelOf(row.status, "en") };
}
