// mall.pay — owns Pay, the authority on whether an order's deposit was checked.
// Offers: get, list, check (seller confirms the deposit), cancel (for mall.order).
// Reacts to: OrderPlaced → creates the order's Pay;
//            QtyDecreased → completes a check whose answer was lost, or, when
//            the pay was canceled meanwhile, has the stock given back.
// Calls: mall.product.decreaseStock synchronously on check (timeout, breaker, bulkhead);
//        mall.product.restoreStock from the QtyDecreased policy (the stock step's compensation).

import {
  AVAILABLE_SHARD,
  caller,
  conflict,
  correlateBy,
  endpoint,
  ListQuery,
  notFound,
  ownedReadActions,
  PageOf,
  type Runtime,
  ruleOf,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { payIdOf } from "./ids.js";
import { ensureCheckable, payDecider, payView } from "./pay.js";
import { payPolicy } from "./pay.policy.js";
import { ByIdParams, Id, MallEvents, Pay as PayResource } from "./schemas.js";

const PayListQuery = ListQuery({ orderId: T.Optional(Id) });
const CancelPayParams = T.Object(
  { id: Id, orderId: Id, customerId: T.String({ maxLength: 100 }) },
  { additionalProperties: false },
);

/**
 * Check and cancel of one pay are routed to the same pay replica (consistent
 * hashing on the pay id), where they queue on the aggregate's lock: of a check
 * and a cancel racing on one order, exactly one wins, and a check never takes
 * stock for an order whose cancel won.
 */
const onePayOneReplica = { strategy: AVAILABLE_SHARD, strategyOptions: { shardKey: "id" } };

export function payService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "mall.pay", { events: MallEvents });
  const pays = kit.aggregate(payDecider, { correlation: correlateBy("orderId"), indexes: ["customerId", "orderId"] });

  kit.react(payPolicy);

  return {
    name: "mall.pay",
    mixins: [kit.mixin()],
    actions: {
      ...ownedReadActions({
        name: "pay",
        load: (id) => pays.getLatest(id),
        page: (q) => pays.page(q),
        ownerOf: (p) => p.customerId,
        ownerIndex: "customerId",
        staff: ["seller", "admin"],
        present: payView,
        getParams: ByIdParams,
        listQuery: PayListQuery,
        filters: ["orderId"],
        http: {
          get: {
            method: "GET",
            path: "/mall/pays/:id",
            roles: "any",
            summary: "One pay",
            response: PayResource,
            errors: [403, 404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/mall/pays",
            roles: "any",
            summary: "List pays (?orderId=)",
            response: PageOf(PayResource),
          },
        },
      }),

      /**
       * The seller confirms the deposit. Stock is taken first (synchronously);
       * only then is the pay checked. Short stock cancels the pay, and the
       * order follows (compensation). Product unavailable: nothing changes, 503.
       */
      check: endpoint({
        http: {
          method: "POST",
          path: "/mall/pays/:id/check",
          roles: ["seller"],
          summary: "Confirm the deposit: takes stock; 409 OutOfStock compensates; 503 when product is unavailable",
          response: PayResource,
          errors: [404, 409, 503],
          reasons: { 409: ["OrderCanceled", "OutOfStock"] },
        },
        ...onePayOneReplica,
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          caller(ctx);
          return pays.exclusive(ctx.params.id, async (execute) => {
            const pay = await pays.getLatest(ctx.params.id);
            ensureCheckable(pay);
            if (pay.status === "PayChecked") return payView(pay);
            const { id, orderId, customerId, productId, qty } = pay;
            try {
              await ctx.call("mall.product.decreaseStock", { orderId, productId, qty });
            } catch (err) {
              if (ruleOf(err) !== "OutOfStock") throw err;
              await execute({ type: "Cancel", payId: id, orderId, customerId, reason: "OutOfStock" });
              throw conflict("OutOfStock", (err as Error).message);
            }
            const { state } = await execute({ type: "Check" });
            return payView(state);
          });
        },
      }),

      /** Cancels the order's pay unless its deposit was checked (409 DepositChecked). */
      cancel: {
        ...onePayOneReplica,
        visibility: "public",
        params: CancelPayParams,
        async handler(ctx: Context<Static<typeof CancelPayParams>>) {
          const { id: payId, orderId, customerId } = ctx.params;
          if (payId !== payIdOf(orderId)) throw notFound("pay", payId);
          const { state } = await pays.execute(
            payId,
            { type: "Cancel", payId, orderId, customerId, reason: "OrderCanceled" },
            { idSeed: `cancel:${orderId}` },
          );
          return payView(state);
        },
      },
    },
  };
}
