// Status labels of the orderDashboards view: the Korean the original screen
// showed, and English for `?lang=en`.
// Plain data with no imports, so the dashboard bundles the same table.

export const STATUS_LABELS = {
  Paid: { ko: "주문완료", en: "Order paid" },
  Approved: { ko: "결제승인", en: "Payment approved" },
  Started: { ko: "배송시작", en: "Delivery started" },
  Completed: { ko: "배송완료", en: "Delivered" },
  Canceled: { ko: "주문취소", en: "Order canceled" },
  PaymentCanceled: { ko: "결제취소", en: "Payment canceled" },
  DeliveryCanceled: { ko: "배송취소", en: "Delivery canceled" },
} as const satisfies Record<string, { ko: string; en: string }>;
