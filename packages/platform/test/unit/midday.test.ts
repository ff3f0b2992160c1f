import { describe, expect, it } from "vitest";
import { middayTimeZone } from "../../testing/midday.js";

const localHour = (at: number, timeZone: string) =>
  Number(new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", hourCycle: "h23" }).format(at));

describe("middayTimeZone", () => {
  it("names a zone where it is 12:xx, at every hour of the UTC day", () => {
    const day = Date.UTC(2030, 2, 11);
    for (let h = 0; h < 24; h++) {
      for (const minute of [0, 59]) {
        const at = day + h * 3_600_000 + minute * 60_000;
        const zone = middayTimeZone(at);
        expect(zone, `${h}:${minute} UTC`).toMatch(/^Etc\/GMT([+-]\d{1,2})?$/);
        expect(localHour(at, zone), `${h}:${minute} UTC in ${zone}`).toBe(12);
      }
    }
  });
});
