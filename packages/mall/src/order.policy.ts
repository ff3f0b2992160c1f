// What mall.order does when events happen: the order follows its pay.
import { execute, type Reactions } from "@seed/platform";
import { orderDecider } from "./order.js";
import type { MallEvent } from "./schemas.js";

export const orderPolicy: Reactions<MallEvent> = {
  // The saga's compensation: a pay canceled for short stock (or by its
  // customer) cancels the order, saying why.
  PayCanceled: (e) => {
    const reason = e.data.reason === "OutOfStock" ? "OutOfStock" : "CustomerCanceled";
    return [execute(orderDecider, e.data.orderId, { type: "Cancel", reason })];
  },
};
