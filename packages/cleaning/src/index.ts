// The cleaning system (packages/cleaning/README.md): reservations paid synchronously,
// cleans, reviews, messages to the company and the dashBoardViews view.
import { defineSystem } from "@seed/platform";
import { cleanService } from "./clean.service.js";
import { dashboardService } from "./dashboard.service.js";
import { cleaningManifest } from "./manifest.js";
import { messageService } from "./message.service.js";
import { paymentService } from "./payment.service.js";
import { reservationService } from "./reservation.service.js";
import { reviewService } from "./review.service.js";
import { CleaningEvents } from "./schemas.js";

export const cleaning = defineSystem(cleaningManifest, {
  services: {
    "cleaning.reservation": reservationService,
    "cleaning.payment": paymentService,
    "cleaning.clean": cleanService,
    "cleaning.review": reviewService,
    "cleaning.message": messageService,
    "cleaning.dashboard": dashboardService,
  },
  events: CleaningEvents,
});
