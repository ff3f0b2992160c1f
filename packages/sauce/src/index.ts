// The sauce system (packages/sauce/README.md): order, payment, delivery and the orderDashboards view.
import { defineSystem } from "@seed/platform";
import { deliveryService } from "./delivery.service.js";
import { sauceManifest } from "./manifest.js";
import { orderService } from "./order.service.js";
import { orderDashboardService } from "./order-dashboard.service.js";
import { paymentService } from "./payment.service.js";
import { SauceEvents } from "./schemas.js";

export const sauce = defineSystem(sauceManifest, {
  services: {
    "sauce.order": orderService,
    "sauce.payment": paymentService,
    "sauce.delivery": deliveryService,
    "sauce.orderDashboard": orderDashboardService,
  },
  events: SauceEvents,
});
