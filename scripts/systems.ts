// Every business system this repository runs, in one place: adding a system is
// one import and one entry here. The gateway's factory travels with the list.
import { mall } from "@seed/mall";
import type { SystemModule } from "@seed/platform";

export { createGateway } from "@seed/gateway";

export const systems: SystemModule[] = [mall];
