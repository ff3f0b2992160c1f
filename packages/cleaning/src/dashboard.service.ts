// cleaning.dashboard — keeps the dashBoardViews view ("my page", CQRS read model).
// Reads every cleaning event; owns nothing else. Offers: get, list.
// Calls: nothing.

import { ListQuery, ownedReadActions, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { type DashBoardRow, dashBoardReducers, isShown, localized } from "./dashboard.js";
import { requestIdOf } from "./ids.js";
import { CleaningEvents, Id } from "./schemas.js";

export const DashBoardParams = T.Object(
  { requestId: Id, lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")])) },
  { additionalProperties: false },
);
export const DashBoardListQuery = ListQuery({ status: T.Optional(T.String({ maxLength: 40 })) });

export function dashboardService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.dashboard", { events: CleaningEvents });
  const rows = kit.view<DashBoardRow>({
    name: "dashBoardViews",
    key: requestIdOf,
    on: dashBoardReducers,
    indexes: ["customerId", "status", { name: "shown", of: isShown }],
  });

  return {
    name: "cleaning.dashboard",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "dashBoardView",
        load: async (requestId) => {
          const row = await rows.getLatest(requestId);
          return row && isShown(row) ? row : undefined;
        },
        page: (q) => rows.page({ ...q, where: { ...q.where, shown: true } }),
        ownerOf: (row) => row.customerId ?? "",
        ownerIndex: "customerId",
        staff: ["cleaner", "admin"],
        present: localized,
        getParams: DashBoardParams,
        idParam: "requestId",
        listQuery: DashBoardListQuery,
        filters: ["status"],
      }),
    },
  };
}
