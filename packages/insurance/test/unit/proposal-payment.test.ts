// Proposal, Payment and Msg: every decision, refusal and idempotent repeat.
import type { EventEnvelope } from "@seed/platform";
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { msgBody, msgDecider } from "../../src/msg.js";
import {
  isDeclined,
  isOverdue,
  maskAccountNo,
  type PayCommand,
  type PaymentState,
  paymentDecider,
  paymentView,
} from "../../src/payment.js";
import { ensureNotProposed, type ProposalCommand, type ProposalState, proposalDecider } from "../../src/proposal.js";
import { InsuranceEventSchemas } from "../../src/schemas.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const owner = { customerId: id(10), userId: "user-1" };
const PROPOSAL = id(30);
const PAYMENT = id(40);
const PLAN = id(20);

describe("Proposal", () => {
  const { ctx, run } = aggregateHarness(proposalDecider, InsuranceEventSchemas);
  const contract: ProposalCommand = {
    type: "Contract",
    proposalNo: PROPOSAL,
    planNo: PLAN,
    ...owner,
    paymentId: PAYMENT,
    amount: 3300,
    requestId: id(50),
  };
  const contracted = () => run(undefined, contract).state as ProposalState;
  const withdrawn = () => run(contracted(), { type: "Withdraw" }).state as ProposalState;

  it("is contracted once; the same request again answers it, another request is 409 AlreadyContracted", () => {
    expect(contracted()).toMatchObject({ id: PROPOSAL, status: "Contracted", paymentId: PAYMENT, amount: 3300 });
    expect(proposalDecider.decide(contracted(), contract, ctx)).toEqual([]);
    const r = refusalOf(() => proposalDecider.decide(contracted(), { ...contract, requestId: id(51) }, ctx));
    expect([r.status, r.rule]).toEqual([409, "AlreadyContracted"]);
    expect(() => ensureNotProposed(undefined, id(51))).not.toThrow();
  });

  it("withdraws once; withdrawing again changes nothing; a new proposal of a withdrawn plan is 409", () => {
    const { events } = run(contracted(), { type: "Withdraw" });
    expect(events).toEqual([
      { type: "ProposalWithdrawn", data: { proposalNo: PROPOSAL, planNo: PLAN, ...owner, paymentId: PAYMENT } },
    ]);
    expect(withdrawn().status).toBe("Withdrawn");
    expect(proposalDecider.decide(withdrawn(), { type: "Withdraw" }, ctx)).toEqual([]);
    expect(refusalOf(() => proposalDecider.decide(withdrawn(), { ...contract, requestId: id(52) }, ctx)).rule).toBe(
      "ProposalWithdrawn",
    );
    expect(refusalOf(() => proposalDecider.decide(undefined, { type: "Withdraw" }, ctx)).status).toBe(404);
  });
});

