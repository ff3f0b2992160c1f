// Status labels of the steps a timeline shows. A view's row carries the label
// of its current status only; its history names the earlier steps by status,
// labelled here as each system labels them (packages/<system>/src/labels.ts;
// the browser tests compare the two).
import type { Lang } from "./api.js";

type Labels = Record<string, { ko: string; en: string }>;

export const LABELS: Record<"mall" | "sauce" | "cleaning" | "insurance", Labels> = {
  mall: {
    OrderPlaced: { ko: "주문접수", en: "Order placed" },
    PayPlaced: { ko: "입금확인대기", en: "Awaiting deposit" },
    PayChecked: { ko: "입금확인완료", en: "Deposit confirmed" },
    QtyDecreased: { ko: "상품준비완료", en: "Item ready" },
    DeliveryStarted: { ko: "배송중", en: "In delivery" },
    OrderClosed: { ko: "수령확인", en: "Receipt confirmed" },
    DeliveryCompleted: { ko: "배송완료", en: "Delivered" },
    PayCanceled: { ko: "결제취소", en: "Payment canceled" },
    StockRestored: { ko: "재고복원", en: "Stock restored" },
    OrderCanceled: { ko: "주문취소", en: "Order canceled" },
  },
  sauce: {
    Paid: { ko: "주문완료", en: "Order paid" },
    Approved: { ko: "결제승인", en: "Payment approved" },
    Started: { ko: "배송시작", en: "Delivery started" },
    Completed: { ko: "배송완료", en: "Delivered" },
    Canceled: { ko: "주문취소", en: "Order canceled" },
    PaymentCanceled: { ko: "결제취소", en: "Payment canceled" },
    DeliveryCanceled: { ko: "배송취소", en: "Delivery canceled" },
  },
  cleaning: {
    ReservationApplied: { ko: "예약신청", en: "Reservation applied" },
    PaymentApproved: { ko: "결제완료", en: "Payment approved" },
    ReservationCanceled: { ko: "예약취소", en: "Reservation canceled" },
    CleaningFinished: { ko: "청소완료", en: "Cleaning finished" },
    ReviewCompleted: { ko: "리뷰완료", en: "Review completed" },
  },
  insurance: {
    PlanSaved: { ko: "가입설계", en: "Plan saved" },
    DocumentRequested: { ko: "상품설명서발행요청", en: "Document requested" },
    DocumentIssued: { ko: "상품설명서발행완료", en: "Document issued" },
    ProposalContracted: { ko: "청약완료", en: "Proposal contracted" },
    ProposalWithdrawn: { ko: "청약철회", en: "Proposal withdrawn" },
    PaymentCanceled: { ko: "결제취소", en: "Payment canceled" },
  },
};

export type System = keyof typeof LABELS;

export const labelOf = (system: System, status: string, lang: Lang): string => LABELS[system][status]?.[lang] ?? status;
