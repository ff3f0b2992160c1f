// CleaningReservation: applied once per id, canceled by its customer until the
// cleaning is recorded; a cleaning is recorded only while it is not canceled.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { cleanIdOf } from "../../src/ids.js";
import {
  type ReservationCommand,
  type ReservationState,
  reservationDecider,
  reservationView,
} from "../../src/reservation.js";
import { CleaningEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(reservationDecider, CleaningEventSchemas);
const REQUEST = `01HZX${"1".padStart(21, "0")}`;

const apply: ReservationCommand = {
  type: "Apply",
  requestId: REQUEST,
  requestDate: "20250301",
  place: "Seoul",
  price: 50_000,
  customerName: "Alice",
  customerId: "customer-1",
};
const applied = () => run(undefined, apply).state as ReservationState;
const canceled = () => run(applied(), { type: "Cancel" }).state as ReservationState;
const CLEAN = cleanIdOf(REQUEST);
const record = (o: Partial<Extract<ReservationCommand, { type: "RecordCleaning" }>> = {}): ReservationCommand => ({
  type: "RecordCleaning",
  requestId: REQUEST,
  cleanId: CLEAN,
  cleanDate: "20250302",
  cleanerId: "cleaner-1",
  retry: false,
  ...o,
});
const cleaned = () => run(applied(), record()).state as ReservationState;

describe("Reservation.decide Apply", () => {
  it("applies a reservation with the customer's fields", () => {
    const { events, state } = run(undefined, apply);
    const { type: _, ...data } = apply;
    expect(events).toEqual([{ type: "ReservationApplied", data }]);
    expect(reservationView(state as ReservationState)).toEqual({
      id: REQUEST,
      requestDate: "20250301",
      place: "Seoul",
      price: 50_000,
      customerName: "Alice",
      customerId: "customer-1",
      status: "ReservationApplied",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("is idempotent: the same id applied again (a retried key) produces nothing", () => {
    expect(reservationDecider.decide(applied(), apply, ctx)).toEqual([]);
    expect(reservationDecider.decide(canceled(), apply, ctx)).toEqual([]);
  });
});

describe("Reservation.decide Cancel", () => {
  it("cancels an applied reservation", () => {
    const { events, state } = run(applied(), { type: "Cancel" });
    expect(events).toEqual([{ type: "ReservationCanceled", data: { requestId: REQUEST } }]);
    expect(state?.status).toBe("ReservationCanceled");
    expect(state?.updatedAt).toBe(at(1));
    expect(state?.createdAt).toBe(at(0));
  });

  it("refuses once the cleaning is recorded (409 CleaningFinished)", () => {
    const r = refusalOf(() => reservationDecider.decide(cleaned(), { type: "Cancel" }, ctx));
    expect([r.status, r.rule]).toEqual([409, "CleaningFinished"]);
  });

  it("a second cancel produces nothing", () => {
    expect(reservationDecider.decide(canceled(), { type: "Cancel" }, ctx)).toEqual([]);
  });

  it("refuses an unknown reservation with 404", () => {
    const r = refusalOf(() => reservationDecider.decide(undefined, { type: "Cancel" }, ctx));
    expect(r.status).toBe(404);
  });
});

describe("Reservation.decide RecordCleaning", () => {
  it("records the cleaning of an applied reservation; the reservation's status stays as the spec has it", () => {
    const { events, state } = run(applied(), record());
    expect(events).toEqual([
      {
        type: "CleaningRecorded",
        data: { cleanId: CLEAN, requestId: REQUEST, cleanDate: "20250302", cleanerId: "cleaner-1" },
      },
    ]);
    expect(state?.cleaning).toEqual({ cleanId: CLEAN, cleanDate: "20250302", cleanerId: "cleaner-1" });
    expect(state?.status).toBe("ReservationApplied");
    expect(state?.updatedAt).toBe(at(0)); // nothing the customer sees changed
    expect(Object.keys(reservationView(state as ReservationState))).not.toContain("cleaning");
  });

  it.each<[string, () => ReservationState | undefined, string]>([
    ["unknown", () => undefined, "ReservationUnknown"],
    ["canceled", canceled, "ReservationCanceled"],
    ["already cleaned", cleaned, "AlreadyCleaned"],
  ])("refuses a reservation that is %s (409 %s)", (_, state, rule) => {
    const r = refusalOf(() => reservationDecider.decide(state(), record(), ctx));
    expect([r.status, r.rule]).toEqual([409, rule]);
  });

  it("a keyed retry by the same cleaner with the same date is answered with what is recorded; anything else is 409", () => {
    expect(reservationDecider.decide(cleaned(), record({ retry: true }), ctx)).toEqual([]);
    for (const other of [{ cleanerId: "cleaner-2" }, { cleanDate: "20250303" }]) {
      const r = refusalOf(() => reservationDecider.decide(cleaned(), record({ retry: true, ...other }), ctx));
      expect([r.status, r.rule]).toEqual([409, "AlreadyCleaned"]);
    }
  });

  it("whichever of a cancel and a clean is decided first, the other is refused", () => {
    const cancelFirst = canceled();
    expect(refusalOf(() => reservationDecider.decide(cancelFirst, record(), ctx)).rule).toBe("ReservationCanceled");
    const cleanFirst = cleaned();
    expect(refusalOf(() => reservationDecider.decide(cleanFirst, { type: "Cancel" }, ctx)).rule).toBe(
      "CleaningFinished",
    );
  });
});
