// The roomTables reducers (also the room service's statuses): each event moves
// the row only when it concerns the hold the row shows; labels in Korean and English.
import type { EventEnvelope } from "@seed/platform";
import { describe, expect, it } from "vitest";
import { reserveReducers } from "../../src/reserve-row.js";
import { localized, type RoomTableRow, roomTableReducers } from "../../src/room-table.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ROOM = id(1);
const slot = { slotStart: "2025-03-10T01:00:00.000Z", slotEnd: "2025-03-10T02:50:00.000Z" };
let n = 0;
const ev = (type: string, data: Record<string, unknown>): EventEnvelope => ({
  id: id(1000 + ++n),
  type,
  aggregate: "x",
  aggregateId: ROOM,
  correlationId: ROOM,
  occurredAt: new Date(Date.parse("2025-03-10T01:00:00Z") + n * 1000).toISOString(),
  version: 1,
  data: { roomId: ROOM, ...data },
});

type R = RoomTableRow | undefined;
/** Folds events as the view does: a reducer's undefined keeps the row. */
function fold(events: EventEnvelope[], row?: R): R {
  const reducers = roomTableReducers as unknown as Record<string, (r: R, e: EventEnvelope) => R>;
  return events.reduce<R>((r, e) => reducers[e.type]?.(r, e) ?? r, row);
}

const added = ev("RoomAdded", { name: "Room A", capacity: 8 });
const reserved = (reserveId = id(11)) => ev("Reserved", { reserveId, userId: "alice", ...slot });

