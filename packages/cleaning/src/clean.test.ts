// Clean: one per request, stored once; whether the request may be cleaned is the reservation's decision.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type CleanCommand, cleanDecider, cleanView } from "./clean.js";
import { cleanIdOf } from "./ids.js";
import { CleaningEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(cleanDecider, CleaningEventSchemas);
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
const finished = history(finish());

describe("Clean Finish", () => {
  it("records the finished cleaning of a standing reservation", () => {
    const state = given([])
      .when(finish())
      .then([
        {
          type: "CleaningFinished",
          data: { cleanId: CLEAN, requestId: REQUEST, cleanDate: "20250302", cleanerId: "cleaner-1" },
        },
      ]);
    expect(cleanView(state)).toEqual({
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
    given(finished).when(finish()).thenNothing();
  });

  it("refuses another cleaning of the same request (409 AlreadyCleaned)", () => {
    for (const other of [{ cleanerId: "other" }, { cleanDate: "20250303" }]) {
      given(finished).when(finish(other)).thenRefuses(409, "AlreadyCleaned");
    }
  });
});