describe("Payment", () => {
  const { ctx, run } = aggregateHarness(paymentDecider, InsuranceEventSchemas);
  const pay: PayCommand = {
    type: "Pay",
    paymentId: PAYMENT,
    proposalNo: PROPOSAL,
    planNo: PLAN,
    ...owner,
    amount: 3300,
    account: { bankCode: "004", accountNo: "123-45-678901", holderName: "홍길동" },
  };
  const approved = () => run(undefined, pay).state as PaymentState;

  it("charges once, keeping only the masked account number", () => {
    const { events, state } = run(undefined, pay);
    expect(events.map((e) => e.type)).toEqual(["PaymentApproved"]);
    expect(state).toMatchObject({ id: PAYMENT, status: "Approved", amount: 3300, accountNo: "*******8901" });
    expect(JSON.stringify(events)).not.toContain("678901");
    expect(paymentDecider.decide(approved(), pay, ctx)).toEqual([]);
  });

  it("the simulated bank declines accounts ending in 0000 (402 PaymentDeclined, nothing stored)", () => {
    const declined = { ...pay, account: { ...pay.account, accountNo: "123-45-670000" } };
    expect(isDeclined(declined.account)).toBe(true);
    expect(isDeclined({ ...pay.account, accountNo: "123-45-670001" })).toBe(false);
    const r = refusalOf(() => paymentDecider.decide(undefined, declined, ctx));
    expect([r.status, r.rule]).toEqual([402, "InsufficientFunds"]);
  });

  it("cancels once; unknown payments are 404", () => {
    const { events, state } = run(approved(), { type: "Cancel" });
    expect(events).toEqual([
      { type: "PaymentCanceled", data: { paymentId: PAYMENT, proposalNo: PROPOSAL, planNo: PLAN, ...owner } },
    ]);
    expect(state?.status).toBe("Canceled");
    expect(paymentDecider.decide(state, { type: "Cancel" }, ctx)).toEqual([]);
    expect(refusalOf(() => paymentDecider.decide(undefined, { type: "Cancel" }, ctx)).status).toBe(404);
  });

  describe("Reconcile (a payment whose proposal was never contracted)", () => {
    const AFTER = 30_000;
    const paidAt = () => Date.parse(approved().createdAt);
    const reconcile = (now: number) => ({ type: "Reconcile" as const, now, afterMs: AFTER });

    it("given an approved payment: nothing until it waited afterMs, then PaymentCanceled naming why", () => {
      expect(isOverdue(approved(), paidAt() + AFTER - 1, AFTER)).toBe(false);
      expect(paymentDecider.decide(approved(), reconcile(paidAt() + AFTER - 1), ctx)).toEqual([]);
      expect(isOverdue(approved(), paidAt() + AFTER, AFTER)).toBe(true);
      const { events, state } = run(approved(), reconcile(paidAt() + AFTER));
      expect(events).toEqual([
        {
          type: "PaymentCanceled",
          data: { paymentId: PAYMENT, proposalNo: PROPOSAL, planNo: PLAN, ...owner, reason: "ProposalNotContracted" },
        },
      ]);
      expect(state).toMatchObject({ status: "Canceled", reason: "ProposalNotContracted" });
      expect(paymentView(state as PaymentState)).toMatchObject({ status: "Canceled", reason: "ProposalNotContracted" });
    });

    it("twice (a second replica), after a withdrawal, or of no payment: nothing", () => {
      const canceled = run(approved(), reconcile(paidAt() + AFTER)).state;
      expect(paymentDecider.decide(canceled, reconcile(paidAt() + 2 * AFTER), ctx)).toEqual([]);
      const withdrawn = run(approved(), { type: "Cancel" }).state;
      expect(paymentDecider.decide(withdrawn, reconcile(paidAt() + 2 * AFTER), ctx)).toEqual([]);
      expect(withdrawn?.reason).toBeUndefined();
      expect(paymentDecider.decide(undefined, reconcile(paidAt() + 2 * AFTER), ctx)).toEqual([]);
    });

    it("a canceled payment is never charged again: paying it is 409 PaymentCanceled", () => {
      const canceled = run(approved(), reconcile(paidAt() + AFTER)).state;
      const r = refusalOf(() => paymentDecider.decide(canceled, pay, ctx));
      expect([r.status, r.rule]).toEqual([409, "PaymentCanceled"]);
    });
  });

  it("masks all but the last four digits", () => {
    expect(maskAccountNo("1234-5678")).toBe("****5678");
  });
});

describe("Msg", () => {
  const { ctx, run } = aggregateHarness(msgDecider, InsuranceEventSchemas);
  const send = {
    type: "Send" as const,
    msgId: id(60),
    ...owner,
    planNo: PLAN,
    kind: "PlanSaved" as const,
    text: "[EZ보험] hi",
  };

  it("is sent once per causing event", () => {
    const { events, state } = run(undefined, send);
    expect(events.map((e) => e.type)).toEqual(["MsgSent"]);
    expect(msgDecider.decide(state, send, ctx)).toEqual([]);
  });

  it("has a text for each event it is sent for", () => {
    const envelope = (type: string, data: object) => ({ type, data }) as EventEnvelope;
    expect(
      msgBody(envelope("PlanSaved", { customerName: "홍길동", productName: "EZ", premium: 3300, planNo: PLAN })),
    ).toContain("3,300원");
    expect(msgBody(envelope("DocumentIssued", { documentId: id(70), planNo: PLAN }))).toContain(id(70));
    expect(msgBody(envelope("ProposalContracted", { proposalNo: PROPOSAL, amount: 3300 }))).toContain(PROPOSAL);
    expect(msgBody(envelope("ProposalWithdrawn", { proposalNo: PROPOSAL }))).toContain("철회");
    expect(msgBody(envelope("PaymentCanceled", { paymentId: PAYMENT, proposalNo: PROPOSAL }))).toContain("취소");
    const unowned = { paymentId: PAYMENT, proposalNo: PROPOSAL, reason: "ProposalNotContracted" };
    expect(msgBody(envelope("PaymentCanceled", unowned))).toMatch(/^청약이 완료되지 않아 결제가 취소되었습니다/);
  });
});
