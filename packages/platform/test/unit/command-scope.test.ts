import { describe, expect, it } from "vitest";
import { correlateBy } from "../../src/correlation.js";
import { commandDeadline } from "../../src/deadline.js";

describe("commandDeadline", () => {
  it("is the request's deadline unless the command names its own", () => {
    expect(commandDeadline(1000, undefined, undefined)).toBe(1000);
    expect(commandDeadline(undefined, undefined, undefined)).toBeUndefined();
    expect(commandDeadline(1000, 5000, undefined)).toBe(5000);
    expect(commandDeadline(1000, "none", undefined)).toBeUndefined();
  });

  it("is never after storeBy", () => {
    expect(commandDeadline(1000, undefined, 800)).toBe(800);
    expect(commandDeadline(1000, undefined, 3000)).toBe(1000);
    expect(commandDeadline(undefined, undefined, 3000)).toBe(3000);
    expect(commandDeadline(1000, "none", 3000)).toBe(3000);
  });
});

describe("correlateBy", () => {
  interface Pay {
    orderId: string;
  }
  type PayCommand = { type: "Place"; orderId: string } | { type: "Check" };
  const correlation = correlateBy<Pay, PayCommand>("orderId");

  it("reads the id from the state, else from the creating command, else the aggregate's own", () => {
    expect(correlation("pay-1", { type: "Check" }, { orderId: "order-1" })).toBe("order-1");
    expect(correlation("pay-1", { type: "Place", orderId: "order-2" }, undefined)).toBe("order-2");
    expect(correlation("pay-1", { type: "Check" }, undefined)).toBe("pay-1");
  });
});
