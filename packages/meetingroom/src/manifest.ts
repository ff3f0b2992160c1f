// The meetingroom system as a node sees it before loading its code: its name, its
// services, its roles and settings (scripts/catalog.ts loads the rest when a
// node runs one of these services or serves the system's routes).
import type { SystemManifest } from "@seed/platform";
import { meetingroomRoles } from "./roles.js";
import { settings } from "./settings.js";

export const meetingroomManifest = {
  name: "meetingroom",
  services: [
    "meetingroom.room",
    "meetingroom.reserve",
    "meetingroom.conference",
    "meetingroom.maintenance",
    "meetingroom.schedule",
  ],
  roles: meetingroomRoles.names,
  settings,
} as const satisfies SystemManifest;
