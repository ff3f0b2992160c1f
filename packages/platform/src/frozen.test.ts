import { describe, expect, it } from "vitest";
import { deepFreeze } from "./frozen.js";

describe("deepFreeze", () => {
  it("freezes a row, its lists and what they hold, and returns the same row", () => {
    const row = { id: "a", history: [{ status: "OrderPlaced" }], address: { city: "Seoul" } };
    expect(deepFreeze(row)).toBe(row);
    expect(Object.isFrozen(row)).toBe(true);
    expect(Object.isFrozen(row.history)).toBe(true);
    expect(Object.isFrozen(row.history[0])).toBe(true);
    expect(Object.isFrozen(row.address)).toBe(true);
    // ES modules are strict: a change in place throws where it is made.
    expect(() => row.history.push({ status: "PayPlaced" })).toThrow(TypeError);
    expect(() => {
      (row as { id: string }).id = "b";
    }).toThrow(TypeError);
  });

  it("freezes the new parts of a row built from a frozen one", () => {
    const before = deepFreeze({ history: [{ status: "OrderPlaced" }], n: 1 });
    const after = deepFreeze({ ...before, history: [...before.history, { status: "PayPlaced" }] });
    expect(Object.isFrozen(after.history)).toBe(true);
    expect(Object.isFrozen(after.history[1])).toBe(true);
    expect(after.history[0]).toBe(before.history[0]);
  });

  it("leaves what is not an object as it is", () => {
    expect(deepFreeze(3)).toBe(3);
    expect(deepFreeze("x")).toBe("x");
    expect(deepFreeze(null)).toBe(null);
    expect(deepFreeze(undefined)).toBe(undefined);
  });
});
