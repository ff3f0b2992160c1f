// The cleaning system (spec/cleaning.md).
import type { SystemModule } from "@seed/platform";

export const cleaning: SystemModule = {
  name: "cleaning",
  services: {},
  routes: [],
};
