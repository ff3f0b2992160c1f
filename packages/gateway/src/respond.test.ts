import { describe, expect, it } from "vitest";
import { encodeJson } from "./respond.js";

describe("encodeJson", () => {
  it("encodes a frozen value once, however often it is answered", () => {
    let encoded = 0;
    const row = Object.freeze({
      toJSON() {
        encoded++;
        return { status: "OrderPlaced" };
      },
    });
    expect(encodeJson(row)).toBe('{"status":"OrderPlaced"}');
    expect(encodeJson(row)).toBe('{"status":"OrderPlaced"}');
    expect(encoded).toBe(1);
  });

  it("encodes anything else each time, as it may have changed since", () => {
    const row = { status: "OrderPlaced" };
    expect(encodeJson(row)).toBe('{"status":"OrderPlaced"}');
    row.status = "PayPlaced";
    expect(encodeJson(row)).toBe('{"status":"PayPlaced"}');
    expect(encodeJson([1, 2])).toBe("[1,2]");
    expect(encodeJson("text")).toBe('"text"');
    expect(encodeJson(null)).toBe("null");
  });
});
