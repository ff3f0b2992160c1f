// cleaning.message — keeps the messages for the cleaning company: one per
// state change (every cleaning event), the review's content included.
// Reacts to: every cleaning event, through its view. The view resumes from
// the position it stored, so events that happened while this service was down
// become messages when it is back, each once; a lost store is rebuilt the same.
// Offers: list (?requestId=, ?status=). Calls: nothing.

import {
  caller,
  endpoint,
  filtersOf,
  ListQuery,
  PageOf,
  pageOf,
  type Runtime,
  rowQuery,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { messageIdOf } from "./ids.js";
import { type MessageRow, messageReducers } from "./message.js";
import { CleaningEvents, Id, Message } from "./schemas.js";

const MessageListQuery = ListQuery({
  requestId: T.Optional(Id),
  status: T.Optional(T.String({ maxLength: 40 })),
});

export function messageService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.message", { events: CleaningEvents });
  const messages = kit.view<MessageRow>({
    name: "messages",
    key: messageIdOf,
    on: messageReducers,
    indexes: ["requestId", "status"],
  });

  return {
    name: "cleaning.message",
    mixins: [kit.mixin()],
    actions: {
      /** Newest change first (message ids follow event time). */
      list: endpoint({
        http: {
          method: "GET",
          path: "/cleaning/messages",
          roles: ["admin", "cleaner"],
          summary:
            "Messages to the cleaning company, one per state change (?requestId=, ?status=; eventually consistent)",
          input: "query",
          response: PageOf(Message),
        },
        params: MessageListQuery,
        async handler(ctx: Context<Static<typeof MessageListQuery>>) {
          caller(ctx);
          const where = filtersOf(ctx.params, ["requestId", "status"]);
          return pageOf(await messages.page(rowQuery(ctx.params, where)), (m) => m);
        },
      }),
    },
  };
}
