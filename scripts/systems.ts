// Every business system this repository runs, in one place: adding a system is
// one import and one entry here. The gateway's factory travels with the list.

import { cleaning } from "@seed/cleaning";
import { insurance } from "@seed/insurance";
import { mall } from "@seed/mall";
import { meetingroom } from "@seed/meetingroom";
import type { SystemModule } from "@seed/platform";
import { sauce } from "@seed/sauce";

export { createGateway } from "@seed/gateway";

export const systems: SystemModule[] = [mall, sauce, cleaning, meetingroom, insurance];
