// insurance.payment — owns Payment.
// Offers: pay (for insurance.proposal; idempotent per proposal), get, list
//   (owner or manager, ?proposalNo=).
// Reacts to: ProposalWithdrawn → cancels the proposal's payment (once).
// Calls: nothing (the bank is simulated: see payment.ts for its decline rule).

import { causedBy, deadlineOf, ListQuery, ownedReadActions, type Runtime, ServiceKit } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { Payment, paymentView } from "./payment.js";
import { ByIdParams, Id, type InsuranceEvent, InsuranceEvents, PaymentStatus, PayParams } from "./schemas.js";

export const PaymentListQuery = ListQuery({ proposalNo: T.Optional(Id), status: T.Optional(PaymentStatus) });

export function paymentService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.payment", { events: InsuranceEvents });
  const payments = kit.aggregate(Payment);

  kit.react<InsuranceEvent>({
    ProposalWithdrawn: async (e) => {
      await payments.execute(e.data.paymentId, { type: "Cancel" }, causedBy(e, "insurance.payment"));
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
            { correlationId: payment.proposalNo, deadline: deadlineOf(ctx) },
          );
          return paymentView(state);
        },
      },

      ...ownedReadActions({
        name: "payment",
        load: (id) => payments.getLatest(id),
        all: () => payments.all(),
        ownerOf: (p) => p.userId,
        staff: ["manager"],
        present: paymentView,
        getParams: ByIdParams,
        listQuery: PaymentListQuery,
        filters: ["proposalNo", "status"],
      }),
    },
  };
}
