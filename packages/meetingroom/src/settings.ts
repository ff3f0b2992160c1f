// The meetingroom system's environment variables, merged into the node's config at start.
import { defineSettings } from "@seed/platform";
import { Type as T } from "@sinclair/typebox";

export const settings = defineSettings({
  MEETINGROOM_SLOTS: T.String({
    default: "08:00-09:50,10:00-11:50,12:00-13:50,14:00-15:50,16:00-17:50,18:00-19:50",
    description: "meetingroom: the day's reservation slots, `HH:MM-HH:MM` comma-separated",
  }),
  MEETINGROOM_TZ: T.String({ default: "Asia/Seoul", description: "meetingroom: time zone of the slots" }),
  MEETINGROOM_RECONCILE_AFTER_MS: T.Integer({
    minimum: 1000,
    maximum: 86400000,
    default: 30000,
    description:
      "meetingroom: a room held for a maintenance or a meeting that was never stored (the node died in between) is released after this long",
  }),
});
