// insurance.alarm — owns Msg (kakao-talk style messages to customers).
// Offers: get, list (owner or manager, ?customerId=).
// Reacts to: PlanSaved, DocumentIssued, ProposalContracted, ProposalWithdrawn,
//   PaymentCanceled → one message each, exactly once: the message id is
//   derived from the event, so a redelivered event finds its message sent.
// Calls: nothing.

import { ListQuery, ownedReadActions, PageOf, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { alarmPolicy } from "./alarm.policy.js";
import { msgDecider, msgView } from "./msg.js";
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
        load: (id) => msgs.getLatest(id),
        page: (q) => msgs.page(q),
        ownerOf: (m) => m.userId,
        ownerIndex: "userId",
        staff: ["manager"],
        present: msgView,
        getParams: ByIdParams,
        listQuery: MsgListQuery,
        filters: ["customerId", "kind", "planNo"],
        http: {
          get: {
            method: "GET",
            path: "/insurance/msgs/:id",
            roles: "any",
            summary: "One message (owner or manager)",
            response: MsgResource,
            errors: [403, 404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/insurance/msgs",
            roles: "any",
            summary: "Messages sent to customers (?customerId=; a customer sees their own)",
            response: PageOf(MsgResource),
          },
        },
      }),
    },
  };
}
