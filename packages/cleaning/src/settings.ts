// The cleaning system's environment variables, merged into the node's config at start.
import { defineSettings } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";

export const settings = defineSettings({
  CLEANING_RECONCILE_AFTER_MS: T.Integer({
    minimum: 1000,
    maximum: 86400000,
    default: 30000,
    description:
      "cleaning: a payment whose reservation was never stored (the node died in between) is canceled after this long",
  }),
});
