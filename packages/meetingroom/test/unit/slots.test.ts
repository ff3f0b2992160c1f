// Slot arithmetic: which slot runs at an instant, in the rooms' time zone.
import { describe, expect, it } from "vitest";
import { describeSlots, parseSlotPlan, slotAt } from "../../src/slots.js";

const DEFAULT = "08:00-09:50,10:00-11:50,12:00-13:50,14:00-15:50,16:00-17:50,18:00-19:50";
const seoul = parseSlotPlan(DEFAULT, "Asia/Seoul");
const utc = parseSlotPlan(DEFAULT, "UTC");
/** An instant given as Seoul wall-clock time (UTC+9, no daylight saving). */
const kst = (hhmmss: string, day = "2025-03-10") => Date.parse(`${day}T${hhmmss}+09:00`);

describe("slotAt (Asia/Seoul, default slots)", () => {
  it("09:49:59 is still in 08:00–09:50", () => {
    expect(slotAt(seoul, kst("09:49:59"))).toEqual({
      slotStart: "2025-03-09T23:00:00.000Z",
      slotEnd: "2025-03-10T00:50:00.000Z",
    });
  });

  it("09:50 is between slots, 09:59:59 too", () => {
    expect(slotAt(seoul, kst("09:50:00"))).toBeUndefined();
    expect(slotAt(seoul, kst("09:59:59.999"))).toBeUndefined();
  });

  it("10:00 opens 10:00–11:50", () => {
    expect(slotAt(seoul, kst("10:00:00"))).toEqual({
      slotStart: "2025-03-10T01:00:00.000Z",
      slotEnd: "2025-03-10T02:50:00.000Z",
    });
  });

  it("before the first slot and after the last there is none", () => {
    expect(slotAt(seoul, kst("07:59:59"))).toBeUndefined();
    expect(slotAt(seoul, kst("00:00:00"))).toBeUndefined();
    expect(slotAt(seoul, kst("19:50:00"))).toBeUndefined();
    expect(slotAt(seoul, kst("23:59:59"))).toBeUndefined();
    expect(slotAt(seoul, kst("08:00:00"))?.slotStart).toBe("2025-03-09T23:00:00.000Z");
    expect(slotAt(seoul, kst("19:49:59"))?.slotEnd).toBe("2025-03-10T10:50:00.000Z");
  });

  it("the day is Seoul's: 08:30 in Seoul is 23:30 UTC of the day before", () => {
    const at = Date.parse("2025-03-09T23:30:00Z");
    expect(slotAt(seoul, at)).toEqual({ slotStart: "2025-03-09T23:00:00.000Z", slotEnd: "2025-03-10T00:50:00.000Z" });
    // the same instant is outside every slot in UTC (23:30)
    expect(slotAt(utc, at)).toBeUndefined();
  });
});

describe("slotAt across midnight", () => {
  const allDay = parseSlotPlan("00:00-24:00", "Asia/Seoul");
  const allDayUtc = parseSlotPlan("00:00-24:00", "UTC");

  it("Seoul's midnight (15:00 UTC) starts a new day's slot", () => {
    expect(slotAt(allDay, Date.parse("2025-03-10T14:59:59Z"))).toEqual({
      slotStart: "2025-03-09T15:00:00.000Z",
      slotEnd: "2025-03-10T15:00:00.000Z",
    });
    expect(slotAt(allDay, Date.parse("2025-03-10T15:00:00Z"))).toEqual({
      slotStart: "2025-03-10T15:00:00.000Z",
      slotEnd: "2025-03-11T15:00:00.000Z",
    });
  });

  it("UTC's midnight is its own", () => {
    expect(slotAt(allDayUtc, Date.parse("2025-03-10T23:59:59Z"))?.slotStart).toBe("2025-03-10T00:00:00.000Z");
    expect(slotAt(allDayUtc, Date.parse("2025-03-11T00:00:00Z"))?.slotStart).toBe("2025-03-11T00:00:00.000Z");
  });

  it("a slot ending at 23:59 leaves the last minute of the day outside", () => {
    const plan = parseSlotPlan("00:00-23:59", "UTC");
    expect(slotAt(plan, Date.parse("2025-03-10T23:58:59Z"))?.slotEnd).toBe("2025-03-10T23:59:00.000Z");
    expect(slotAt(plan, Date.parse("2025-03-10T23:59:00Z"))).toBeUndefined();
  });

  it("a year's end rolls the date", () => {
    expect(slotAt(allDay, Date.parse("2025-12-31T16:00:00Z"))).toEqual({
      slotStart: "2025-12-31T15:00:00.000Z",
      slotEnd: "2026-01-01T15:00:00.000Z",
    });
  });
});

describe("a custom MEETINGROOM_SLOTS", () => {
  const plan = parseSlotPlan(" 09:30-10:00 , 10:00-10:15,13:05-17:45 ", "UTC");

  it("is read as given, back-to-back slots included", () => {
    expect(describeSlots(plan)).toBe("09:30-10:00, 10:00-10:15, 13:05-17:45");
    expect(slotAt(plan, Date.parse("2025-03-10T09:59:59Z"))?.slotEnd).toBe("2025-03-10T10:00:00.000Z");
    expect(slotAt(plan, Date.parse("2025-03-10T10:00:00Z"))).toEqual({
      slotStart: "2025-03-10T10:00:00.000Z",
      slotEnd: "2025-03-10T10:15:00.000Z",
    });
    expect(slotAt(plan, Date.parse("2025-03-10T10:15:00Z"))).toBeUndefined();
    expect(slotAt(plan, Date.parse("2025-03-10T13:05:00Z"))?.slotStart).toBe("2025-03-10T13:05:00.000Z");
    expect(slotAt(plan, Date.parse("2025-03-10T17:45:00Z"))).toBeUndefined();
  });

  it("follows daylight saving in a zone that has it", () => {
    const berlin = parseSlotPlan("08:00-09:00", "Europe/Berlin");
    // winter: UTC+1, summer: UTC+2
    expect(slotAt(berlin, Date.parse("2025-01-15T07:30:00Z"))?.slotStart).toBe("2025-01-15T07:00:00.000Z");
    expect(slotAt(berlin, Date.parse("2025-07-15T06:30:00Z"))?.slotStart).toBe("2025-07-15T06:00:00.000Z");
  });
});

describe("parseSlotPlan refuses a bad configuration with a clear message", () => {
  it.each([
    ["", /comma-separated/],
    ["08:00-09:50,", /comma-separated/],
    ["8-9", /not a time HH:MM/],
    ["08:00", /not HH:MM-HH:MM/],
    ["08:00-09:00-10:00", /not HH:MM-HH:MM/],
    ["25:00-26:00", /not a time/],
    ["08:60-09:00", /not a time/],
    ["10:00-09:00", /ends before it starts/],
    ["10:00-10:00", /ends before it starts/],
    ["08:00-10:00,09:00-11:00", /not overlap/],
    ["12:00-13:00,08:00-09:00", /in order/],
  ])("%j", (text, why) => {
    expect(() => parseSlotPlan(text, "UTC")).toThrow(/invalid MEETINGROOM_SLOTS/);
    expect(() => parseSlotPlan(text, "UTC")).toThrow(why);
  });

  it("an unknown time zone", () => {
    expect(() => parseSlotPlan("08:00-09:00", "Mars/Olympus")).toThrow(/invalid MEETINGROOM_TZ "Mars\/Olympus"/);
  });
});
