// The insurance system's environment variables, merged into the node's config at start.
import { defineSettings } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";

export const settings = defineSettings({
  INSURANCE_DOCUMENT_DELAY_MS: T.Integer({
    minimum: 0,
    maximum: 600000,
    default: 2000,
    description: "insurance: time it takes to issue a product document",
  }),
  INSURANCE_RECONCILE_AFTER_MS: T.Integer({
    minimum: 1000,
    maximum: 86400000,
    default: 30000,
    description:
      "insurance: a payment whose proposal was never contracted (the node died in between) is canceled after this long",
  }),
  ALARM_PREFIX: T.String({
    default: "[EZ보험] ",
    maxLength: 100,
    description: "insurance: text every alarm message starts with",
  }),
});
