// The cleaning system as a node sees it before loading its code: its name, its
// services, its roles and settings (scripts/catalog.ts loads the rest when a
// node runs one of these services or serves the system's routes).
import type { SystemManifest } from "@seed/platform";
import { cleaningRoles } from "./roles.js";
import { settings } from "./settings.js";

export const cleaningManifest = {
  name: "cleaning",
  services: [
    "cleaning.reservation",
    "cleaning.payment",
    "cleaning.clean",
    "cleaning.review",
    "cleaning.message",
    "cleaning.dashboard",
  ],
  roles: cleaningRoles.names,
  settings,
} as const satisfies SystemManifest;
