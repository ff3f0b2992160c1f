// The mypages view ("my insurance"): one row per plan, folded from every
// insurance event of the plan. Its progress only moves forward along the
// flow; a repeated or late event never moves it back. `history` holds every
// step once with its time, in the order they happened.
import type { EventEnvelope } from "@seed/platform";
import { labelOf } from "./labels.js";
import type { EventData } from "./schemas.js";

export interface MypageRow {
  planNo: string;
  customerId: string;
  /** Owner of the row (ownership checks); not shown to clients. */
  userId: string;
  customerName: string;
  productCode: string;
  productName: string;
  premium: number;
  progressStatus: string;
  statusLabel: string;
  /** Every step seen, once each, with its event's occurredAt, oldest first. */
  history: Array<{ status: string; at: string }>;
  documentId?: string;
  documentIssuedAt?: string;
  proposalNo?: string;
  paymentStatus?: "Approved" | "Canceled";
  createdAt: string;
  updatedAt: string;
}

export const PROGRESS_RANK: Record<string, number> = {
  PlanSaved: 1,
  DocumentRequested: 2,
  DocumentIssued: 3,
  ProposalContracted: 4,
  ProposalWithdrawn: 5,
  PaymentCanceled: 6,
};

/** Moves the row to `status` if that is further along; records the event's facts either way. */
function step(row: MypageRow, status: string, e: EventEnvelope, facts: Partial<MypageRow> = {}): MypageRow {
  const forward = (PROGRESS_RANK[status] ?? 0) > (PROGRESS_RANK[row.progressStatus] ?? 0);
  const progressStatus = forward ? status : row.progressStatus;
  const history = row.history.some((h) => h.status === status)
    ? row.history // already recorded (a redelivery, a re-quote)
    : [...row.history, { status, at: e.occurredAt }].sort((a, b) => a.at.localeCompare(b.at));
  return { ...row, ...facts, progressStatus, statusLabel: labelOf(progressStatus), history, updatedAt: e.occurredAt };
}

export function planSaved(row: MypageRow | undefined, e: EventEnvelope): MypageRow {
  const d = e.data as EventData<"PlanSaved">;
  const quote = { productCode: d.productCode, productName: d.productName, premium: d.premium };
  // A re-quote saves the plan again: new premium, same progress.
  if (row) return step(row, "PlanSaved", e, row.progressStatus === "PlanSaved" ? quote : {});
  return {
    planNo: d.planNo,
    customerId: d.customerId,
    userId: d.userId,
    customerName: d.customerName,
    ...quote,
    progressStatus: "PlanSaved",
    statusLabel: labelOf("PlanSaved"),
    history: [{ status: "PlanSaved", at: e.occurredAt }],
    createdAt: e.occurredAt,
    updatedAt: e.occurredAt,
  };
}

/** Which reducer folds which event into the mypages view (events come after their plan's PlanSaved). */
export const mypageReducers = {
  PlanSaved: planSaved,
  DocumentRequested: (row: MypageRow | undefined, e: EventEnvelope) => row && step(row, "DocumentRequested", e),
  DocumentIssued: (row: MypageRow | undefined, e: EventEnvelope) => {
    const d = e.data as EventData<"DocumentIssued">;
    return row && step(row, "DocumentIssued", e, { documentId: d.documentId, documentIssuedAt: e.occurredAt });
  },
  PaymentApproved: (row: MypageRow | undefined) =>
    row && row.paymentStatus === undefined ? { ...row, paymentStatus: "Approved" as const } : undefined,
  ProposalContracted: (row: MypageRow | undefined, e: EventEnvelope) => {
    const d = e.data as EventData<"ProposalContracted">;
    return row && step(row, "ProposalContracted", e, { proposalNo: d.proposalNo });
  },
  ProposalWithdrawn: (row: MypageRow | undefined, e: EventEnvelope) => row && step(row, "ProposalWithdrawn", e),
  PaymentCanceled: (row: MypageRow | undefined, e: EventEnvelope) =>
    row && step(row, "PaymentCanceled", e, { paymentStatus: "Canceled" }),
};

/** The row as a client sees it, with its label in the asked language. */
export function localized(row: MypageRow, lang: "ko" | "en") {
  const { userId: _, ...shown } = row;
  return { ...shown, statusLabel: labelOf(row.progressStatus, lang) };
}
