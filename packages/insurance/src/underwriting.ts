// Age, underwriting and premium (packages/insurance/README.md "Premium and underwriting"),
// pure and exact. Amounts are integers in KRW; the premium formula is computed
// on integers (BigInt) so that a result that is mathematically an integer is
// never pushed up by one by binary floating point before the ceil.
import { refuse } from "@seed/platform/domain";
import type { PaymentCycle, Terms } from "./schemas.js";

/**
 * Ages are counted in Korea's time zone: "today" is the calendar date in
 * Seoul, whatever the server's zone. Korea has no daylight saving time.
 */
export const INSURANCE_TIME_ZONE = "Asia/Seoul";

const seoulDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: INSURANCE_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The calendar date (YYYY-MM-DD) in Seoul at the instant `ms`. */
export const todayIn = (ms: number): string => seoulDate.format(new Date(ms));

/** True for a YYYY-MM-DD that names a real day (not 2023-02-29, not 2024-13-01). */
export function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * Full years between `birthDate` and `today` (both YYYY-MM-DD): the birthday
 * counts from its day on. Someone born on 29 February turns a year older on
 * 1 March in a common year (their day does not exist, so it has not come yet
 * on 28 February) — as the Korean Civil Code counts periods.
 */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  const hadBirthday = tm > bm || (tm === bm && td >= bd);
  return ty - by - (hadBirthday ? 0 : 1);
}

/** Number of monthly premiums one payment covers. */
export const CYCLE_MONTHS: Record<PaymentCycle, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/** Most decimals a ratePerMille may have (the premium is exact for these). */
export const RATE_DECIMALS = 4;

/** The rate as an exact fraction `units / 10^scale`, or undefined when it has more than RATE_DECIMALS decimals. */
export function rateFraction(rate: number): { units: bigint; scale: number } | undefined {
  const text = String(rate);
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined; // exponent notation: far too small or too many digits
  const decimals = m[2] ?? "";
  if (decimals.length > RATE_DECIMALS) return undefined;
  return { units: BigInt(`${m[1]}${decimals}`), scale: decimals.length };
}

/**
 * Monthly premium = ceil(entryAmount × ratePerMille / 1000 × (1 + 0.02 × max(0, age − 30))).
 * With rate = units / 10^scale and 1 + 0.02·x = (50 + x) / 50 this is
 * ceil(entryAmount · units · (50 + x) / (1000 · 10^scale · 50)), all integers.
 */
export function monthlyPremium(entryAmount: number, ratePerMille: number, age: number): number {
  const rate = rateFraction(ratePerMille);
  if (!rate) throw new RangeError(`ratePerMille ${ratePerMille} has more than ${RATE_DECIMALS} decimals`);
  const loading = BigInt(50 + Math.max(0, age - 30));
  const numerator = BigInt(entryAmount) * rate.units * loading;
  const denominator = 1000n * 10n ** BigInt(rate.scale) * 50n;
  return Number((numerator + denominator - 1n) / denominator);
}

/** The premium of one payment: the monthly premium times the months the cycle covers. */
export const premiumPerPayment = (monthly: number, cycle: PaymentCycle): number => monthly * CYCLE_MONTHS[cycle];

export interface Underwritable extends Terms {
  insurancePeriods: number[];
  paymentPeriods: number[];
}

export interface QuoteInput {
  entryAmount: number;
  insurancePeriod: number;
  paymentPeriod: number;
  paymentCycle: PaymentCycle;
}

const rejected = (rule: string, message: string) =>
  refuse.conflict("UnderwritingRejected", `UnderwritingRejected: ${rule}: ${message}`);

/**
 * The product's underwriting limits, each checked in this order; the first
 * violation is refused with 409 UnderwritingRejected, its message naming the
 * rule. Both bounds of every range are inclusive.
 */
export function underwrite(product: Underwritable, input: QuoteInput, age: number): void {
  if (age < product.minAge || age > product.maxAge)
    throw rejected("AgeRange", `age ${age} is outside ${product.minAge}-${product.maxAge}`);
  if (input.entryAmount < product.minEntryAmount || input.entryAmount > product.maxEntryAmount)
    throw rejected(
      "EntryAmountRange",
      `entry amount ${input.entryAmount} is outside ${product.minEntryAmount}-${product.maxEntryAmount}`,
    );
  if (!product.insurancePeriods.includes(input.insurancePeriod))
    throw rejected(
      "InsurancePeriod",
      `insurance period ${input.insurancePeriod} is not one of ${product.insurancePeriods.join(", ")}`,
    );
  if (!product.paymentPeriods.includes(input.paymentPeriod))
    throw rejected(
      "PaymentPeriod",
      `payment period ${input.paymentPeriod} is not one of ${product.paymentPeriods.join(", ")}`,
    );
  if (input.paymentPeriod > input.insurancePeriod)
    throw rejected(
      "PaymentPeriodWithinInsurancePeriod",
      `payment period ${input.paymentPeriod} is longer than insurance period ${input.insurancePeriod}`,
    );
}

/** Underwrites and prices a quote for someone of `age`. */
export function quote(product: Underwritable, input: QuoteInput, age: number) {
  underwrite(product, input, age);
  const monthly = monthlyPremium(input.entryAmount, product.ratePerMille, age);
  return { age, monthlyPremium: monthly, premium: premiumPerPayment(monthly, input.paymentCycle) };
}
