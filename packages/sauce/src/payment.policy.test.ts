// The payment's side of the sauce saga: a stored order approves its payment
// (once, whoever comes first: the policy or the reconciliation), a canceled
// order refunds it.
import { execute } from "@seed/platform";
import { effectsOf, envelopeOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { paymentIdOf } from "./ids.js";
import { paymentDecider } from "./payment.js";
import { approvalOf, paymentPolicy } from "./payment.policy.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ORDER = id(101);
const PAYMENT = paymentIdOf(ORDER);
const EVENT = id(900);

describe("sauce payment policy", () => {
  it("given OrderPlaced → approves the order's payment, seeded like the reconciliation's approval", async () => {
    const placed = envelopeOf(
      {
        type: "OrderPlaced",
        data: { orderId: ORDER, branchId: "b1", sauceId: "s1", qty: 1, price: 3000, customerId: "customer-1" },
      },
      { id: EVENT },
    );
    const effects = await effectsOf(paymentPolicy, placed);
    expect(effects).toEqual([
      execute(
        paymentDecider,
        PAYMENT,
        { type: "Approve" },
        { options: { correlationId: ORDER, causationId: EVENT, idSeed: `approve:${ORDER}` } },
      ),
    ]);
    expect(effects).toEqual([
      execute(paymentDecider, PAYMENT, { type: "Approve" }, { options: approvalOf(ORDER, EVENT) }),
    ]);
  });

  it("given OrderCanceled → refunds the order's payment", async () => {
    expect(await effectsOf(paymentPolicy, { type: "OrderCanceled", data: { orderId: ORDER } })).toEqual([
      execute(paymentDecider, PAYMENT, { type: "Cancel" }),
    ]);
  });
});
