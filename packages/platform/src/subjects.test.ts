import { describe, expect, it } from "vitest";
import {
  aggregateFilter,
  aggregateSubjectOf,
  commitSubject,
  consumerFilters,
  filtersOfTypes,
  idOfSubject,
  readFilter,
} from "./subjects.js";

describe("subjects", () => {
  it("a commit's aggregate and id, whether its subject names the type or not", () => {
    expect(aggregateSubjectOf("shop.order.01J.OrderPlaced")).toBe("shop.order.01J");
    expect(aggregateSubjectOf("shop.order.01J")).toBe("shop.order.01J");
    expect(idOfSubject("shop.order.01J.OrderPlaced")).toBe("01J");
    expect(idOfSubject("shop.order.01J")).toBe("01J");
  });

  it("a typed stream names the events' type, or `_` when a commit holds several", () => {
    expect(commitSubject("shop.order.01J", ["OrderPlaced"], true)).toBe("shop.order.01J.OrderPlaced");
    expect(commitSubject("shop.order.01J", ["Added", "Added"], true)).toBe("shop.order.01J.Added");
    expect(commitSubject("shop.order.01J", ["Added", "Closed"], true)).toBe("shop.order.01J._");
    expect(commitSubject("shop.order.01J", ["OrderPlaced"], false)).toBe("shop.order.01J");
    expect(aggregateFilter("shop.order.01J", true)).toBe("shop.order.01J.*");
    expect(aggregateFilter("shop.order.01J", false)).toBe("shop.order.01J");
  });

  it("a consumer of some types takes those and the mixed commits on a typed stream, everything else on the other", () => {
    expect(filtersOfTypes("shop.order.>", ["OrderPlaced", "OrderClosed", "OrderPlaced"], true)).toEqual([
      "shop.order.*.OrderClosed",
      "shop.order.*.OrderPlaced",
      "shop.order.*._",
    ]);
    expect(filtersOfTypes("shop.>", ["Paid"], true)).toEqual(["shop.*.*.Paid", "shop.*.*._"]);
    expect(filtersOfTypes("shop.order.>", ["OrderPlaced"], false)).toEqual(["shop.order.>"]);
  });

  it("a reader asking for an aggregate gets all its commits; a filter is asked as it is", () => {
    expect(readFilter("shop.order.01J", true)).toBe("shop.order.01J.*");
    expect(readFilter("shop.order.01J", false)).toBe("shop.order.01J");
    expect(readFilter("shop.order.>", true)).toBe("shop.order.>");
    expect(consumerFilters(["shop.order.>"])).toEqual({ filter_subject: "shop.order.>" });
    expect(consumerFilters(["a.*.*.X", "a.*.*._"])).toEqual({ filter_subjects: ["a.*.*.X", "a.*.*._"] });
  });
});
