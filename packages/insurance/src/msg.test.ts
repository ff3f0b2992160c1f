// Msg: one message per causing event, with a text for each kind of event.
import type { EventEnvelope } from "@seed/platform";
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { msgBody, msgDecider } from "./msg.js";
import { InsuranceEventSchemas } from "./schemas.js";
import { id, owner, PAYMENT, PLAN, PROPOSAL } from "./test-fixtures.js";

const { given, history } = deciderSpec(msgDecider, InsuranceEventSchemas);
const send = {
  type: "Send" as const,
  msgId: id(60),
  ...owner,
  planNo: PLAN,
  kind: "PlanSaved" as const,
  text: "[EZ보험] hi",
};

describe("Msg", () => {
  it("is sent once per causing event", () => {
    const { type: _, ...data } = send;
    given([])
      .when(send)
      .then([{ type: "MsgSent", data }]);
    given(history(send)).when(send).thenNothing();
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
