// sauce.payment — owns Payment, the charge of each order.
// Offers: pay (for sauce.order; idempotent per orderId), get, list.
// Reacts to: OrderPlaced → approves the order's payment (PaymentApproved);
//            OrderCanceled → refunds it (PaymentCanceled).
// Every so often (reconcile): refunds an authorization whose order was never
//   stored within SAUCE_RECONCILE_AFTER_MS (the order node died after paying).
// Calls: nothing.

import {
  correlateBy,
  ListQuery,
  ownedReadActions,
  PageOf,
  type Role,
  type Runtime,
  reconcilePeriod,
  ServiceKit,
  streamName,
  subjectOf,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { paymentIdOf } from "./ids.js";
import { isOverdue, isVisible, type PaymentState, paymentDecider, paymentView } from "./payment.js";
import { approvalOf, paymentPolicy } from "./payment.policy.js";
import { ByIdParams, Id, Payment as PaymentResource, PaymentStatus, PayParams, SauceEvents } from "./schemas.js";
import { settings } from "./settings.js";

const PaymentListQuery = ListQuery({ orderId: T.Optional(Id), status: T.Optional(PaymentStatus) });

/** What `pay` answers sauce.order: the payment as it is, including a not yet approved authorization. */
export type PayAnswer = Pick<PaymentState, "id" | "orderId" | "amount" | "status" | "createdAt">;

/** Who sees every payment; a customer sees their own. */
const staff: Role[] = ["admin"];

export function paymentService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "sauce.payment", { events: SauceEvents });
  // An authorization not yet approved is no payment to show: lists read the "visible" index.
  const payments = kit.aggregate(paymentDecider, {
    correlation: correlateBy("orderId"),
    indexes: ["customerId", "orderId", "status", { name: "visible", of: isVisible }],
  });
  const afterMs = settings.of(rt.config).SAUCE_RECONCILE_AFTER_MS;

  // The reconciliation approves as the policy does (same seed, same event id).
  const approve = (orderId: string, causationId: string) =>
    payments.execute(paymentIdOf(orderId), { type: "Approve" }, approvalOf(orderId, causationId));

  kit.react(paymentPolicy);

  /** Is the order stored? Asked of the stream itself (the order subject has a message), not of a lagging copy. */
  const orderStored = async (orderId: string) =>
    (await rt.events.lastSeqOf(streamName("sauce"), subjectOf("sauce", "order", orderId))) > 0;

  // Every replica ticks; the aggregate decides, so a second replica finds the work done.
  kit.every("reconcile", reconcilePeriod(afterMs), async (now) => {
    // Only authorizations can be overdue: the status index walks those, a page at a time.
    for await (const p of payments.rows({ status: "Authorized" })) {
      if (!isOverdue(p, now, afterMs)) continue;
      if (await orderStored(p.orderId)) {
        await approve(p.orderId, p.id); // stored, but its OrderPlaced has not reached our policy yet
        continue;
      }
      await payments.execute(
        p.id,
        { type: "Expire", now, afterMs },
        { causationId: p.id, idSeed: `expire:${p.orderId}` },
      );
    }
  });

  return {
    name: "sauce.payment",
    mixins: [kit.mixin()],
    actions: {
      /** Charges an order once: a repeated call (same orderId) answers the existing payment. */
      pay: {
        visibility: "public",
        params: PayParams,
        async handler(ctx: Context<Static<typeof PayParams>>): Promise<PayAnswer> {
          const { orderId, amount, customerId } = ctx.params;
          const paymentId = paymentIdOf(orderId);
          const { state } = await payments.execute(
            paymentId,
            { type: "Authorize", paymentId, orderId, amount, customerId },
            { idSeed: `authorize:${orderId}` },
          );
          const { id, status, createdAt } = state;
          return { id, orderId, amount: state.amount, status, createdAt };
        },
      },

      ...ownedReadActions({
        name: "payment",
        load: async (id) => {
          const p = await payments.getLatest(id);
          return p && isVisible(p) ? p : undefined;
        },
        page: async (q) => {
          const found = await payments.page({ ...q, where: { ...q.where, visible: true } });
          return { ...found, rows: found.rows.filter(isVisible) };
        },
        ownerOf: (p) => p.customerId,
        ownerIndex: "customerId",
        staff,
        present: paymentView,
        getParams: ByIdParams,
        listQuery: PaymentListQuery,
        filters: ["orderId", "status"],
        http: {
          get: {
            method: "GET",
            path: "/sauce/payments/:id",
            roles: ["customer", ...staff],
            summary: "One payment",
            response: PaymentResource,
            errors: [404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/sauce/payments",
            roles: ["customer", ...staff],
            summary: "List payments (?orderId=&status=)",
            response: PageOf(PaymentResource),
          },
        },
      }),
    },
  };
}
