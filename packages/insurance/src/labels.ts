// Progress labels of the mypages view: the Korean the original screen showed,
// and English for `?lang=en`.
import { labeller, type StatusLabels } from "@seed/platform";

export const STATUS_LABELS: StatusLabels = {
  PlanSaved: { ko: "가입설계", en: "Plan saved" },
  DocumentRequested: { ko: "상품설명서발행요청", en: "Document requested" },
  DocumentIssued: { ko: "상품설명서발행완료", en: "Document issued" },
  ProposalContracted: { ko: "청약완료", en: "Proposal contracted" },
  ProposalWithdrawn: { ko: "청약철회", en: "Proposal withdrawn" },
  PaymentCanceled: { ko: "결제취소", en: "Payment canceled" },
};

export const labelOf = labeller(STATUS_LABELS);
