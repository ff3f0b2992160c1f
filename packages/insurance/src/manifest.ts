// The insurance system as a node sees it before loading its code: its name, its
// services, its roles and settings (scripts/catalog.ts loads the rest when a
// node runs one of these services or serves the system's routes).
import type { SystemManifest } from "@seed/platform";
import { insuranceRoles } from "./roles.js";
import { settings } from "./settings.js";

export const insuranceManifest = {
  name: "insurance",
  services: [
    "insurance.product",
    "insurance.customer",
    "insurance.plan",
    "insurance.proposal",
    "insurance.payment",
    "insurance.alarm",
    "insurance.mypage",
  ],
  roles: insuranceRoles.names,
  settings,
} as const satisfies SystemManifest;
