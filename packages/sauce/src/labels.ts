import { labeller } from "@seed/platform";
import { STATUS_LABELS } from "./status-labels.js";

export { STATUS_LABELS };
export const labelOf = labeller(STATUS_LABELS);
