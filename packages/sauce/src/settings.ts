// The sauce system's environment variables, merged into the node's config at start.
import { defineSettings } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";

export const settings = defineSettings({
  SAUCE_RECONCILE_AFTER_MS: T.Integer({
    minimum: 1000,
    maximum: 86400000,
    default: 30000,
    description:
      "sauce: a payment whose order was never stored (the order node died in between) is refunded after this long",
  }),
});
