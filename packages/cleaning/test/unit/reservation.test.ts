// CleaningReservation: applied once per id, canceled by its customer until the cleaning is finished.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { Reservation, type ReservationCommand, type ReservationState, reservationView } from "../../src/reservation.js";
import { CleaningEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(Reservation, CleaningEventSchemas);
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
const canceled = () => run(applied(), { type: "Cancel", cleaned: false }).state as ReservationState;

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
    expect(Reservation.decide(applied(), apply, ctx)).toEqual([]);
    expect(Reservation.decide(canceled(), apply, ctx)).toEqual([]);
  });
});

describe("Reservation.decide Cancel", () => {
  it("cancels an applied reservation", () => {
    const { events, state } = run(applied(), { type: "Cancel", cleaned: false });
    expect(events).toEqual([{ type: "ReservationCanceled", data: { requestId: REQUEST } }]);
    expect(state?.status).toBe("ReservationCanceled");
    expect(state?.updatedAt).toBe(at(1));
    expect(state?.createdAt).toBe(at(0));
  });

  it("refuses once the cleaning is finished (409 CleaningFinished)", () => {
    const r = refusalOf(() => Reservation.decide(applied(), { type: "Cancel", cleaned: true }, ctx));
    expect([r.status, r.rule]).toEqual([409, "CleaningFinished"]);
  });

  it("a second cancel produces nothing", () => {
    expect(Reservation.decide(canceled(), { type: "Cancel", cleaned: false }, ctx)).toEqual([]);
    expect(Reservation.decide(canceled(), { type: "Cancel", cleaned: true }, ctx)).toEqual([]);
  });

  it("refuses an unknown reservation with 404", () => {
    const r = refusalOf(() => Reservation.decide(undefined, { type: "Cancel", cleaned: false }, ctx));
    expect(r.status).toBe(404);
  });
});
