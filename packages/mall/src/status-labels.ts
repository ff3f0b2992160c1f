// Status labels of the orderStatuses view: the Korean the original screen
// showed, and English for `?lang=en`.
// Plain data with no imports, so the dashboard bundles the same table.

export const STATUS_LABELS = {
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
} as const satisfies Record<string, { ko: string; en: string }>;
