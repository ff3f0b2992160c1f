import { describe, expect, it } from "vitest";
import { subjectFilter } from "./subject-filter.js";

describe("subjectFilter", () => {
  it("matches as the NATS server does", () => {
    const cases: Array<[string, string, boolean]> = [
      ["shop.>", "shop.order.1", true],
      ["shop.>", "shop", false],
      ["shop.>", "shopping.order.1", false],
      ["shop.order.>", "shop.order.1", true],
      ["shop.order.>", "shop.order", false],
      ["shop.order.>", "shop.orders.1", false],
      ["shop.*.1", "shop.order.1", true],
      ["shop.*.1", "shop.order.2", false],
      ["shop.*", "shop.order.1", false],
      ["shop.*.>", "shop.order.1.x", true],
      ["shop.*.>", "shop.order", false],
      ["shop.order.1", "shop.order.1", true],
      ["shop.order.1", "shop.order.10", false],
    ];
    for (const [filter, subject, expected] of cases) {
      expect(subjectFilter(filter)(subject), `${filter} ~ ${subject}`).toBe(expected);
    }
  });
});
