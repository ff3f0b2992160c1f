// Progress labels of the mypages view: the Korean the original screen showed,
// and English for `?lang=en`.
// Plain data with no imports, so the dashboard bundles the same table.

export const STATUS_LABELS = {
  PlanSaved: { ko: "가입설계", en: "Plan saved" },
  DocumentRequested: { ko: "상품설명서발행요청", en: "Document requested" },
  DocumentIssued: { ko: "상품설명서발행완료", en: "Document issued" },
  ProposalContracted: { ko: "청약완료", en: "Proposal contracted" },
  ProposalWithdrawn: { ko: "청약철회", en: "Proposal withdrawn" },
  PaymentCanceled: { ko: "결제취소", en: "Payment canceled" },
} as const satisfies Record<string, { ko: string; en: string }>;
