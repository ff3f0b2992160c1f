// insurance.plan — owns Plan (가입설계).
// Offers: save, requote, requestDocument (owner), get, list (owner or manager).
// Reacts to: nothing as a policy; keeps a small view of issued documents so a
//   plan shows status DocumentIssued and its document id.
// Calls: insurance.customer.get and insurance.product.quote synchronously
//   (timeout, breaker, bulkhead): either unavailable → 503, nothing saved.

import {
  caller,
  conflict,
  creationId,
  forbidden,
  ListQuery,
  notFound,
  type Runtime,
  ServiceKit,
  type User,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { customerIdOf, planNoOf } from "./ids.js";
import { ensureRequotable, type PlanState, planDecider, planView } from "./plan.js";
import { endpoint, ensureOwnerOr, ownedReadActions } from "./roles.js";
import {
  ByIdParams,
  type InsuranceEvent,
  InsuranceEvents,
  Plan as PlanResource,
  PlanStatus,
  ProductCode,
  type Quote,
  RequotePlanBody,
  RequotePlanParams,
  SavePlanBody,
} from "./schemas.js";

const PlanListQuery = ListQuery({ status: T.Optional(PlanStatus), productCode: T.Optional(ProductCode) });

type QuoteInput = Omit<Static<typeof SavePlanBody>, "customerId">;

export function planService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.plan", { events: InsuranceEvents });
  const plans = kit.aggregate(planDecider, { indexes: ["userId", "status", "productCode", ["userId", "status"]] });
  const issued = kit.view<{ documentId: string }, InsuranceEvent>({
    name: "issuedDocuments",
    filter: "insurance.productDocument.>",
    key: planNoOf,
    on: { DocumentIssued: (_, e) => ({ documentId: e.data.documentId }) },
  });

  /** A plan with what the client sees of it: its document issued or not. */
  const withDocument = async (plan: PlanState | undefined) =>
    plan && { plan, issued: (await issued.get(plan.id)) !== undefined };

  /** The caller's customer record and a quote for it (both synchronous calls). */
  async function quoteFor(ctx: Context, user: User, input: QuoteInput, claimedCustomerId?: string) {
    const customerId = customerIdOf(user.id);
    if (claimedCustomerId !== undefined && claimedCustomerId !== customerId)
      throw forbidden("NotOwner", "a plan can only be made for the caller's own customer record");
    let customer: { name: string; birthDate: string };
    try {
      customer = await ctx.call("insurance.customer.get", { id: customerId });
    } catch (err) {
      if ((err as { code?: number }).code === 404)
        throw conflict("CustomerNotRegistered", "register as a customer first (POST /insurance/customers)");
      throw err;
    }
    const q = await ctx.call<Quote, Record<string, unknown>>("insurance.product.quote", {
      ...input,
      birthDate: customer.birthDate,
    });
    return {
      customerId,
      userId: user.id,
      customerName: customer.name,
      productCode: q.productCode,
      productName: q.productName,
      entryAmount: input.entryAmount,
      insurancePeriod: input.insurancePeriod,
      paymentPeriod: input.paymentPeriod,
      paymentCycle: input.paymentCycle,
      age: q.age,
      monthlyPremium: q.monthlyPremium,
      premium: q.premium,
      terms: q.terms,
    };
  }

  /** The caller's own plan (changing it and asking for its document are the owner's alone). */
  async function ownPlan(ctx: Context<{ id: string }>) {
    const plan = await plans.getLatest(ctx.params.id);
    if (!plan) throw notFound("plan", ctx.params.id);
    ensureOwnerOr(caller(ctx), plan.userId);
    return plan;
  }

  const reads = ownedReadActions({
    name: "plan",
    load: async (id) => withDocument(await plans.getLatest(id)),
    page: async (q) => {
      // DocumentIssued is known to the issued view, not the plan (whose status stays DocumentRequested):
      // both statuses walk the plan's DocumentRequested entries, and a page keeps the rows the view confirms.
      const asked = q.where?.status;
      const planStatus = asked === "DocumentIssued" ? "DocumentRequested" : asked;
      const found = await plans.page({ ...q, where: { ...q.where, status: planStatus } });
      const rows = await Promise.all(
        found.rows.map(async (p) => (await withDocument(p)) as { plan: PlanState; issued: boolean }),
      );
      const shown = asked === undefined ? rows : rows.filter((r) => planView(r.plan, r.issued).status === asked);
      return { ...found, rows: shown };
    },
    ownerOf: ({ plan }) => plan.userId,
    ownerIndex: "userId",
    staff: ["manager"],
    present: ({ plan, issued: done }) => planView(plan, done),
    getParams: ByIdParams,
    listQuery: PlanListQuery,
    filters: ["status", "productCode"],
    resource: {
      path: "/insurance/plans",
      schema: PlanResource,
      roles: "any",
      summaries: { get: "One plan (owner or manager)", list: "List plans (a customer sees their own)" },
    },
  });

  return {
    name: "insurance.plan",
    mixins: [kit.mixin()],
    actions: {
      save: endpoint({
        http: {
          method: "POST",
          path: "/insurance/plans",
          roles: ["customer"],
          summary:
            "Quote and save a plan; 409 UnderwritingRejected naming the rule; 503 when product or customer is unavailable",
          input: "body",
          status: 201,
          response: PlanResource,
          errors: [404, 409, 503],
          example: {
            productCode: "CANCER-01",
            entryAmount: 50_000_000,
            insurancePeriod: 20,
            paymentPeriod: 10,
            paymentCycle: "monthly",
          },
          reasons: { 403: ["NotOwner"], 409: ["CustomerNotRegistered", "UnderwritingRejected"] },
        },
        params: SavePlanBody,
        async handler(ctx: Context<Static<typeof SavePlanBody>>) {
          const user = caller(ctx);
          const { customerId, ...input } = ctx.params;
          const quoted = await quoteFor(ctx, user, input, customerId);
          const planNo = creationId(ctx, "plan");
          const { state } = await plans.execute(planNo, { type: "Save", planNo, ...quoted });
          return planView(state);
        },
      }),

      /** Re-quotes with any changed inputs (and the product's current terms), saving the plan again. */
      requote: endpoint({
        http: {
          method: "PATCH",
          path: "/insurance/plans/:id",
          roles: "any",
          summary: "Re-quote a plan with any changed inputs (owner); 409 once its document was requested",
          body: RequotePlanBody,
          response: PlanResource,
          errors: [403, 404, 409, 503],
          example: { entryAmount: 30_000_000, paymentCycle: "yearly" },
          reasons: {
            403: ["NotOwner"],
            409: ["DocumentRequested", "CustomerNotRegistered", "UnderwritingRejected"],
          },
        },
        params: RequotePlanParams,
        async handler(ctx: Context<Static<typeof RequotePlanParams>>) {
          const user = caller(ctx);
          const plan = await ownPlan(ctx);
          ensureRequotable(plan);
          const { id, customerId, ...changes } = ctx.params;
          const input: QuoteInput = {
            productCode: changes.productCode ?? plan.productCode,
            entryAmount: changes.entryAmount ?? plan.entryAmount,
            insurancePeriod: changes.insurancePeriod ?? plan.insurancePeriod,
            paymentPeriod: changes.paymentPeriod ?? plan.paymentPeriod,
            paymentCycle: changes.paymentCycle ?? plan.paymentCycle,
          };
          const quoted = await quoteFor(ctx, user, input, customerId);
          const { state } = await plans.execute(id, { type: "Requote", planNo: id, ...quoted });
          return planView(state);
        },
      }),

      /** Asks for the product document; it is issued asynchronously (202). */
      requestDocument: endpoint({
        http: {
          method: "POST",
          path: "/insurance/plans/:id/document",
          roles: "any",
          summary: "Ask for the plan's product document (owner); it is issued asynchronously",
          status: 202,
          response: PlanResource,
          errors: [403, 404],
          reasons: { 403: ["NotOwner"] },
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const plan = await ownPlan(ctx);
          const { state } = await plans.execute(
            plan.id,
            { type: "RequestDocument" },
            { idSeed: `document:${plan.id}` },
          );
          return planView(state, (await issued.get(plan.id)) !== undefined);
        },
      }),

      ...reads,
    },
  };
}
