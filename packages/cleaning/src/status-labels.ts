// Status labels of the dashBoardViews view: the Korean the original "my page"
// showed, and English for `?lang=en`.
// Plain data with no imports, so the dashboard bundles the same table.

export const STATUS_LABELS = {
  ReservationApplied: { ko: "예약신청", en: "Reservation applied" },
  PaymentApproved: { ko: "결제완료", en: "Payment approved" },
  ReservationCanceled: { ko: "예약취소", en: "Reservation canceled" },
  CleaningFinished: { ko: "청소완료", en: "Cleaning finished" },
  ReviewCompleted: { ko: "리뷰완료", en: "Review completed" },
} as const satisfies Record<string, { ko: string; en: string }>;
