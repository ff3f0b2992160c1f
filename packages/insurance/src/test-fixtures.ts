// Values the insurance deciders' tests share: ids, a product's terms and a plan's quote.

export const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;

export const productFields = {
  name: "EZ 암보험",
  minAge: 20,
  maxAge: 60,
  minEntryAmount: 10_000_000,
  maxEntryAmount: 100_000_000,
  ratePerMille: 0.3,
  insurancePeriods: [10, 20],
  paymentPeriods: [5, 10, 20],
};

export const quoted = {
  customerId: id(10),
  userId: "user-1",
  customerName: "홍길동",
  productCode: "CANCER-01",
  productName: "EZ 암보험",
  entryAmount: 10_000_000,
  insurancePeriod: 20,
  paymentPeriod: 10,
  paymentCycle: "monthly" as const,
  age: 35,
  monthlyPremium: 3300,
  premium: 3300,
  terms: { minAge: 20, maxAge: 60, minEntryAmount: 10_000_000, maxEntryAmount: 100_000_000, ratePerMille: 0.3 },
};

export const PLAN = id(20);

export const owner = { customerId: id(10), userId: "user-1" };
export const PROPOSAL = id(30);
export const PAYMENT = id(40);
