// insurance.mypage — keeps the mypages view ("my insurance", CQRS read model).
// Reads every insurance event; owns nothing else. Offers: get, list (owner or manager).

import { ListQuery, type Runtime, ServiceKit } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { ServiceSchema } from "moleculer";
import { planNoOf } from "./ids.js";
import { localized, type MypageRow, mypageReducers } from "./mypage.js";
import { ownedReadActions } from "./roles.js";
import { Id, InsuranceEvents, MypageRow as MypageRowResource, ProductCode } from "./schemas.js";

const MypageParams = T.Object(
  { planNo: Id, lang: T.Optional(T.Union([T.Literal("ko"), T.Literal("en")])) },
  { additionalProperties: false },
);
const MypageListQuery = ListQuery({
  customerId: T.Optional(Id),
  productCode: T.Optional(ProductCode),
  progressStatus: T.Optional(T.String({ maxLength: 40 })),
  proposalNo: T.Optional(Id),
});

export function mypageService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.mypage", { events: InsuranceEvents });
  const mypages = kit.view<MypageRow>({
    name: "mypages",
    key: planNoOf,
    on: mypageReducers,
    indexes: ["userId", "customerId", "productCode", "progressStatus", "proposalNo", ["userId", "progressStatus"]],
  });

  return {
    name: "insurance.mypage",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "plan",
        rows: mypages,
        owner: "userId",
        staff: ["manager"],
        present: localized,
        getParams: MypageParams,
        idParam: "planNo",
        listQuery: MypageListQuery,
        filters: ["customerId", "productCode", "progressStatus", "proposalNo"],
        resource: {
          path: "/insurance/mypages",
          schema: MypageRowResource,
          roles: "any",
          summaries: {
            get: "One plan's progress on the mypages view (owner or manager)",
            list: "The mypages view (eventually consistent; a customer sees their own)",
          },
        },
      }),
    },
  };
}
