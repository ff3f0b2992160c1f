// Msg: one kakao-talk style message to a customer per event that concerns
// them. Its id is derived from the event, and sending is "only if absent", so
// a redelivered event never sends a second message.
import type { EventEnvelope } from "@seed/platform";
import type { Decider, Empty } from "@seed/platform/domain";
import type { EventData, InsuranceEvent, MsgKind } from "./schemas.js";

export interface MsgState {
  status: "Sent";
  id: string;
  customerId: string;
  userId: string;
  planNo?: string;
  kind: MsgKind;
  text: string;
  createdAt: string;
  updatedAt: string;
}

export type MsgCommand = { type: "Send" } & EventData<"MsgSent">;

type MsgEvent = Extract<InsuranceEvent, { type: "MsgSent" }>;

export const msgDecider: Decider<Empty | MsgState, MsgCommand, MsgEvent> = {
  name: "msg",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (state.status !== "Empty") return []; // sent already for this event
    const { type: _, ...data } = cmd;
    return [{ type: "MsgSent", data }];
  },

  evolve(_state, event, { at }) {
    const { msgId, ...sent } = event.data;
    return { status: "Sent", id: msgId, ...sent, createdAt: at, updatedAt: at };
  },
};

const won = (n: number) => `${n.toLocaleString("en-US")}원`;

/** The message text for an event (after the configured prefix). */
export function msgBody(e: EventEnvelope): string {
  // An envelope's data is the event its type names: it was checked against that schema when stored.
  return textOf({ type: e.type, data: e.data } as InsuranceEvent);
}

function textOf(e: InsuranceEvent): string {
  switch (e.type) {
    case "PlanSaved": {
      const d = e.data;
      return `${d.customerName}님, ${d.productName} 가입설계가 저장되었습니다. 1회 보험료 ${won(d.premium)} (가입설계번호 ${d.planNo})`;
    }
    case "DocumentIssued": {
      const d = e.data;
      return `요청하신 상품설명서가 발행되었습니다. 문서번호 ${d.documentId} (가입설계번호 ${d.planNo})`;
    }
    case "ProposalContracted": {
      const d = e.data;
      return `청약이 완료되었습니다. 청약번호 ${d.proposalNo}, 결제금액 ${won(d.amount)}`;
    }
    case "ProposalWithdrawn":
      return `청약이 철회되었습니다. 청약번호 ${e.data.proposalNo}`;
    case "PaymentCanceled": {
      const d = e.data;
      const why = d.reason === "ProposalNotContracted" ? "청약이 완료되지 않아 " : "";
      return `${why}결제가 취소되었습니다. 결제번호 ${d.paymentId} (청약번호 ${d.proposalNo})`;
    }
    default:
      return e.type;
  }
}

export const msgView = (s: MsgState) => ({
  id: s.id,
  customerId: s.customerId,
  ...(s.planNo ? { planNo: s.planNo } : {}),
  kind: s.kind,
  text: s.text,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
