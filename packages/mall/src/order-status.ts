// The orderStatuses view: one row per order with its whole history, folded
// from every mall event. A status only moves forward: a cancellation is final,
// and otherwise the furthest step of the flow wins.
import type { EventEnvelope } from "@seed/platform";
import { labelOf } from "./labels.js";
import type { EventData } from "./schemas.js";

export interface OrderStatusRow {
  orderId: string;
  customerId: string;
  productId: string;
  productName: string;
  qty: number;
  price: number;
  address: string;
  status: string;
  statusLabel: string;
  history: Array<{ status: string; at: string }>;
  createdAt: string;
  updatedAt: string;
}

const RANK: Record<string, number> = {
  OrderPlaced: 1,
  PayPlaced: 2,
  PayChecked: 3,
  QtyDecreased: 4,
  DeliveryStarted: 5,
  OrderClosed: 6,
  DeliveryCompleted: 7,
  PayCanceled: 8,
  // Only a canceled order gets its stock back; whichever of the two comes
  // last, the row ends "OrderCanceled", with the restore in its history.
  StockRestored: 9,
  OrderCanceled: 10,
};

/** Records a step; the status moves only if the step is further than the current one. */
export function advance(row: OrderStatusRow | undefined, e: EventEnvelope): OrderStatusRow | undefined {
  if (!row) return undefined; // every step of an order comes after its OrderPlaced
  if (row.history.some((h) => h.status === e.type)) return undefined; // already recorded
  const forward = (RANK[e.type] ?? 0) > (RANK[row.status] ?? 0);
  const status = forward ? e.type : row.status;
  return {
    ...row,
    status,
    statusLabel: labelOf(status),
    history: [...row.history, { status: e.type, at: e.occurredAt }],
    updatedAt: e.occurredAt,
  };
}

export function placed(row: OrderStatusRow | undefined, e: EventEnvelope): OrderStatusRow | undefined {
  if (row) return undefined;
  const d = e.data as EventData<"OrderPlaced">;
  return {
    orderId: d.orderId,
    customerId: d.customerId,
    productId: d.productId,
    productName: d.productName,
    qty: d.qty,
    price: d.price,
    address: d.address,
    status: "OrderPlaced",
    statusLabel: labelOf("OrderPlaced"),
    history: [{ status: "OrderPlaced", at: e.occurredAt }],
    createdAt: e.occurredAt,
    updatedAt: e.occurredAt,
  };
}

/** Which reducer folds which event into the orderStatuses view. */
export const orderStatusReducers = {
  OrderPlaced: placed,
  PayPlaced: advance,
  PayChecked: advance,
  QtyDecreased: advance,
  DeliveryStarted: advance,
  OrderClosed: advance,
  DeliveryCompleted: advance,
  PayCanceled: advance,
  StockRestored: advance,
  OrderCanceled: advance,
};

/** The row as a client sees it, with labels in the asked language. */
export function localized(row: OrderStatusRow, lang: "ko" | "en"): OrderStatusRow {
  return lang === "ko" ? row : { ...row, statusLabel: labelOf(row.status, "en") };
}
