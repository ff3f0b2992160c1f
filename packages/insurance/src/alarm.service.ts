// insurance.alarm — owns Msg (kakao-talk style messages to customers).
// Offers: get, list (owner or manager, ?customerId=).
// Reacts to: PlanSaved, DocumentIssued, ProposalContracted, ProposalWithdrawn,
//   PaymentCanceled → one message each, exactly once: the message id is
//   derived from the event, so a redelivered event finds its message sent.
// Calls: nothing.

import { causedBy, type EventEnvelope, ListQuery, ownedReadActions, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { msgIdOf } from "./ids.js";
import { Msg, msgBody, msgView } from "./msg.js";
import {
  ByIdParams,
  Id,
  type InsuranceEvent,
  InsuranceEvents,
  type MsgKind,
  MsgKind as MsgKindSchema,
} from "./schemas.js";

export const MsgListQuery = ListQuery({
  customerId: T.Optional(Id),
  kind: T.Optional(MsgKindSchema),
  planNo: T.Optional(Id),
});

export function alarmService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.alarm", { events: InsuranceEvents });
  const msgs = kit.aggregate(Msg, { indexes: ["userId", "customerId", "kind", "planNo"] });
  const prefix = rt.config.ALARM_PREFIX;

  const send = async (e: EventEnvelope<{ customerId: string; userId: string; planNo?: string }>) => {
    const msgId = msgIdOf(e);
    const { customerId, userId, planNo } = e.data;
    await msgs.execute(
      msgId,
      {
        type: "Send",
        msgId,
        customerId,
        userId,
        ...(planNo ? { planNo } : {}),
        kind: e.type as MsgKind,
        text: `${prefix}${msgBody(e)}`,
      },
      causedBy(e, "insurance.alarm"),
    );
  };

  kit.react<InsuranceEvent>({
    PlanSaved: send,
    DocumentIssued: send,
    ProposalContracted: send,
    ProposalWithdrawn: send,
    PaymentCanceled: send,
  });

  return {
    name: "insurance.alarm",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "message",
        load: (id) => msgs.getLatest(id),
        page: (q) => msgs.page(q),
        ownerOf: (m) => m.userId,
        ownerIndex: "userId",
        staff: ["manager"],
        present: msgView,
        getParams: ByIdParams,
        listQuery: MsgListQuery,
        filters: ["customerId", "kind", "planNo"],
      }),
    },
  };
}
