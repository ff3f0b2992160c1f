import { describe, expect, it } from "vitest";
import { idFrom, idTime } from "../../src/ids.js";

describe("idFrom", () => {
  // A derived id names a resource for good: a retry after an upgrade must land
  // on the id the first attempt made, so the derivation may never change.
  it("derives the same id from a seed and time as every earlier version did", () => {
    expect(idFrom("pay:01JD0000000000000000000000", Date.parse("2026-12-04T00:00:00Z"))).toBe(
      "01M8Z5KH00S00WW6W51N477ZBM",
    );
    expect(idFrom("x", 0)).toBe("0000000000DHP2Q6G412W9VCJN");
  });

  it("keeps the time it was given and differs with the seed", () => {
    const at = Date.parse("2026-12-04T10:11:12.345Z");
    expect(idTime(idFrom("a", at))).toBe(at);
    expect(idFrom("a", at)).not.toBe(idFrom("b", at));
  });
});
