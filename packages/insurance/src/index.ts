// The insurance system (spec/insurance.md).
import type { SystemModule } from "@seed/platform";

export const insurance: SystemModule = {
  name: "insurance",
  services: {},
  routes: [],
};
