// CleaningReservation: applied once per id, canceled by its customer until the
// cleaning is recorded; a cleaning is recorded only while it is not canceled.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { cleanIdOf } from "./ids.js";
import { type ReservationCommand, reservationDecider, reservationView } from "./reservation.js";
import { CleaningEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(reservationDecider, CleaningEventSchemas);
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
const cancel: ReservationCommand = { type: "Cancel" };
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
const applied = history(apply);
const canceled = history(apply, cancel);
const cleaned = history(apply, record());

describe("Reservation Apply", () => {
  it("applies a reservation with the customer's fields", () => {
    const { type: _, ...data } = apply;
    const state = given([])
      .when(apply)
      .then([{ type: "ReservationApplied", data }]);
    expect(reservationView(state)).toEqual({
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
    given(applied).when(apply).thenNothing();
    given(canceled).when(apply).thenNothing();
  });
});

describe("Reservation Cancel", () => {
  it("cancels an applied reservation", () => {
    const state = given(applied)
      .when(cancel)
      .then([{ type: "ReservationCanceled", data: { requestId: REQUEST } }]);
    expect(state).toMatchObject({ status: "ReservationCanceled", updatedAt: at(1), createdAt: at(0) });
  });

  it("refuses once the cleaning is recorded (409 CleaningFinished)", () => {
    given(cleaned).when(cancel).thenRefuses(409, "CleaningFinished");
  });

  it("a second cancel produces nothing", () => {
    given(canceled).when(cancel).thenNothing();
  });

  it("refuses an unknown reservation with 404", () => {
    given([]).when(cancel).thenRefuses(404, "NotFound");
  });
});

describe("Reservation RecordCleaning", () => {
  it("records the cleaning of an applied reservation; the reservation's status stays as the spec has it", () => {
    const state = given(applied)
      .when(record())
      .then([
        {
          type: "CleaningRecorded",
          data: { cleanId: CLEAN, requestId: REQUEST, cleanDate: "20250302", cleanerId: "cleaner-1" },
        },
      ]);
    expect(state.cleaning).toEqual({ cleanId: CLEAN, cleanDate: "20250302", cleanerId: "cleaner-1" });
    expect(state.status).toBe("ReservationApplied");
    expect(state.updatedAt).toBe(at(0)); // nothing the customer sees changed
    expect(Object.keys(reservationView(state))).not.toContain("cleaning");
  });

  it.each<[string, ReturnType<typeof history>, string]>([
    ["unknown", [], "ReservationUnknown"],
    ["canceled", canceled, "ReservationCanceled"],
    ["already cleaned", cleaned, "AlreadyCleaned"],
  ])("refuses a reservation that is %s (409 %s)", (_, events, rule) => {
    given(events).when(record()).thenRefuses(409, rule);
  });

  it("a keyed retry by the same cleaner with the same date is answered with what is recorded; anything else is 409", () => {
    given(cleaned)
      .when(record({ retry: true }))
      .thenNothing();
    for (const other of [{ cleanerId: "cleaner-2" }, { cleanDate: "20250303" }]) {
      given(cleaned)
        .when(record({ retry: true, ...other }))
        .thenRefuses(409, "AlreadyCleaned");
    }
  });

  it("whichever of a cancel and a clean is decided first, the other is refused", () => {
    given(canceled).when(record()).thenRefuses(409, "ReservationCanceled");
    given(cleaned).when(cancel).thenRefuses(409, "CleaningFinished");
  });
});
