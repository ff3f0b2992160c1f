// The payment's side of the insurance saga: a withdrawn proposal refunds.
import { execute } from "@seed/platform";
import { effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { paymentDecider } from "./payment.js";
import { paymentPolicy } from "./payment.policy.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const PAYMENT = id(301);

describe("insurance payment policy", () => {
  it("given ProposalWithdrawn → cancels the proposal's payment", async () => {
    const withdrawn = { proposalNo: id(201), planNo: id(101), customerId: id(1), userId: "user-1", paymentId: PAYMENT };
    expect(await effectsOf(paymentPolicy, { type: "ProposalWithdrawn", data: withdrawn })).toEqual([
      execute(paymentDecider, PAYMENT, { type: "Cancel" }),
    ]);
  });
});
