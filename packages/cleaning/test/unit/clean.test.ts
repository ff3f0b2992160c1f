// Clean: one per request, only for a reservation that stands.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { Clean, type CleanCommand, type CleanState, cleanView, type ReservationStanding } from "../../src/clean.js";
import { cleanIdOf } from "../../src/ids.js";
import { CleaningEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(Clean, CleaningEventSchemas);
const REQUEST = `01HZX${"4".padStart(21, "0")}`;
const CLEAN = cleanIdOf(REQUEST);

const finish = (o: Partial<CleanCommand> = {}): CleanCommand => ({
  type: "Finish",
  cleanId: CLEAN,
  requestId: REQUEST,
  cleanDate: "20250302",
  cleanerId: "cleaner-1",
  reservation: "applied",
  retry: false,
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

  it.each<[ReservationStanding, string]>([
    ["unknown", "ReservationUnknown"],
    ["canceled", "ReservationCanceled"],
  ])("refuses a reservation that is %s (409 %s)", (reservation, rule) => {
    const r = refusalOf(() => Clean.decide(undefined, finish({ reservation }), ctx));
    expect([r.status, r.rule]).toEqual([409, rule]);
  });

  it("refuses a second clean of the same request (409 AlreadyCleaned), whatever the reservation says now", () => {
    for (const reservation of ["applied", "canceled", "unknown"] as const) {
      const r = refusalOf(() => Clean.decide(finished(), finish({ reservation }), ctx));
      expect([r.status, r.rule]).toEqual([409, "AlreadyCleaned"]);
    }
  });

  it("a keyed retry by the same cleaner with the same date gets the clean it made; anything else is 409", () => {
    expect(Clean.decide(finished(), finish({ retry: true }), ctx)).toEqual([]);
    expect(refusalOf(() => Clean.decide(finished(), finish({ retry: true, cleanerId: "other" }), ctx)).status).toBe(
      409,
    );
    expect(refusalOf(() => Clean.decide(finished(), finish({ retry: true, cleanDate: "20250303" }), ctx)).status).toBe(
      409,
    );
  });
});
