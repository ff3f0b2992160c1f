// The mall as a node sees it before loading its code: its name, its
// services and its roles (scripts/catalog.ts loads the rest when a
// node runs one of these services or serves the system's routes).
import type { SystemManifest } from "@seed/platform";
import { mallRoles } from "./roles.js";

export const mallManifest = {
  name: "mall",
  services: ["mall.product", "mall.order", "mall.pay", "mall.delivery", "mall.orderStatus"],
  roles: mallRoles.names,
} as const satisfies SystemManifest;
