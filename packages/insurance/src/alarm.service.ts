// insurance.alarm — owns Msg (kakao-talk style messages to customers).
// Offers: get, list (owner or manager, ?customerId=).
// Reacts to: PlanSaved, DocumentIssued, ProposalContracted, ProposalWithdrawn,
//   PaymentCanceled → one message each, exactly once: the message id is
//   derived from the event, so a redelivered event finds its message sent.
// Calls: nothing.

import { ListQuery, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { alarmPolicy } from "./alarm.policy.js";
import { msgDecider, msgView } from "./msg.js";
import { ownedReadActions } from "./roles.js";
import { ByIdParams, Id, InsuranceEvents, MsgKind, Msg as MsgResource } from "./schemas.js";
import { settings } from "./settings.js";

const MsgListQuery = ListQuery({
  customerId: T.Optional(Id),
  kind: T.Optional(MsgKind),
  planNo: T.Optional(Id),
});

export function alarmService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.alarm", { events: InsuranceEvents });
  const msgs = kit.aggregate(msgDecider, { indexes: ["userId", "customerId", "kind", "planNo"] });

  kit.react(alarmPolicy, { prefix: settings.of(rt.config).ALARM_PREFIX });

  return {
    name: "insurance.alarm",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "message",
        rows: msgs,
        owner: "userId",
        staff: ["manager"],
        present: msgView,
        getParams: ByIdParams,
        listQuery: MsgListQuery,
        filters: ["customerId", "kind", "planNo"],
        resource: {
          path: "/insurance/msgs",
          schema: MsgResource,
          roles: "any",
          summaries: {
            get: "One message (owner or manager)",
            list: "Messages sent to customers (?customerId=; a customer sees their own)",
          },
        },
      }),
    },
  };
}
