// Age, underwriting rules and the premium formula (packages/insurance/README.md "Premium and underwriting").
import { Refusal } from "@seed/platform/domain";
import { refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import {
  ageOn,
  isCalendarDate,
  monthlyPremium,
  premiumPerPayment,
  quote,
  rateFraction,
  todayIn,
  type Underwritable,
  underwrite,
} from "../../src/underwriting.js";

const product: Underwritable = {
  minAge: 20,
  maxAge: 60,
  minEntryAmount: 10_000_000,
  maxEntryAmount: 100_000_000,
  ratePerMille: 0.3,
  insurancePeriods: [10, 20],
  paymentPeriods: [5, 10, 20],
};
const input = { entryAmount: 10_000_000, insurancePeriod: 20, paymentPeriod: 10, paymentCycle: "monthly" as const };

/** The rule named in a refusal's message (409 UnderwritingRejected). */
function ruleOf(fn: () => unknown): string {
  const r = refusalOf(fn);
  expect(r.status).toBe(409);
  expect(r.rule).toBe("UnderwritingRejected");
  return r.message.split(": ")[1] ?? "";
}

describe("age in full years", () => {
  it("turns a year older on the birthday, not the day before", () => {
    expect(ageOn("1990-05-17", "2025-05-16")).toBe(34);
    expect(ageOn("1990-05-17", "2025-05-17")).toBe(35);
    expect(ageOn("1990-05-17", "2025-05-18")).toBe(35);
    expect(ageOn("1990-05-17", "2025-04-30")).toBe(34);
    expect(ageOn("1990-05-17", "2025-12-31")).toBe(35);
    expect(ageOn("2025-01-01", "2025-01-01")).toBe(0);
  });

  it("someone born on 29 February is a year older on 1 March of a common year, on 29 February of a leap year", () => {
    expect(ageOn("2000-02-29", "2025-02-28")).toBe(24);
    expect(ageOn("2000-02-29", "2025-03-01")).toBe(25);
    expect(ageOn("2000-02-29", "2024-02-28")).toBe(23);
    expect(ageOn("2000-02-29", "2024-02-29")).toBe(24);
    expect(ageOn("2000-02-29", "2001-02-28")).toBe(0);
    expect(ageOn("2000-02-29", "2001-03-01")).toBe(1);
  });

  it("today is the calendar date in Seoul (UTC+9), whatever the server's zone", () => {
    expect(todayIn(Date.parse("2025-05-16T14:59:59Z"))).toBe("2025-05-16");
    expect(todayIn(Date.parse("2025-05-16T15:00:00Z"))).toBe("2025-05-17");
    expect(ageOn("1990-05-17", todayIn(Date.parse("2025-05-16T15:00:00Z")))).toBe(35);
  });

  it("only real calendar dates are dates", () => {
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2023-02-29")).toBe(false);
    expect(isCalendarDate("2024-13-01")).toBe(false);
    expect(isCalendarDate("2024-04-31")).toBe(false);
    expect(isCalendarDate("24-01-01")).toBe(false);
  });
});

describe("underwriting rules (bounds inclusive)", () => {
  it("age: minAge and maxAge are accepted, one below and one above are refused", () => {
    expect(() => underwrite(product, input, 20)).not.toThrow();
    expect(() => underwrite(product, input, 60)).not.toThrow();
    expect(ruleOf(() => underwrite(product, input, 19))).toBe("AgeRange");
    expect(ruleOf(() => underwrite(product, input, 61))).toBe("AgeRange");
  });

  it("entry amount: both bounds accepted, one won outside refused", () => {
    expect(() => underwrite(product, { ...input, entryAmount: 10_000_000 }, 30)).not.toThrow();
    expect(() => underwrite(product, { ...input, entryAmount: 100_000_000 }, 30)).not.toThrow();
    expect(ruleOf(() => underwrite(product, { ...input, entryAmount: 9_999_999 }, 30))).toBe("EntryAmountRange");
    expect(ruleOf(() => underwrite(product, { ...input, entryAmount: 100_000_001 }, 30))).toBe("EntryAmountRange");
  });

  it("periods must be among the product's", () => {
    expect(ruleOf(() => underwrite(product, { ...input, insurancePeriod: 15 }, 30))).toBe("InsurancePeriod");
    expect(ruleOf(() => underwrite(product, { ...input, paymentPeriod: 7 }, 30))).toBe("PaymentPeriod");
  });

  it("payment period may equal the insurance period, not exceed it", () => {
    expect(() => underwrite(product, { ...input, insurancePeriod: 10, paymentPeriod: 10 }, 30)).not.toThrow();
    expect(ruleOf(() => underwrite(product, { ...input, insurancePeriod: 10, paymentPeriod: 20 }, 30))).toBe(
      "PaymentPeriodWithinInsurancePeriod",
    );
  });

  it("the message says what was wrong", () => {
    const r = refusalOf(() => underwrite(product, input, 65));
    expect(r).toBeInstanceOf(Refusal);
    expect(r.message).toContain("65");
    expect(r.message).toContain("20-60");
  });
});

describe("premium", () => {
  it("no loading up to age 30", () => {
    expect(monthlyPremium(10_000_000, 0.3, 25)).toBe(3000);
    expect(monthlyPremium(10_000_000, 0.3, 30)).toBe(3000);
  });

  it("2% per year above 30", () => {
    expect(monthlyPremium(10_000_000, 0.3, 31)).toBe(3060);
    expect(monthlyPremium(10_000_000, 0.3, 41)).toBe(3660);
    expect(monthlyPremium(30_000_000, 0.3, 45)).toBe(11_700);
  });

  it("is exact where floating point is not: 10,000,000 × 0.25‰ × 1.14 is 2850, not 2851", () => {
    const naive = Math.ceil(((10_000_000 * 0.25) / 1000) * (1 + 0.02 * (37 - 30)));
    expect(naive).toBe(2851); // what plain floating point gives
    expect(monthlyPremium(10_000_000, 0.25, 37)).toBe(2850);
  });

  it("rounds any fraction of a won up", () => {
    expect(monthlyPremium(1_234_567, 0.3, 30)).toBe(371); // 370.3701
    expect(monthlyPremium(10_000_001, 0.3, 30)).toBe(3001); // 3000.0003
    expect(monthlyPremium(10_000_000, 0.3333, 30)).toBe(3333);
    expect(monthlyPremium(10_000_000, 0.3, 31)).toBe(3060); // exactly 3060: not rounded up
  });

  it("one payment is 1, 3 or 12 monthly premiums", () => {
    expect(premiumPerPayment(3060, "monthly")).toBe(3060);
    expect(premiumPerPayment(3060, "quarterly")).toBe(9180);
    expect(premiumPerPayment(3060, "yearly")).toBe(36_720);
    expect(quote(product, { ...input, paymentCycle: "quarterly" }, 41)).toEqual({
      age: 41,
      monthlyPremium: 3660,
      premium: 10_980,
    });
  });

  it("rates are exact fractions with at most 4 decimals", () => {
    expect(rateFraction(0.25)).toEqual({ units: 25n, scale: 2 });
    expect(rateFraction(12)).toEqual({ units: 12n, scale: 0 });
    expect(rateFraction(0.0001)).toEqual({ units: 1n, scale: 4 });
    expect(rateFraction(0.00001)).toBeUndefined();
    expect(rateFraction(1e-7)).toBeUndefined();
  });
});
