// insurance.payment — owns Payment.
// Offers: pay (for insurance.proposal; idempotent per proposal), get, list
//   (owner or manager, ?proposalNo=).
// Reacts to: ProposalWithdrawn → cancels the proposal's payment (once).
// Every so often (on every replica): cancels a payment whose proposal was not
//   contracted within INSURANCE_RECONCILE_AFTER_MS (the proposal node died
//   after paying and the client never retried), once.
// Calls: nothing (the bank is simulated: see payment.ts for its decline rule).

import { correlateBy, ListQuery, type Runtime, ServiceKit, watchOrphans } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { paymentDecider, paymentView } from "./payment.js";
import { paymentPolicy } from "./payment.policy.js";
import { ownedReadActions } from "./roles.js";
import { ByIdParams, Id, InsuranceEvents, Payment as PaymentResource, PaymentStatus, PayParams } from "./schemas.js";
import { settings } from "./settings.js";

const PaymentListQuery = ListQuery({ proposalNo: T.Optional(Id), status: T.Optional(PaymentStatus) });

export function paymentService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.payment", { events: InsuranceEvents });
  const payments = kit.aggregate(paymentDecider, {
    correlation: correlateBy("proposalNo"),
    indexes: ["userId", "proposalNo", "status", ["userId", "status"]],
  });

  kit.react(paymentPolicy);

  // The client was charged but no contract was ever stored: cancel the payment.
  // Every replica ticks; the aggregate decides (expected sequence, seeded id), so it is canceled once.
  const afterMs = settings.of(rt.config).INSURANCE_RECONCILE_AFTER_MS;
  watchOrphans(rt, kit, {
    name: "cancel payments whose proposal was never contracted",
    afterMs,
    candidates: () => payments.rows({ status: "Approved" }),
    waiting: (p) =>
      p.status === "Approved"
        ? { key: p.id, since: Date.parse(p.createdAt), owner: { aggregate: "proposal", id: p.proposalNo } }
        : undefined,
    release: async (p, now) => {
      await payments.execute(
        p.id,
        { type: "Reconcile", now, afterMs },
        {
          causationId: p.id,
          idSeed: `reconcile:${p.id}`,
          idTime: Date.parse(p.createdAt),
          now: new Date(now).toISOString(),
        },
      );
    },
  });

  return {
    name: "insurance.payment",
    mixins: [kit.mixin()],
    actions: {
      /**
       * Charges the first premium once per proposal: paying again answers the
       * payment made. A declined account is 402 and stores nothing. Past the
       * caller's deadline nothing is charged (the caller answered 503).
       */
      pay: {
        visibility: "public",
        params: PayParams,
        async handler(ctx: Context<Static<typeof PayParams>>) {
          const { paymentId, account, ...payment } = ctx.params;
          const { state } = await payments.execute(
            paymentId,
            { type: "Pay", paymentId, account, ...payment },
            // stamped with the service clock: the proposal's store window and the reconciliation count from it
            { now: new Date(kit.clock.now()).toISOString() },
          );
          return paymentView(state);
        },
      },

      ...ownedReadActions({
        name: "payment",
        rows: payments,
        owner: "userId",
        staff: ["manager"],
        present: paymentView,
        getParams: ByIdParams,
        listQuery: PaymentListQuery,
        filters: ["proposalNo", "status"],
        resource: {
          path: "/insurance/payments",
          schema: PaymentResource,
          roles: "any",
          summaries: {
            get: "One payment (owner or manager)",
            list: "List payments (?proposalNo=; a customer sees their own)",
          },
        },
      }),
    },
  };
}
