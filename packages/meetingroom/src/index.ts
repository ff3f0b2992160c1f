// The meetingroom system (spec/meetingroom.md).
import type { SystemModule } from "@seed/platform";

export const meetingroom: SystemModule = {
  name: "meetingroom",
  services: {},
  routes: [],
};
