// Every shape of the insurance system in one place: resources, request bodies,
// event data. The same schemas validate actions, build the OpenAPI document
// and check events when they are stored.

import { defineEvents, ULID_PATTERN } from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";

export const Id = T.String({ pattern: ULID_PATTERN, description: "ULID" });
/**
 * A product's code is chosen by the manager and is its key: it appears in URLs
 * (`/insurance/products/{code}`) and in NATS subjects, so only letters, digits,
 * `-` and `_` are allowed (no `.`, `*`, `>`, spaces or `/`).
 */
export const ProductCode = T.String({
  pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$",
  description: "1-40 letters, digits, '-' or '_', starting with a letter or digit",
  examples: ["LIFE-01"],
});
const Name = T.String({ minLength: 1, maxLength: 200 });
const UserId = T.String({ minLength: 1, maxLength: 100 });
const Age = T.Integer({ minimum: 0, maximum: 120 });
const Amount = T.Integer({ minimum: 1, maximum: 100_000_000_000, description: "KRW, integer" });
const Premium = T.Integer({ minimum: 0, description: "KRW, integer" });
const Years = T.Integer({ minimum: 1, maximum: 100, description: "years" });
const YearsList = T.Array(Years, { minItems: 1, maxItems: 20, uniqueItems: true });
const RatePerMille = T.Number({
  exclusiveMinimum: 0,
  maximum: 1000,
  description: "premium per 1000 KRW of entry amount per month, at most 4 decimals",
});
export const BirthDate = T.String({
  pattern: "^\\d{4}-\\d{2}-\\d{2}$",
  description: "YYYY-MM-DD",
  examples: ["1990-05-17"],
});
const Phone = T.String({
  pattern: "^\\+?[0-9][0-9 -]{6,19}$",
  description: "a phone number of 7-20 digits, spaces or dashes",
  examples: ["010-1234-5678"],
});
const Email = T.String({
  maxLength: 200,
  pattern: "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$",
  description: "an email address",
  examples: ["hong@example.com"],
});
const Time = T.String({ format: "date-time" });
export const PaymentCycle = T.Union([T.Literal("monthly"), T.Literal("quarterly"), T.Literal("yearly")]);
export type PaymentCycle = Static<typeof PaymentCycle>;
const closed = { additionalProperties: false } as const;

// ── Products ────────────────────────────────────────────────────────────────
const ProductTerms = {
  name: Name,
  minAge: Age,
  maxAge: Age,
  minEntryAmount: Amount,
  maxEntryAmount: Amount,
  ratePerMille: RatePerMille,
  insurancePeriods: YearsList,
  paymentPeriods: YearsList,
};
export const RegisterProductBody = T.Object({ code: ProductCode, ...ProductTerms }, closed);
export const ChangeProductBody = T.Object(
  {
    name: T.Optional(Name),
    minAge: T.Optional(Age),
    maxAge: T.Optional(Age),
    minEntryAmount: T.Optional(Amount),
    maxEntryAmount: T.Optional(Amount),
    ratePerMille: T.Optional(RatePerMille),
    insurancePeriods: T.Optional(YearsList),
    paymentPeriods: T.Optional(YearsList),
  },
  closed,
);
export type ProductChanges = Static<typeof ChangeProductBody>;
export const ChangeProductParams = T.Object({ code: ProductCode, ...ChangeProductBody.properties }, closed);
export const ByCodeParams = T.Object({ code: ProductCode }, closed);
export const Product = T.Object({ code: ProductCode, ...ProductTerms, createdAt: Time, updatedAt: Time });

/** The underwriting terms a quote was made under; they travel with the plan into its document. */
export const Terms = T.Object({
  minAge: Age,
  maxAge: Age,
  minEntryAmount: Amount,
  maxEntryAmount: Amount,
  ratePerMille: RatePerMille,
});
export type Terms = Static<typeof Terms>;

// ── Customers ───────────────────────────────────────────────────────────────
export const RegisterCustomerBody = T.Object(
  { name: T.String({ minLength: 1, maxLength: 100 }), birthDate: BirthDate, phone: Phone, email: T.Optional(Email) },
  closed,
);
export const Customer = T.Object({
  id: Id,
  userId: UserId,
  name: T.String(),
  birthDate: BirthDate,
  phone: T.String(),
  email: T.Optional(T.String()),
  createdAt: Time,
  updatedAt: Time,
});

