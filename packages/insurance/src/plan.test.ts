// Plan: a saved quote, re-quoted until its document is requested.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { documentIdOf } from "./ids.js";
import { type PlanCommand, planDecider, planView } from "./plan.js";
import { InsuranceEventSchemas } from "./schemas.js";
import { PLAN, quoted } from "./test-fixtures.js";

const { given, history, at } = deciderSpec(planDecider, InsuranceEventSchemas);
const save: PlanCommand = { type: "Save", planNo: PLAN, ...quoted };
const saved = history(save);
const requested = history(save, { type: "RequestDocument" });

describe("Plan", () => {
  it("saves the quote; saving the same plan again changes nothing", () => {
    const state = given([])
      .when(save)
      .then([{ type: "PlanSaved", data: { planNo: PLAN, ...quoted } }]);
    expect(planView(state)).toMatchObject({
      id: PLAN,
      planNo: PLAN,
      status: "PlanSaved",
      premium: 3300,
      periods: { insurancePeriod: 20, paymentPeriod: 10 },
    });
    given(saved).when(save).thenNothing();
  });

  it("a re-quote saves the plan again with the new premium, keeping its creation time", () => {
    const requote = { planNo: PLAN, ...quoted, premium: 39_600, paymentCycle: "yearly" as const };
    const state = given(saved)
      .when({ type: "Requote", ...requote })
      .then([{ type: "PlanSaved", data: requote }]);
    expect(state).toMatchObject({
      premium: 39_600,
      paymentCycle: "yearly",
      status: "PlanSaved",
      createdAt: at(0),
      updatedAt: at(1),
    });
  });

  it("a document request moves it on once, with the document's id derived from the plan", () => {
    const { events, state } = given(saved).when({ type: "RequestDocument" }).outcome();
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ planNo: PLAN, documentId: documentIdOf(PLAN), premium: 3300 });
    expect(state.status).toBe("DocumentRequested");
    given(requested).when({ type: "RequestDocument" }).thenNothing();
    const after = given(requested).state;
    expect(after.status !== "Empty" && planView(after, true).status).toBe("DocumentIssued");
  });

  it("no re-quote once the document was requested; unknown plans are 404", () => {
    given(requested)
      .when({ type: "Requote", planNo: PLAN, ...quoted })
      .thenRefuses(409, "DocumentRequested");
    given([]).when({ type: "RequestDocument" }).thenRefuses(404, "NotFound");
    given([])
      .when({ type: "Requote", planNo: PLAN, ...quoted })
      .thenRefuses(404, "NotFound");
  });
});
