// The alarm's policy: one message per event, its id derived from the event
// (a redelivered event sends nothing twice), its text after the sender's prefix.
import { execute } from "@seed/platform";
import { effectsOf, envelopeOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { alarmPolicy } from "./alarm.policy.js";
import { msgIdOf } from "./ids.js";
import { msgDecider } from "./msg.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const PLAN = id(101);
const PROPOSAL = id(201);
const PAYMENT = id(301);
const owner = { customerId: id(1), userId: "user-1" };
const reads = { prefix: "[보험] " };

describe("alarm policy", () => {
  it("announces plans saved, documents issued, proposals contracted or withdrawn and payments canceled", () => {
    expect(Object.keys(alarmPolicy).sort()).toEqual([
      "DocumentIssued",
      "PaymentCanceled",
      "PlanSaved",
      "ProposalContracted",
      "ProposalWithdrawn",
    ]);
  });

  it("given ProposalWithdrawn → sends the customer one message about it, with an id derived from the event", async () => {
    const withdrawn = envelopeOf(
      { type: "ProposalWithdrawn", data: { proposalNo: PROPOSAL, planNo: PLAN, ...owner, paymentId: PAYMENT } },
      { id: id(900) },
    );
    const msgId = msgIdOf(withdrawn);
    expect(await effectsOf(alarmPolicy, withdrawn, reads)).toEqual([
      execute(msgDecider, msgId, {
        type: "Send",
        msgId,
        ...owner,
        planNo: PLAN,
        kind: "ProposalWithdrawn",
        text: `[보험] 청약이 철회되었습니다. 청약번호 ${PROPOSAL}`,
      }),
    ]);
  });

  it("given the same event again → the same message (so it is sent once)", async () => {
    const canceled = envelopeOf({
      type: "PaymentCanceled",
      data: { paymentId: PAYMENT, proposalNo: PROPOSAL, planNo: PLAN, ...owner, reason: "ProposalNotContracted" },
    });
    const first = await effectsOf(alarmPolicy, canceled, reads);
    expect(await effectsOf(alarmPolicy, canceled, reads)).toEqual(first);
    expect(first).toMatchObject([
      {
        id: msgIdOf(canceled),
        command: { kind: "PaymentCanceled", text: expect.stringMatching(/^\[보험\] 청약이 완료되지 않아/) },
      },
    ]);
  });
});
