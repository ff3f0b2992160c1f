// Clean: one per request, stored once; whether the request may be cleaned is the reservation's decision.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type CleanCommand, type CleanState, cleanDecider, cleanView } from "../../src/clean.js";
import { cleanIdOf } from "../../src/ids.js";
import { CleaningEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(cleanDecider, CleaningEventSchemas);
const REQUEST = `01HZX${"4".padStart(21, "0")}`;
const CLEAN = cleanIdOf(REQUEST);

const finish = (o: Partial<CleanCommand> = {}): CleanCommand => ({
  type: "Finish",
  cleanId: CLEAN,
  requestId: REQUEST,
  cleanDate: "20250302",
  cleanerId: "cleaner-1",
  ...o,
});
const finished = () => run(undefined, finish()).state as CleanState;

describe("Clean.decide Finish", () => {
  it("records the finished cleaning of a standing reservation", () => {
    const { events, state } = run(undefined, finish());
    expect(events).toEqual([
      {
        type: "CleaningFinished",
        data: { cleanId: CLEAN, requestId: REQUEST, cleanDate: "20250302", cleanerId: "cleaner-1" },
      },
    ]);
    expect(cleanView(state as CleanState)).toEqual({
      id: CLEAN,
      requestId: REQUEST,
      cleanDate: "20250302",
      cleanerId: "cleaner-1",
      status: "CleaningFinished",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("the same cleaning arriving twice (the action and the policy, a keyed retry) stores nothing more", () => {
    expect(cleanDecider.decide(finished(), finish(), ctx)).toEqual([]);
  });

  it("refuses another cleaning of the same request (409 AlreadyCleaned)", () => {
    for (const other of [{ cleanerId: "other" }, { cleanDate: "20250303" }]) {
      const r = refusalOf(() => cleanDecider.decide(finished(), finish(other), ctx));
      expect([r.status, r.rule]).toEqual([409, "AlreadyCleaned"]);
    }
  });
});
