// The mypages view's reducers: one row per plan, progress only forward, labels in two languages.
import type { EventEnvelope } from "@seed/platform";
import { describe, expect, it } from "vitest";
import { localized, type MypageRow, mypageReducers } from "../../src/mypage.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const PLAN = id(20);
let clock = 0;
const ev = (type: string, data: object = {}): EventEnvelope => ({
  id: id(100 + ++clock),
  type,
  aggregate: "x",
  aggregateId: PLAN,
  correlationId: PLAN,
  occurredAt: new Date(Date.UTC(2025, 0, 1, 0, 0, clock)).toISOString(),
  version: 1,
  data: { planNo: PLAN, ...data },
});
const saved = (premium = 3300) =>
  ev("PlanSaved", {
    customerId: id(10),
    userId: "u1",
    customerName: "홍길동",
    productCode: "P1",
    productName: "EZ",
    premium,
  });

function fold(events: EventEnvelope[], row?: MypageRow): MypageRow | undefined {
  const reducers = mypageReducers as Record<
    string,
    (r: MypageRow | undefined, e: EventEnvelope) => MypageRow | undefined
  >;
  return events.reduce<MypageRow | undefined>((r, e) => reducers[e.type]?.(r, e) ?? r, row);
}

describe("mypages", () => {
  it("follows a plan to its end", () => {
    const row = fold([
      saved(),
      ev("DocumentRequested"),
      ev("DocumentIssued", { documentId: id(70) }),
      ev("PaymentApproved"),
      ev("ProposalContracted", { proposalNo: id(30) }),
      ev("ProposalWithdrawn"),
      ev("PaymentCanceled"),
    ]) as MypageRow;
    expect(row).toMatchObject({
      planNo: PLAN,
      customerName: "홍길동",
      premium: 3300,
      progressStatus: "PaymentCanceled",
      statusLabel: "결제취소",
      documentId: id(70),
      proposalNo: id(30),
      paymentStatus: "Canceled",
    });
    expect(row.documentIssuedAt).toMatch(/^2025-/);
    expect(localized(row, "en")).toMatchObject({ statusLabel: "Payment canceled" });
    expect(localized(row, "en")).not.toHaveProperty("userId");
  });

  it("has the spec's Korean label at each step", () => {
    const labels: Record<string, string> = {};
    let row = fold([saved()]);
    labels[row?.progressStatus ?? ""] = row?.statusLabel ?? "";
    for (const [type, data] of [
      ["DocumentRequested", {}],
      ["DocumentIssued", { documentId: id(70) }],
      ["ProposalContracted", { proposalNo: id(30) }],
      ["ProposalWithdrawn", {}],
      ["PaymentCanceled", {}],
    ] as const) {
      row = fold([ev(type, data)], row);
      labels[row?.progressStatus ?? ""] = row?.statusLabel ?? "";
    }
    expect(labels).toEqual({
      PlanSaved: "가입설계",
      DocumentRequested: "상품설명서발행요청",
      DocumentIssued: "상품설명서발행완료",
      ProposalContracted: "청약완료",
      ProposalWithdrawn: "청약철회",
      PaymentCanceled: "결제취소",
    });
  });

  it("never moves back: a late or repeated event keeps the progress", () => {
    const issued = fold([saved(), ev("DocumentRequested"), ev("DocumentIssued", { documentId: id(70) })]);
    expect(fold([ev("DocumentRequested")], issued)?.progressStatus).toBe("DocumentIssued");
    expect(fold([saved(9999)], issued)).toMatchObject({ progressStatus: "DocumentIssued", premium: 3300 });
  });

  it("a re-quote while the plan is only saved updates the premium", () => {
    expect(fold([saved(), saved(39_600)])).toMatchObject({ progressStatus: "PlanSaved", premium: 39_600 });
  });

  it("history: given a plan followed to its end, then every step is recorded once with its event's time, in order", () => {
    const events = [
      saved(),
      ev("DocumentRequested"),
      ev("DocumentIssued", { documentId: id(70) }),
      ev("PaymentApproved"),
      ev("ProposalContracted", { proposalNo: id(30) }),
      ev("ProposalWithdrawn"),
      ev("PaymentCanceled"),
    ];
    const row = fold(events) as MypageRow;
    const step = (e: EventEnvelope) => ({ status: e.type, at: e.occurredAt });
    expect(row.history).toEqual(events.filter((e) => e.type !== "PaymentApproved").map(step));
    expect(localized(row, "en").history).toEqual(row.history);
  });

  it("history: given a plan with its document issued, when DocumentIssued is redelivered and the plan re-quoted, then no step is recorded twice", () => {
    const first = [saved(), ev("DocumentRequested"), ev("DocumentIssued", { documentId: id(70) })];
    const issued = fold(first) as MypageRow;
    const again = fold([first[2] as EventEnvelope, saved(9999)], issued) as MypageRow;
    expect(again.history).toEqual(issued.history);
    expect(again.history.map((h) => h.status)).toEqual(["PlanSaved", "DocumentRequested", "DocumentIssued"]);
  });

  it("a re-quote before the document keeps the first PlanSaved step only", () => {
    const first = saved();
    const row = fold([first, saved(39_600)]) as MypageRow;
    expect(row.history).toEqual([{ status: "PlanSaved", at: first.occurredAt }]);
  });

  it("events of a plan it has not seen saved are ignored", () => {
    expect(fold([ev("DocumentIssued", { documentId: id(70) })])).toBeUndefined();
  });
});
