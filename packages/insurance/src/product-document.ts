// ProductDocument (상품설명서): the description of a product as quoted in one
// plan. One per plan: its id is derived from the plan, and issuing is "only
// if absent", so replicas and redeliveries cannot issue a second one.
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { EventData, InsuranceEvent } from "./schemas.js";
import { CYCLE_MONTHS } from "./underwriting.js";

export type DocumentRequested = EventData<"DocumentRequested">;

export interface ProductDocumentState {
  status: "Issued";
  id: string;
  planNo: string;
  customerId: string;
  userId: string;
  productCode: string;
  text: string;
  issuedAt: string;
  createdAt: string;
  updatedAt: string;
}

export type ProductDocumentCommand = { type: "Issue"; request: DocumentRequested };

type DocumentEvent = Extract<InsuranceEvent, { type: "DocumentIssued" }>;

const won = (n: number) => `${n.toLocaleString("en-US")}원`;
const CYCLE_KO = { monthly: "월납", quarterly: "3개월납", yearly: "연납" } as const;

/** The document's text: product, periods, premium and the underwriting terms the plan was quoted under. */
export function documentText(r: DocumentRequested): string {
  const t = r.terms;
  return [
    `상품설명서 — ${r.productName} (${r.productCode})`,
    `가입설계번호: ${r.planNo}`,
    `보험기간: ${r.insurancePeriod}년 / 납입기간: ${r.paymentPeriod}년 / 납입주기: ${CYCLE_KO[r.paymentCycle]} (${r.paymentCycle})`,
    `가입금액: ${won(r.entryAmount)}`,
    `월 보험료: ${won(r.monthlyPremium)} / 1회 보험료: ${won(r.premium)} (${CYCLE_MONTHS[r.paymentCycle]}개월분)`,
    `인수조건: 가입연령 ${t.minAge}~${t.maxAge}세 (가입 시 ${r.age}세), 가입금액 ${won(t.minEntryAmount)}~${won(t.maxEntryAmount)}, 요율 ${t.ratePerMille}‰`,
    `보험료 산식: 가입금액 × 요율/1000 × (1 + 0.02 × max(0, 나이 − 30)), 원 단위 올림`,
  ].join("\n");
}

export const productDocumentDecider: Decider<Empty | ProductDocumentState, ProductDocumentCommand, DocumentEvent> = {
  name: "productDocument",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (state.status !== "Empty") return []; // issued already (another replica, a redelivery, a second tick)
    const r = cmd.request;
    if (!r.documentId) throw refuse.notFound("document not requested");
    const { planNo, documentId, customerId, userId, productCode } = r;
    return [
      { type: "DocumentIssued", data: { planNo, documentId, customerId, userId, productCode, text: documentText(r) } },
    ];
  },

  evolve(_state, event, { at }) {
    const { documentId, ...issued } = event.data;
    return { status: "Issued", id: documentId, ...issued, issuedAt: at, createdAt: at, updatedAt: at };
  },
};

export const documentView = (s: ProductDocumentState) => ({
  id: s.id,
  planNo: s.planNo,
  productCode: s.productCode,
  customerId: s.customerId,
  issuedAt: s.issuedAt,
  text: s.text,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
