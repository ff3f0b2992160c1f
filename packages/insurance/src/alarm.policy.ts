// What insurance.alarm does when events happen: one message to the customer
// per event, exactly once — the message id is derived from the event, so a
// redelivered event finds its message sent.
import { type EventEnvelope, execute, type Reactions } from "@seed/platform";
import { msgIdOf } from "./ids.js";
import { msgBody, msgDecider } from "./msg.js";
import type { InsuranceEvent, MsgKind } from "./schemas.js";

/** What the policy reads: the sender's prefix of every message (a setting). */
export interface AlarmReads {
  prefix: string;
}

function send(e: EventEnvelope<{ customerId: string; userId: string; planNo?: string }>, { prefix }: AlarmReads) {
  const msgId = msgIdOf(e);
  const { customerId, userId, planNo } = e.data;
  const text = `${prefix}${msgBody(e)}`;
  const kind = e.type as MsgKind;
  return [
    execute(msgDecider, msgId, { type: "Send", msgId, customerId, userId, ...(planNo ? { planNo } : {}), kind, text }),
  ];
}

export const alarmPolicy: Reactions<InsuranceEvent, AlarmReads> = {
  PlanSaved: send,
  DocumentIssued: send,
  ProposalContracted: send,
  ProposalWithdrawn: send,
  PaymentCanceled: send,
};
