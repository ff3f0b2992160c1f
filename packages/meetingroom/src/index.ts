// The meetingroom system (packages/meetingroom/README.md): rooms, first-come
// reservations per time slot, meetings, maintenance and the roomTables view.
import { defineSystem } from "@seed/platform";
import { conferenceService } from "./conference.service.js";
import { maintenanceService } from "./maintenance.service.js";
import { meetingroomManifest } from "./manifest.js";
import { reserveService } from "./reserve.service.js";
import { roomService } from "./room.service.js";
import { scheduleService } from "./schedule.service.js";
import { MeetingroomEvents } from "./schemas.js";

export const meetingroom = defineSystem(meetingroomManifest, {
  services: {
    "meetingroom.room": roomService,
    "meetingroom.reserve": reserveService,
    "meetingroom.conference": conferenceService,
    "meetingroom.maintenance": maintenanceService,
    "meetingroom.schedule": scheduleService,
  },
  events: MeetingroomEvents,
});

/** The slots and time zone, for what a launcher prints about them. */
export { settings as meetingroomSettings } from "./settings.js";
