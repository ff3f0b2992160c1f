// The sauce system (spec/sauce.md).
import type { SystemModule } from "@seed/platform";

export const sauce: SystemModule = {
  name: "sauce",
  services: {},
  routes: [],
};
