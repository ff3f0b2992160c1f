// What mall.pay does when events happen: every placed order gets its pay, and
// stock taken for an order settles the pay's check — or, when a cancel won
// the pay meanwhile, goes back.
import { call, execute, type Reactions } from "@seed/platform";
import { payIdOf } from "./ids.js";
import { payDecider } from "./pay.js";
import type { MallEvent } from "./schemas.js";

export const payPolicy: Reactions<MallEvent> = {
  OrderPlaced: (e) => {
    const { orderId, customerId, productId, qty, price } = e.data;
    const payId = payIdOf(orderId);
    return [
      execute(payDecider, payId, { type: "Place", payId, orderId, customerId, productId, qty, amount: price * qty }),
    ];
  },

  // Stock taken for the order means its deposit check stands. Normally the
  // check appended PayChecked itself a moment ago (then this does nothing);
  // if that check's answer was lost after the stock was taken, this completes
  // it. But a decrease can land after its caller gave up, and a cancel may
  // have won the pay since: the order ends canceled, so the stock goes back.
  QtyDecreased: (e) => {
    const { orderId, productId } = e.data;
    const giveBack = call("mall.product.restoreStock", { orderId, productId });
    return [execute(payDecider, payIdOf(orderId), { type: "Check" }, { whenRefused: { OrderCanceled: [giveBack] } })];
  },
};