// ── Quotes and plans ────────────────────────────────────────────────────────
const QuoteFields = {
  productCode: ProductCode,
  entryAmount: Amount,
  insurancePeriod: Years,
  paymentPeriod: Years,
  paymentCycle: PaymentCycle,
};
/** POST /insurance/plans: the quote input. `customerId` may be given, but it must be the caller's own. */
export const SavePlanBody = T.Object({ ...QuoteFields, customerId: T.Optional(Id) }, closed);
export const RequotePlanBody = T.Object(
  {
    productCode: T.Optional(ProductCode),
    entryAmount: T.Optional(Amount),
    insurancePeriod: T.Optional(Years),
    paymentPeriod: T.Optional(Years),
    paymentCycle: T.Optional(PaymentCycle),
    customerId: T.Optional(Id),
  },
  closed,
);
export const RequotePlanParams = T.Object({ id: Id, ...RequotePlanBody.properties }, closed);
export const ByIdParams = T.Object({ id: Id }, closed);
/** insurance.product.quote: what a quote needs (the plan service brings the customer's birth date). */
export const QuoteParams = T.Object({ ...QuoteFields, birthDate: BirthDate }, closed);
export const Quote = T.Object({
  productCode: ProductCode,
  productName: Name,
  age: Age,
  monthlyPremium: Premium,
  premium: Premium,
  terms: Terms,
});
export type Quote = Static<typeof Quote>;

export const PlanStatus = T.Union([
  T.Literal("PlanSaved"),
  T.Literal("DocumentRequested"),
  T.Literal("DocumentIssued"),
]);
export const Plan = T.Object({
  id: Id,
  planNo: Id,
  customerId: Id,
  productCode: ProductCode,
  productName: Name,
  entryAmount: Amount,
  insurancePeriod: Years,
  paymentPeriod: Years,
  periods: T.Object({ insurancePeriod: Years, paymentPeriod: Years }),
  paymentCycle: PaymentCycle,
  age: Age,
  monthlyPremium: Premium,
  premium: Premium,
  status: PlanStatus,
  documentId: T.Optional(Id),
  createdAt: Time,
  updatedAt: Time,
});

export const ProductDocument = T.Object({
  id: Id,
  planNo: Id,
  productCode: ProductCode,
  customerId: Id,
  issuedAt: Time,
  text: T.String(),
  createdAt: Time,
  updatedAt: Time,
});

// ── Proposals and payments ──────────────────────────────────────────────────
export const Account = T.Object(
  {
    bankCode: T.String({ pattern: "^[0-9]{3}$", description: "a 3-digit bank code", examples: ["004"] }),
    accountNo: T.String({
      pattern: "^[0-9][0-9-]{5,29}$",
      description: "6-30 digits and dashes, starting with a digit",
      examples: ["110-123-456789"],
    }),
    holderName: T.String({ minLength: 1, maxLength: 50 }),
  },
  closed,
);
export type Account = Static<typeof Account>;
export const ProposeBody = T.Object({ planNo: Id, account: Account }, closed);
export const ProposalStatus = T.Union([T.Literal("Contracted"), T.Literal("Withdrawn")]);
export const Proposal = T.Object({
  id: Id,
  proposalNo: Id,
  planNo: Id,
  customerId: Id,
  paymentId: Id,
  amount: Premium,
  status: ProposalStatus,
  createdAt: Time,
  updatedAt: Time,
});

export const PaymentStatus = T.Union([T.Literal("Approved"), T.Literal("Canceled")]);
/** Why a payment was canceled when it was not its proposal's withdrawal: no contract came in time. */
export const CancelReason = T.Literal("ProposalNotContracted");
/** The account as stored: the number masked but for its last four digits. */
const StoredAccount = { bankCode: T.String(), accountNo: T.String(), holderName: T.String() };
export const PayParams = T.Object(
  { paymentId: Id, proposalNo: Id, planNo: Id, customerId: Id, userId: UserId, amount: Premium, account: Account },
  closed,
);
export const Payment = T.Object({
  id: Id,
  paymentId: Id,
  proposalNo: Id,
  planNo: Id,
  customerId: Id,
  amount: Premium,
  status: PaymentStatus,
  reason: T.Optional(CancelReason),
  ...StoredAccount,
  createdAt: Time,
  updatedAt: Time,
});

