// Status labels of the roomTables view: the Korean the original screen
// showed, and English for `?lang=en`.
import { labeller, type StatusLabels } from "@seed/platform";

export const STATUS_LABELS: StatusLabels = {
  Available: { ko: "예약가능", en: "Available" },
  Reserved: { ko: "예약중", en: "Reserved" },
  InConference: { ko: "회의중", en: "In conference" },
  UnderMaintenance: { ko: "정비중", en: "Under maintenance" },
};

export const labelOf = labeller(STATUS_LABELS);