describe("roomTables", () => {
  it("a room starts Available (예약가능)", () => {
    expect(fold([added])).toMatchObject({ roomId: ROOM, name: "Room A", status: "Available", statusLabel: "예약가능" });
  });

  it("reserved → in conference → ended, with the ids of each step", () => {
    const r = fold([added, reserved()]);
    expect(r).toMatchObject({ status: "Reserved", statusLabel: "예약중", reserveId: id(11), userId: "alice", ...slot });
    const c = fold([ev("UserChecked", { conferenceId: id(21), reserveId: id(11), userId: "alice", ...slot })], r);
    expect(c).toMatchObject({ status: "InConference", statusLabel: "회의중", conferenceId: id(21), reserveId: id(11) });
    const e = fold([ev("ConferenceEnded", { conferenceId: id(21), reserveId: id(11) })], c);
    expect(e).toEqual({
      roomId: ROOM,
      name: "Room A",
      status: "Available",
      statusLabel: "예약가능",
      updatedAt: e?.updatedAt,
    });
  });

  it("cancel and expiry free the room; maintenance shows 정비중 until it ends", () => {
    expect(fold([added, reserved(), ev("ReserveCanceled", { reserveId: id(11) })])?.status).toBe("Available");
    expect(fold([added, reserved(), ev("ReserveExpired", { reserveId: id(11) })])?.status).toBe("Available");
    const m = fold([added, ev("MaintStarted", { maintenanceId: id(31) })]);
    expect(m).toMatchObject({ status: "UnderMaintenance", statusLabel: "정비중", maintenanceId: id(31) });
    expect(fold([ev("MaintEnded", { maintenanceId: id(31) })], m)?.status).toBe("Available");
  });

  it("a late event about an older hold never moves the row back", () => {
    // the next slot's reservation came in before the old meeting's end was recorded
    const r = fold([
      added,
      reserved(),
      ev("UserChecked", { conferenceId: id(21), reserveId: id(11), userId: "alice", ...slot }),
      reserved(id(12)),
    ]);
    expect(r).toMatchObject({ status: "Reserved", reserveId: id(12) });
    expect(r?.conferenceId).toBeUndefined();
    const after = fold(
      [
        ev("ConferenceEnded", { conferenceId: id(21), reserveId: id(11) }),
        ev("ReserveExpired", { reserveId: id(11) }),
        ev("MaintEnded", { maintenanceId: id(31) }),
        ev("UserChecked", { conferenceId: id(21), reserveId: id(11), userId: "alice", ...slot }),
      ],
      r,
    );
    expect(after).toMatchObject({ status: "Reserved", reserveId: id(12) });
  });

  it("from the hold on, a meeting's or maintenance's room shows what the holding answers; the meeting itself keeps it so", () => {
    const used = fold([added, reserved(), ev("ReserveUsed", { reserveId: id(11), conferenceId: id(21) })]);
    expect(used).toMatchObject({
      status: "InConference",
      statusLabel: "회의중",
      reserveId: id(11),
      conferenceId: id(21),
    });
    const started = fold(
      [ev("UserChecked", { conferenceId: id(21), reserveId: id(11), userId: "alice", ...slot })],
      used,
    );
    expect(started).toMatchObject({ status: "InConference", conferenceId: id(21) });
    expect(started?.updatedAt && used?.updatedAt && started.updatedAt > used.updatedAt).toBe(true);
    expect(fold([ev("ConferenceEnded", { conferenceId: id(21), reserveId: id(11) })], started)?.status).toBe(
      "Available",
    );
    const held = fold([added, ev("MaintHeld", { maintenanceId: id(31) })]);
    expect(held).toMatchObject({ status: "UnderMaintenance", statusLabel: "정비중", maintenanceId: id(31) });
    const maint = fold([ev("MaintStarted", { maintenanceId: id(31) })], held);
    expect(maint).toMatchObject({ status: "UnderMaintenance", maintenanceId: id(31) });
    expect(fold([ev("MaintEnded", { maintenanceId: id(31) })], maint)?.status).toBe("Available");
  });

  it("a hold released without its meeting or maintenance makes the room Available; a release after an end changes nothing", () => {
    const used = fold([added, reserved(), ev("ReserveUsed", { reserveId: id(11), conferenceId: id(21) })]);
    expect(fold([ev("HoldReleased", { reserveId: id(11) })], used)).toMatchObject({ status: "Available" });
    expect(fold([ev("HoldReleased", { reserveId: id(11) })], used)?.reserveId).toBeUndefined();
    const held = fold([added, ev("MaintHeld", { maintenanceId: id(31) })]);
    expect(fold([ev("HoldReleased", { maintenanceId: id(31) })], held)?.status).toBe("Available");
    // the usual order: the end made the room Available, the release that follows is no news
    const ended = fold(
      [ev("MaintStarted", { maintenanceId: id(31) }), ev("MaintEnded", { maintenanceId: id(31) })],
      held,
    );
    const next = fold([reserved(id(12))], ended);
    expect(fold([ev("HoldReleased", { maintenanceId: id(31) })], next)).toEqual(next);
    // a release of another hold than the row's changes nothing
    expect(fold([ev("HoldReleased", { reserveId: id(12) })], used)).toEqual(used);
    expect(fold([ev("HoldReleased", { maintenanceId: id(32) })], held)).toEqual(held);
  });

  it("events before the room was added make no row; a second RoomAdded changes nothing", () => {
    expect(fold([reserved()])).toBeUndefined();
    const r = fold([added]);
    expect(roomTableReducers.RoomAdded(r, added as never)).toBeUndefined();
  });

  it("?lang=en gives English labels", () => {
    const r = fold([added, reserved()]) as RoomTableRow;
    expect(localized(r, "en").statusLabel).toBe("Reserved");
    expect(localized(fold([added]) as RoomTableRow, "en").statusLabel).toBe("Available");
    expect(localized(r, "ko").statusLabel).toBe("예약중");
  });
});

describe("reserves rows", () => {
  const reducers = reserveReducers as unknown as Record<string, (r: unknown, e: EventEnvelope) => unknown>;
  const foldR = (events: EventEnvelope[]) =>
    events.reduce<unknown>((r, e) => reducers[e.type]?.(r, e) ?? r, undefined) as {
      status: string;
      conferenceId?: string;
    };

  it("leave Reserved once and never come back", () => {
    expect(foldR([reserved()]).status).toBe("Reserved");
    expect(foldR([reserved(), ev("ReserveCanceled", { reserveId: id(11) })]).status).toBe("Canceled");
    expect(foldR([reserved(), ev("ReserveExpired", { reserveId: id(11) })]).status).toBe("Expired");
    const used = foldR([reserved(), ev("ReserveUsed", { reserveId: id(11), conferenceId: id(21) })]);
    expect(used).toMatchObject({ status: "Used", conferenceId: id(21) });
    expect(
      foldR([reserved(), ev("ReserveCanceled", { reserveId: id(11) }), ev("ReserveExpired", { reserveId: id(11) })])
        .status,
    ).toBe("Canceled");
  });
});