// ── Messages and the mypages view ───────────────────────────────────────────
export const MsgKind = T.Union([
  T.Literal("PlanSaved"),
  T.Literal("DocumentIssued"),
  T.Literal("ProposalContracted"),
  T.Literal("ProposalWithdrawn"),
  T.Literal("PaymentCanceled"),
]);
export type MsgKind = Static<typeof MsgKind>;
export const Msg = T.Object({
  id: Id,
  customerId: Id,
  planNo: T.Optional(Id),
  kind: MsgKind,
  text: T.String(),
  createdAt: Time,
  updatedAt: Time,
});

export const MypageRow = T.Object({
  planNo: Id,
  customerId: Id,
  customerName: T.String(),
  productCode: ProductCode,
  productName: Name,
  premium: Premium,
  progressStatus: T.String(),
  statusLabel: T.String(),
  history: T.Array(T.Object({ status: T.String(), at: Time }), {
    description: "every step reached, once each, with its time, in the order they happened",
  }),
  documentId: T.Optional(Id),
  documentIssuedAt: T.Optional(Time),
  proposalNo: T.Optional(Id),
  paymentStatus: T.Optional(PaymentStatus),
  createdAt: Time,
  updatedAt: Time,
});

// ── Events (correlation key: planNo, proposalNo once there is one) ─────────
/** Who a plan is for: the customer record and the user it belongs to (for ownership checks). */
const Owner = { customerId: Id, userId: UserId };
const PlanQuote = {
  productCode: ProductCode,
  productName: Name,
  entryAmount: Amount,
  insurancePeriod: Years,
  paymentPeriod: Years,
  paymentCycle: PaymentCycle,
  age: Age,
  monthlyPremium: Premium,
  premium: Premium,
  terms: Terms,
};

export const InsuranceEvents = defineEvents("insurance", {
  /** `registrationId` names the request that registered it: its retry is not a second registration. */
  ProductRegistered: { version: 1, schema: T.Object({ code: ProductCode, registrationId: Id, ...ProductTerms }) },
  ProductChanged: { version: 1, schema: T.Object({ code: ProductCode, ...ChangeProductBody.properties }) },
  CustomerRegistered: {
    version: 1,
    schema: T.Object({
      customerId: Id,
      registrationId: Id,
      userId: UserId,
      name: T.String(),
      birthDate: BirthDate,
      phone: T.String(),
      email: T.Optional(T.String()),
    }),
  },
  PlanSaved: {
    aggregate: "plan",
    version: 1,
    schema: T.Object({ planNo: Id, ...Owner, customerName: T.String(), ...PlanQuote }),
  },
  DocumentRequested: { version: 1, schema: T.Object({ planNo: Id, documentId: Id, ...Owner, ...PlanQuote }) },
  DocumentIssued: {
    aggregate: "productDocument",
    version: 1,
    schema: T.Object({ planNo: Id, documentId: Id, ...Owner, productCode: ProductCode, text: T.String() }),
  },
  PaymentApproved: {
    version: 1,
    schema: T.Object({
      paymentId: Id,
      proposalNo: Id,
      planNo: Id,
      ...Owner,
      amount: Premium,
      ...StoredAccount,
    }),
  },
  /** `requestId` names the request that contracted it: its retry gets the proposal back, any other a 409. */
  ProposalContracted: {
    aggregate: "proposal",
    version: 1,
    schema: T.Object({ proposalNo: Id, planNo: Id, ...Owner, paymentId: Id, amount: Premium, requestId: Id }),
  },
  ProposalWithdrawn: {
    aggregate: "proposal",
    version: 1,
    schema: T.Object({ proposalNo: Id, planNo: Id, ...Owner, paymentId: Id }),
  },
  /** `reason` is given when the payment is canceled because its proposal was never contracted. */
  PaymentCanceled: {
    aggregate: "payment",
    version: 1,
    schema: T.Object({ paymentId: Id, proposalNo: Id, planNo: Id, ...Owner, reason: T.Optional(CancelReason) }),
  },
  MsgSent: {
    version: 1,
    schema: T.Object({ msgId: Id, ...Owner, planNo: T.Optional(Id), kind: MsgKind, text: T.String() }),
  },
});
/** Schema of each event type's current version. */
export const InsuranceEventSchemas = InsuranceEvents.schemas;

type Schemas = typeof InsuranceEventSchemas;
/** An insurance event as domain code sees it: `{type, data}`. */
export type InsuranceEvent = { [K in keyof Schemas]: { type: K; data: Static<Schemas[K]> } }[keyof Schemas];
export type EventData<K extends InsuranceEvent["type"]> = Extract<InsuranceEvent, { type: K }>["data"];
