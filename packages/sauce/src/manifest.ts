// The sauce system as a node sees it before loading its code: its name, its
// services, its roles and settings (scripts/catalog.ts loads the rest when a
// node runs one of these services or serves the system's routes).
import type { SystemManifest } from "@seed/platform";
import { sauceRoles } from "./roles.js";
import { settings } from "./settings.js";

export const sauceManifest = {
  name: "sauce",
  services: ["sauce.order", "sauce.payment", "sauce.delivery", "sauce.orderDashboard"],
  roles: sauceRoles.names,
  settings,
} as const satisfies SystemManifest;
