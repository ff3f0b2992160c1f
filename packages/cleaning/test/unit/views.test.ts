// The reducers of dashBoardViews and messages: rows never go backwards,
// whatever order the events of a request arrive in, and an event folded twice
// changes nothing.
import type { EventEnvelope } from "@seed/platform";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DashBoardRow, dashBoardReducers, isShown, localized } from "../../src/dashboard.js";
import { messageIdOf } from "../../src/ids.js";
import { type MessageRow, messageReducers } from "../../src/message.js";

const REQUEST = `01HZX${"6".padStart(21, "0")}`;
const at = (i: number) => new Date(Date.parse("2025-01-01T00:00:00.000Z") + i * 1000).toISOString();

let n = 0;
function event(type: string, data: Record<string, unknown>, i: number): EventEnvelope {
  return {
    id: `01HZY${String(++n).padStart(21, "0")}`,
    type,
    aggregate: "x",
    aggregateId: REQUEST,
    correlationId: REQUEST,
    occurredAt: at(i),
    version: 1,
    data: { requestId: REQUEST, ...data },
  };
}

const applied = event(
  "ReservationApplied",
  { requestDate: "20250301", place: "Seoul", price: 50_000, customerName: "Alice", customerId: "c-1" },
  1,
);
const approved = event("PaymentApproved", { paymentId: REQUEST, amount: 50_000 }, 0); // stored before the reservation
const finished = event("CleaningFinished", { cleanId: REQUEST, cleanDate: "20250302", cleanerId: "k-1" }, 2);
const reviewed = event("ReviewCompleted", { reviewId: REQUEST, content: "Tidy", score: 4, cleanerId: "k-1" }, 3);
const canceled = event("ReservationCanceled", {}, 2);
const paymentCanceled = event("PaymentCanceled", { paymentId: REQUEST }, 3);

const RANK: Record<string, number> = {
  ReservationApplied: 1,
  PaymentApproved: 2,
  CleaningFinished: 3,
  ReviewCompleted: 4,
  ReservationCanceled: 5,
};

function fold(events: EventEnvelope[], each?: (row: DashBoardRow) => void): DashBoardRow | undefined {
  const reducers = dashBoardReducers as Record<
    string,
    (r: DashBoardRow | undefined, e: EventEnvelope) => DashBoardRow | undefined
  >;
  let row: DashBoardRow | undefined;
  for (const e of events) {
    const next = reducers[e.type]?.(row, e);
    if (next) row = next;
    if (row) each?.(row);
  }
  return row;
}

describe("dashBoardViews reducers", () => {
  it("the whole flow ends 리뷰완료 with the cleaning date and the review", () => {
    const row = fold([approved, applied, finished, reviewed]) as DashBoardRow;
    expect(localized(row, "ko")).toEqual({
      requestId: REQUEST,
      customerName: "Alice",
      place: "Seoul",
      requestDate: "20250301",
      price: 50_000,
      status: "ReviewCompleted",
      statusLabel: "리뷰완료",
      history: [
        { status: "PaymentApproved", at: at(0) },
        { status: "ReservationApplied", at: at(1) },
        { status: "CleaningFinished", at: at(2) },
        { status: "ReviewCompleted", at: at(3) },
      ],
      cleanDate: "20250302",
      content: "Tidy",
      score: 4,
      updatedAt: at(3),
    });
    expect(localized(row, "en").statusLabel).toBe("Review completed");
  });

  it("labels each step in Korean", () => {
    expect(fold([applied])?.statusLabel).toBe("예약신청");
    expect(fold([approved, applied])?.statusLabel).toBe("결제완료");
    expect(fold([approved, applied, finished])?.statusLabel).toBe("청소완료");
    expect(fold([approved, applied, canceled, paymentCanceled])?.statusLabel).toBe("예약취소");
  });

  it("history: given a canceled request, when its events arrive out of order, then its steps are in the order they happened", () => {
    expect(fold([canceled, applied, approved])?.history).toEqual([
      { status: "PaymentApproved", at: at(0) },
      { status: "ReservationApplied", at: at(1) },
      { status: "ReservationCanceled", at: at(2) },
    ]);
  });

  it("history: given a finished cleaning, when its CleaningFinished is redelivered, then the step is recorded once", () => {
    const row = fold([approved, applied, finished, finished]) as DashBoardRow;
    expect(row.history.map((h) => h.status)).toEqual(["PaymentApproved", "ReservationApplied", "CleaningFinished"]);
  });

  it("a row whose reservation has not arrived is not shown", () => {
    const row = fold([approved]) as DashBoardRow;
    expect(row.status).toBe("PaymentApproved");
    expect(isShown(row)).toBe(false);
    expect(isShown(fold([approved, applied]) as DashBoardRow)).toBe(true);
  });

  it("never moves back and ends the same, in any order and with repeats", () => {
    const flows = [
      [approved, applied, finished, reviewed],
      [approved, applied, canceled, paymentCanceled],
    ];
    for (const flow of flows) {
      const expected = fold(flow);
      fc.assert(
        fc.property(
          fc.shuffledSubarray(flow, { minLength: flow.length, maxLength: flow.length }),
          fc.array(fc.nat({ max: flow.length - 1 }), { maxLength: 4 }),
          (order, repeats) => {
            const events = [...order];
            for (const r of repeats) events.splice(r, 0, order[r] as EventEnvelope);
            let rank = 0;
            let updated = "";
            const row = fold(events, (r) => {
              expect(RANK[r.status] ?? 0).toBeGreaterThanOrEqual(rank);
              expect(r.updatedAt >= updated).toBe(true);
              rank = RANK[r.status] ?? 0;
              updated = r.updatedAt;
            });
            expect(row).toEqual(expected);
          },
        ),
      );
    }
  });
});

describe("messages reducer", () => {
  it("one message per event, with the review's content only on ReviewCompleted", () => {
    const reducers = messageReducers as Record<
      string,
      (r: MessageRow | undefined, e: EventEnvelope) => MessageRow | undefined
    >;
    for (const e of [applied, approved, canceled, paymentCanceled, finished, reviewed]) {
      const row = reducers[e.type]?.(undefined, e);
      expect(row).toEqual({
        id: messageIdOf(e),
        requestId: REQUEST,
        status: e.type,
        ...(e.type === "ReviewCompleted" ? { content: "Tidy" } : {}),
        createdAt: e.occurredAt,
      });
      // folded again (a redelivery, a rebuild): nothing new
      expect(reducers[e.type]?.(row, e)).toBeUndefined();
    }
  });

  it("message ids are derived from the event: stable, distinct per event, ordered by time", () => {
    expect(messageIdOf(applied)).toBe(messageIdOf({ ...applied }));
    expect(messageIdOf(applied)).not.toBe(messageIdOf(finished));
    expect(messageIdOf(approved) < messageIdOf(applied)).toBe(true);
  });
});
