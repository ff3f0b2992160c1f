// insurance.proposal — owns Proposal (청약).
// Offers: propose (owner of the plan), withdraw (owner), get, list (owner or manager).
// Reacts to: nothing as a policy; keeps a small view of plans (owner, premium,
//   document issued) from PlanSaved and DocumentIssued.
// Calls: insurance.payment.pay synchronously (timeout, breaker, bulkhead): a
//   proposal is contracted only once paid; payment unavailable, slow or its
//   breaker open → 503 and nothing stored, nothing charged. The contract is
//   stored within a window of the payment or never: after
//   INSURANCE_RECONCILE_AFTER_MS the payment service cancels a payment
//   without a contract.

import {
  caller,
  conflict,
  creationId,
  forbidden,
  ListQuery,
  notFound,
  ownerStoreBy,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { paymentIdOf, planNoOf, proposalNoOf } from "./ids.js";
import { ensureNotProposed, proposalDecider, proposalView } from "./proposal.js";
import { endpoint, ensureOwnerOr, ownedReadActions } from "./roles.js";
import {
  ByIdParams,
  Id,
  type InsuranceEvent,
  InsuranceEvents,
  Proposal as ProposalResource,
  ProposalStatus,
  ProposeBody,
} from "./schemas.js";
import { settings } from "./settings.js";

const ProposalListQuery = ListQuery({ planNo: T.Optional(Id), status: T.Optional(ProposalStatus) });

interface PlanFacts {
  userId: string;
  customerId: string;
  premium: number;
  documentIssued: boolean;
}

export function proposalService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.proposal", { events: InsuranceEvents });
  const proposals = kit.aggregate(proposalDecider, { indexes: ["userId", "planNo", "status", ["userId", "status"]] });
  const afterMs = settings.of(rt.config).INSURANCE_RECONCILE_AFTER_MS;
  const plans = kit.view<PlanFacts, InsuranceEvent>({
    name: "proposablePlans",
    key: planNoOf,
    on: {
      PlanSaved: (row, e) => ({
        userId: e.data.userId,
        customerId: e.data.customerId,
        premium: e.data.premium,
        documentIssued: row?.documentIssued ?? false,
      }),
      DocumentIssued: (row) => row && { ...row, documentIssued: true },
    },
  });

  return {
    name: "insurance.proposal",
    mixins: [kit.mixin()],
    actions: {
      /**
       * Pays the plan's premium, then records the contract. The proposal's
       * number comes from the plan and the payment's from the proposal: a
       * retry — also one after a crash between paying and storing — pays
       * nothing twice and completes the same proposal.
       */
      propose: endpoint({
        http: {
          method: "POST",
          path: "/insurance/proposals",
          roles: "any",
          summary:
            "Propose a plan and pay its first premium (owner of the plan); 409 unless its document was issued; 402 when the payment is declined; 503 when payment is unavailable",
          input: "body",
          status: 201,
          response: ProposalResource,
          errors: [402, 403, 404, 409, 503],
          example: {
            planNo: "01JD0000000000000000000000",
            account: { bankCode: "004", accountNo: "123-45-678901", holderName: "홍길동" },
          },
          reasons: {
            402: ["InsufficientFunds"],
            403: ["NotOwner"],
            409: ["DocumentNotIssued", "ProposalWithdrawn", "AlreadyContracted", "PaymentCanceled", "PaymentExpired"],
          },
        },
        params: ProposeBody,
        async handler(ctx: Context<Static<typeof ProposeBody>>) {
          const user = caller(ctx);
          const { planNo, account } = ctx.params;
          // The decision depends on the view: a client that just saw the document issued is not told "not yet".
          await plans.caughtUp();
          const plan = await plans.get(planNo);
          if (!plan) throw notFound("plan", planNo);
          if (plan.userId !== user.id) throw forbidden("NotOwner", "only the plan's owner can propose it");
          if (!plan.documentIssued)
            throw conflict("DocumentNotIssued", "the plan's product document has not been issued yet");
          const proposalNo = proposalNoOf(planNo);
          const paymentId = paymentIdOf(proposalNo);
          const requestId = creationId(ctx, "proposal");
          return proposals.exclusive(proposalNo, async (execute) => {
            const existing = await proposals.getLatest(proposalNo);
            ensureNotProposed(existing, requestId);
            if (existing) return proposalView(existing);
            const { customerId, userId, premium: amount } = plan;
            const paid = await ctx.call<{ createdAt: string }, object>("insurance.payment.pay", {
              paymentId,
              proposalNo,
              planNo,
              customerId,
              userId,
              amount,
              account,
            });
            // Paid: the contract is recorded even if our caller has stopped waiting, so
            // that its retry finds it rather than a paid plan without one — but only
            // within the payment's window: after it the payment is being canceled.
            const storeBy = ownerStoreBy(Date.parse(paid.createdAt), afterMs, kit.clock);
            if (storeBy === undefined)
              throw conflict(
                "PaymentExpired",
                "this proposal was not completed in time and its payment is being canceled; save a new plan to apply again",
              );
            const { state } = await execute(
              { type: "Contract", proposalNo, planNo, customerId, userId, paymentId, amount, requestId },
              { deadline: storeBy },
            );
            return proposalView(state);
          });
        },
      }),

      /** Withdraws a contracted proposal; the payment service cancels its payment. */
      withdraw: endpoint({
        http: {
          method: "POST",
          path: "/insurance/proposals/:id/withdraw",
          roles: "any",
          summary: "Withdraw a proposal (owner); its payment is canceled asynchronously",
          response: ProposalResource,
          errors: [403, 404],
          reasons: { 403: ["NotOwner"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const proposal = await proposals.getLatest(ctx.params.id);
          if (!proposal) throw notFound("proposal", ctx.params.id);
          ensureOwnerOr(caller(ctx), proposal.userId);
          const { state } = await proposals.execute(
            proposal.id,
            { type: "Withdraw" },
            { idSeed: `withdraw:${proposal.id}` },
          );
          return proposalView(state);
        },
      }),

      ...ownedReadActions({
        name: "proposal",
        rows: proposals,
        owner: "userId",
        staff: ["manager"],
        present: proposalView,
        getParams: ByIdParams,
        listQuery: ProposalListQuery,
        filters: ["planNo", "status"],
        resource: {
          path: "/insurance/proposals",
          schema: ProposalResource,
          roles: "any",
          summaries: {
            get: "One proposal (owner or manager)",
            list: "List proposals (?planNo=; a customer sees their own)",
          },
        },
      }),
    },
  };
}
