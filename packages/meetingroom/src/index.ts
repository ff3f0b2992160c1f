// The meetingroom system (packages/meetingroom/README.md): rooms, first-come
// reservations per time slot, meetings, maintenance and the roomTables view.
import type { SystemModule } from "@seed/platform";
import { conferenceService } from "./conference.service.js";
import { maintenanceService } from "./maintenance.service.js";
import { reserveService } from "./reserve.service.js";
import { meetingroomRoles } from "./roles.js";
import { roomService } from "./room.service.js";
import { scheduleService } from "./schedule.service.js";
import { MeetingroomEvents } from "./schemas.js";
import { settings } from "./settings.js";

export const meetingroom: SystemModule = {
  name: "meetingroom",
  services: {
    "meetingroom.room": roomService,
    "meetingroom.reserve": reserveService,
    "meetingroom.conference": conferenceService,
    "meetingroom.maintenance": maintenanceService,
    "meetingroom.schedule": scheduleService,
  },
  events: MeetingroomEvents,
  roles: meetingroomRoles.names,
  settings,
};

/** The slots and time zone, for what a launcher prints about them. */
export { settings as meetingroomSettings };
