// The payment's side of the cleaning saga: a canceled reservation refunds.
import { execute } from "@seed/platform";
import { effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { paymentIdOf } from "./ids.js";
import { paymentDecider } from "./payment.js";
import { paymentPolicy } from "./payment.policy.js";

const REQUEST = `01HZX${"101".padStart(21, "0")}`;
const PAYMENT = paymentIdOf(REQUEST);

describe("cleaning payment policy", () => {
  it("given ReservationCanceled → cancels the request's payment", async () => {
    expect(await effectsOf(paymentPolicy, { type: "ReservationCanceled", data: { requestId: REQUEST } })).toEqual([
      execute(paymentDecider, PAYMENT, { type: "Cancel", paymentId: PAYMENT, requestId: REQUEST }),
    ]);
  });
});
