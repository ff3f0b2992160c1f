// What cleaning.clean does when events happen: a cleaning the reservation
// recorded is finished, once.
import { execute, type Reactions } from "@seed/platform";
import { cleanDecider } from "./clean.js";
import type { CleaningEvent } from "./schemas.js";

export const cleanPolicy: Reactions<CleaningEvent> = {
  // Normally the finish action stored its CleaningFinished a moment ago (then
  // this decides nothing); if that node died in between, this stores it.
  CleaningRecorded: (e) => {
    const { cleanId, requestId, cleanDate, cleanerId } = e.data;
    return [execute(cleanDecider, cleanId, { type: "Finish", cleanId, requestId, cleanDate, cleanerId })];
  },
};
