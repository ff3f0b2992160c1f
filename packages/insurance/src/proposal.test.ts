// Proposal: contracted once per plan, withdrawn once; a withdrawn plan is not proposed again.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { ensureNotProposed, type ProposalCommand, proposalDecider } from "./proposal.js";
import { InsuranceEventSchemas } from "./schemas.js";
import { id, owner, PAYMENT, PLAN, PROPOSAL } from "./test-fixtures.js";

const { given, history } = deciderSpec(proposalDecider, InsuranceEventSchemas);
const contract: ProposalCommand = {
  type: "Contract",
  proposalNo: PROPOSAL,
  planNo: PLAN,
  ...owner,
  paymentId: PAYMENT,
  amount: 3300,
  requestId: id(50),
};
const contracted = history(contract);
const withdrawn = history(contract, { type: "Withdraw" });

describe("Proposal", () => {
  it("is contracted once; the same request again answers it, another request is 409 AlreadyContracted", () => {
    const { type: _, ...data } = contract;
    const state = given([])
      .when(contract)
      .then([{ type: "ProposalContracted", data }]);
    expect(state).toMatchObject({ id: PROPOSAL, status: "Contracted", paymentId: PAYMENT, amount: 3300 });
    given(contracted).when(contract).thenNothing();
    given(contracted)
      .when({ ...contract, requestId: id(51) })
      .thenRefuses(409, "AlreadyContracted");
    expect(() => ensureNotProposed(undefined, id(51))).not.toThrow();
    expect(() => ensureNotProposed(given([]).state, id(51))).not.toThrow();
  });

  it("withdraws once; withdrawing again changes nothing; a new proposal of a withdrawn plan is 409", () => {
    const state = given(contracted)
      .when({ type: "Withdraw" })
      .then([
        { type: "ProposalWithdrawn", data: { proposalNo: PROPOSAL, planNo: PLAN, ...owner, paymentId: PAYMENT } },
      ]);
    expect(state.status).toBe("Withdrawn");
    given(withdrawn).when({ type: "Withdraw" }).thenNothing();
    given(withdrawn)
      .when({ ...contract, requestId: id(52) })
      .thenRefuses(409, "ProposalWithdrawn");
    given([]).when({ type: "Withdraw" }).thenRefuses(404, "NotFound");
  });
});
