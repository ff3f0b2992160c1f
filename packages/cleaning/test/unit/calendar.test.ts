import { describe, expect, it } from "vitest";
import { isCalendarDay } from "../../src/calendar.js";

describe("isCalendarDay", () => {
  it("accepts days that exist and refuses those that do not", () => {
    for (const d of ["20250301", "20240229", "20251231"]) expect(isCalendarDay(d), d).toBe(true);
    for (const d of ["20250229", "20250431", "20250230"]) expect(isCalendarDay(d), d).toBe(false);
  });
});
