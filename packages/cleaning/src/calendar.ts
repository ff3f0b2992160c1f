// `YYYYMMDD` days: the schema checks the shape, this checks that the day exists
// (no 20250231), so a bad date is a 422 like any other bad field.
import { invalidValue } from "@seed/platform";

export function isCalendarDay(day: string): boolean {
  const [y, m, d] = [Number(day.slice(0, 4)), Number(day.slice(4, 6)), Number(day.slice(6, 8))];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** 422 naming the field when `day` is not a day of the calendar. */
export function ensureCalendarDay(field: string, day: string): void {
  if (!isCalendarDay(day)) {
    throw invalidValue("NotACalendarDay", `${field} is not a day of the calendar`, [
      { path: `/${field}`, message: "must be an existing day (YYYYMMDD)" },
    ]);
  }
}
