// Payment: charged once with a masked account, canceled once — by a withdrawal
// or, when its proposal was never contracted, by the reconciliation.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { isDeclined, isOverdue, maskAccountNo, type PayCommand, paymentDecider, paymentView } from "./payment.js";
import { InsuranceEventSchemas } from "./schemas.js";
import { owner, PAYMENT, PLAN, PROPOSAL } from "./test-fixtures.js";

const { given, history, at } = deciderSpec(paymentDecider, InsuranceEventSchemas);
const pay: PayCommand = {
  type: "Pay",
  paymentId: PAYMENT,
  proposalNo: PROPOSAL,
  planNo: PLAN,
  ...owner,
  amount: 3300,
  account: { bankCode: "004", accountNo: "123-45-678901", holderName: "홍길동" },
};
const canceledData = { paymentId: PAYMENT, proposalNo: PROPOSAL, planNo: PLAN, ...owner };
const approved = history(pay);
const approvedPayment = () => {
  const s = given(approved).state;
  if (s.status === "Empty") throw new Error("approved");
  return s;
};

describe("Payment", () => {
  it("charges once, keeping only the masked account number", () => {
    const { events, state } = given([]).when(pay).outcome();
    expect(events.map((e) => e.type)).toEqual(["PaymentApproved"]);
    expect(state).toMatchObject({ id: PAYMENT, status: "Approved", amount: 3300, accountNo: "*******8901" });
    expect(JSON.stringify(events)).not.toContain("678901");
    given(approved).when(pay).thenNothing();
  });

  it("the simulated bank declines accounts ending in 0000 (402 PaymentDeclined, nothing stored)", () => {
    const declined = { ...pay, account: { ...pay.account, accountNo: "123-45-670000" } };
    expect(isDeclined(declined.account)).toBe(true);
    expect(isDeclined({ ...pay.account, accountNo: "123-45-670001" })).toBe(false);
    given([]).when(declined).thenRefuses(402, "InsufficientFunds");
  });

  it("cancels once; unknown payments are 404", () => {
    const state = given(approved)
      .when({ type: "Cancel" })
      .then([{ type: "PaymentCanceled", data: canceledData }]);
    expect(state.status).toBe("Canceled");
    given(history(pay, { type: "Cancel" }))
      .when({ type: "Cancel" })
      .thenNothing();
    given([]).when({ type: "Cancel" }).thenRefuses(404, "NotFound");
  });

  describe("Reconcile (a payment whose proposal was never contracted)", () => {
    const AFTER = 30_000;
    const paidAt = Date.parse(at(0));
    const reconcile = (now: number) => ({ type: "Reconcile" as const, now, afterMs: AFTER });
    const reconciled = history(pay, reconcile(paidAt + AFTER));

    it("given an approved payment: nothing until it waited afterMs, then PaymentCanceled naming why", () => {
      expect(approvedPayment().createdAt).toBe(at(0));
      expect(isOverdue(approvedPayment(), paidAt + AFTER - 1, AFTER)).toBe(false);
      given(approved)
        .when(reconcile(paidAt + AFTER - 1))
        .thenNothing();
      expect(isOverdue(approvedPayment(), paidAt + AFTER, AFTER)).toBe(true);
      const state = given(approved)
        .when(reconcile(paidAt + AFTER))
        .then([{ type: "PaymentCanceled", data: { ...canceledData, reason: "ProposalNotContracted" } }]);
      expect(state).toMatchObject({ status: "Canceled", reason: "ProposalNotContracted" });
      expect(paymentView(state)).toMatchObject({ status: "Canceled", reason: "ProposalNotContracted" });
    });

    it("twice (a second replica), after a withdrawal, or of no payment: nothing", () => {
      given(reconciled)
        .when(reconcile(paidAt + 2 * AFTER))
        .thenNothing();
      const withdrawn = history(pay, { type: "Cancel" });
      given(withdrawn)
        .when(reconcile(paidAt + 2 * AFTER))
        .thenNothing();
      expect(given(withdrawn).state).not.toHaveProperty("reason");
      given([])
        .when(reconcile(paidAt + 2 * AFTER))
        .thenNothing();
    });

    it("a canceled payment is never charged again: paying it is 409 PaymentCanceled", () => {
      given(reconciled).when(pay).thenRefuses(409, "PaymentCanceled");
    });
  });

  it("masks all but the last four digits", () => {
    expect(maskAccountNo("1234-5678")).toBe("****5678");
  });
});
