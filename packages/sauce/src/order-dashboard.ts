// The orderDashboards view: order, payment and delivery state of one order on
// one row, folded from every sauce event. Every field only moves forward
// (events of different aggregates may be folded in any order, e.g. after a
// rebuild or a redelivery): a status is replaced only by a later one, and the
// row's overall `status` is the furthest step of the flow seen so far, and
// `history` holds every step once with its time, in the order they happened.
import type { EventEnvelope } from "@seed/platform";
import { labelOf } from "./labels.js";
import type { EventData, SauceEvent } from "./schemas.js";

type OrderStatus = "Paid" | "Canceled";
type PaymentStatus = "Approved" | "Canceled";
type DeliveryStatus = "Started" | "Completed" | "Canceled";

export interface OrderDashboardRow {
  orderId: string;
  customerId: string;
  branchId: string;
  sauceId: string;
  qty: number;
  price: number;
  /** Null only while the row has seen events of the order but not its OrderPlaced (never shown). */
  orderStatus: OrderStatus | null;
  paymentStatus: PaymentStatus | null;
  deliveryStatus: DeliveryStatus | null;
  status: string;
  statusLabel: string;
  /** Every step seen, once each, with its event's occurredAt, oldest first. */
  history: Array<{ status: string; at: string }>;
  createdAt: string;
  updatedAt: string;
  /** OrderPlaced was folded: only then is the row shown. */
  placed: boolean;
}

/** The steps of the flow in order; the overall status moves only up this list. */
export const STEP_RANK: Record<string, number> = {
  Paid: 1,
  Approved: 2,
  Started: 3,
  Completed: 4,
  Canceled: 5,
  PaymentCanceled: 6,
  DeliveryCanceled: 7,
};
const ORDER_RANK: Record<OrderStatus, number> = { Paid: 1, Canceled: 2 };
const PAYMENT_RANK: Record<PaymentStatus, number> = { Approved: 1, Canceled: 2 };
// Completed and Canceled are both final: whichever came first stays.
const DELIVERY_RANK: Record<DeliveryStatus, number> = { Started: 1, Completed: 2, Canceled: 2 };

function later<S extends string>(rank: Record<S, number>, current: S | null, next: S): S {
  return current !== null && rank[current] >= rank[next] ? current : next;
}

const empty = (orderId: string, at: string): OrderDashboardRow => ({
  orderId,
  customerId: "",
  branchId: "",
  sauceId: "",
  qty: 0,
  price: 0,
  orderStatus: null,
  paymentStatus: null,
  deliveryStatus: null,
  status: "",
  statusLabel: "",
  history: [],
  createdAt: at,
  updatedAt: at,
  placed: false,
});

/** Folds one step into a row (creating it if this is the first event of the order seen). */
function step(
  row: OrderDashboardRow | undefined,
  e: EventEnvelope<{ orderId: string }>,
  name: string,
  change: (r: OrderDashboardRow) => Partial<OrderDashboardRow>,
): OrderDashboardRow {
  const before = row ?? empty(e.data.orderId, e.occurredAt);
  const next = { ...before, ...change(before) };
  const status = (STEP_RANK[before.status] ?? 0) >= (STEP_RANK[name] ?? 0) ? before.status : name;
  const history = before.history.some((h) => h.status === name)
    ? before.history // already recorded (a redelivery)
    : [...before.history, { status: name, at: e.occurredAt }].sort((a, b) => a.at.localeCompare(b.at));
  return {
    ...next,
    status,
    statusLabel: labelOf(status),
    history,
    updatedAt: [before.updatedAt, e.occurredAt].sort()[1] as string, // ISO times sort as strings
  };
}

type Fold<K extends SauceEvent["type"]> = (
  row: OrderDashboardRow | undefined,
  e: EventEnvelope<EventData<K>>,
) => OrderDashboardRow | undefined;

const placed: Fold<"OrderPlaced"> = (row, e) => {
  if (row?.placed) return undefined; // redelivered
  const { customerId, branchId, sauceId, qty, price } = e.data;
  return step(row, e, "Paid", (r) => ({
    customerId,
    branchId,
    sauceId,
    qty,
    price,
    orderStatus: later(ORDER_RANK, r.orderStatus, "Paid"),
    createdAt: e.occurredAt,
    placed: true,
  }));
};

/** Which reducer folds which event into the orderDashboards view. */
export const orderDashboardReducers: { [K in SauceEvent["type"]]?: Fold<K> } = {
  OrderPlaced: placed,
  PaymentApproved: (row, e) =>
    step(row, e, "Approved", (r) => ({ paymentStatus: later(PAYMENT_RANK, r.paymentStatus, "Approved") })),
  DeliveryStarted: (row, e) =>
    step(row, e, "Started", (r) => ({ deliveryStatus: later(DELIVERY_RANK, r.deliveryStatus, "Started") })),
  DeliveryCompleted: (row, e) =>
    step(row, e, "Completed", (r) => ({ deliveryStatus: later(DELIVERY_RANK, r.deliveryStatus, "Completed") })),
  OrderCanceled: (row, e) =>
    step(row, e, "Canceled", (r) => ({ orderStatus: later(ORDER_RANK, r.orderStatus, "Canceled") })),
  PaymentCanceled: (row, e) =>
    // A refunded authorization whose order was never stored has no row to show.
    e.data.reason === "OrderNotStored" && !row
      ? undefined
      : step(row, e, "PaymentCanceled", (r) => ({ paymentStatus: later(PAYMENT_RANK, r.paymentStatus, "Canceled") })),
  DeliveryCanceled: (row, e) =>
    step(row, e, "DeliveryCanceled", (r) => ({ deliveryStatus: later(DELIVERY_RANK, r.deliveryStatus, "Canceled") })),
};

/** The row as a client sees it, with labels in the asked language. */
export function localized(row: OrderDashboardRow, lang: "ko" | "en") {
  const { placed: _, ...shown } = row;
  return lang === "ko" ? shown : { ...shown, statusLabel: labelOf(row.status, "en") };
}
