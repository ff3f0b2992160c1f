// cleaning.dashboard — keeps the dashBoardViews view ("my page", CQRS read model).
// Reads every cleaning event; owns nothing else. Offers: get, list.
// Calls: nothing.

import { ListQuery, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { type DashBoardRow, dashBoardReducers, isShown, localized } from "./dashboard.js";
import { requestIdOf } from "./ids.js";
import { type CleaningRole, ownedReadActions } from "./roles.js";
import { CleaningEvents, DashBoardView, Id } from "./schemas.js";

const DashBoardParams = T.Object(
  { requestId: Id, lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")])) },
  { additionalProperties: false },
);
const DashBoardListQuery = ListQuery({ status: T.Optional(T.String({ maxLength: 40 })) });

/** Who sees every customer's dashboard row; a customer sees their own. */
const staff: CleaningRole[] = ["cleaner", "admin"];

export function dashboardService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.dashboard", { events: CleaningEvents });
  const rows = kit.view<DashBoardRow>({
    name: "dashBoardViews",
    key: requestIdOf,
    on: dashBoardReducers,
    indexes: ["customerId", "status", { name: "shown", of: isShown }, ["customerId", "status"]],
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
        owner: "customerId",
        staff,
        present: localized,
        getParams: DashBoardParams,
        idParam: "requestId",
        listQuery: DashBoardListQuery,
        filters: ["status"],
        resource: {
          path: "/cleaning/dashBoardViews",
          schema: DashBoardView,
          roles: ["customer", ...staff],
          summaries: {
            get: "One request's row: status with its label, cleaning date, review",
            list: "The dashBoardViews view (a customer sees their own; eventually consistent)",
          },
        },
      }),
    },
  };
}
