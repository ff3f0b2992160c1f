// cleaning.dashboard — keeps the dashBoardViews view ("my page", CQRS read model).
// Reads every cleaning event; owns nothing else. Offers: get, list.
// Calls: nothing.

import { ListQuery, ownedReadActions, PageOf, type Role, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { type DashBoardRow, dashBoardReducers, isShown, localized } from "./dashboard.js";
import { requestIdOf } from "./ids.js";
import { CleaningEvents, DashBoardView, Id } from "./schemas.js";

const DashBoardParams = T.Object(
  { requestId: Id, lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")])) },
  { additionalProperties: false },
);
const DashBoardListQuery = ListQuery({ status: T.Optional(T.String({ maxLength: 40 })) });

/** Who sees every customer's dashboard row; a customer sees their own. */
const staff: Role[] = ["cleaner", "admin"];

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
        staff,
        present: localized,
        getParams: DashBoardParams,
        idParam: "requestId",
        listQuery: DashBoardListQuery,
        filters: ["status"],
        http: {
          get: {
            method: "GET",
            path: "/cleaning/dashBoardViews/:requestId",
            roles: ["customer", ...staff],
            summary: "One request's row: status with its label, cleaning date, review",
            response: DashBoardView,
            errors: [404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/cleaning/dashBoardViews",
            roles: ["customer", ...staff],
            summary: "The dashBoardViews view (a customer sees their own; eventually consistent)",
            response: PageOf(DashBoardView),
          },
        },
      }),
    },
  };
}
