// Status labels of the steps a timeline shows. A view's row carries the label
// of its current status only; its history names the earlier steps by status,
// labelled with each system's own table (packages/<system>/src/status-labels.ts).
import { STATUS_LABELS as CLEANING } from "../../cleaning/src/status-labels.js";
import { STATUS_LABELS as INSURANCE } from "../../insurance/src/status-labels.js";
import { STATUS_LABELS as MALL } from "../../mall/src/status-labels.js";
import { STATUS_LABELS as SAUCE } from "../../sauce/src/status-labels.js";
import type { Lang } from "./api.js";

type Labels = Readonly<Record<string, { readonly ko: string; readonly en: string }>>;

export const LABELS: Record<"mall" | "sauce" | "cleaning" | "insurance", Labels> = {
  mall: MALL,
  sauce: SAUCE,
  cleaning: CLEANING,
  insurance: INSURANCE,
};

export type System = keyof typeof LABELS;

export const labelOf = (system: System, status: string, lang: Lang): string => LABELS[system][status]?.[lang] ?? status;
