// The sauce system (packages/sauce/README.md): order, payment, delivery and the orderDashboards view.
import type { SystemModule } from "@seed/platform";
import { deliveryService } from "./delivery.service.js";
import { orderService } from "./order.service.js";
import { orderDashboardService } from "./order-dashboard.service.js";
import { paymentService } from "./payment.service.js";
import { sauceRoles } from "./roles.js";
import { SauceEvents } from "./schemas.js";
import { settings } from "./settings.js";

export const sauce: SystemModule = {
  name: "sauce",
  services: {
    "sauce.order": orderService,
    "sauce.payment": paymentService,
    "sauce.delivery": deliveryService,
    "sauce.orderDashboard": orderDashboardService,
  },
  events: SauceEvents,
  roles: sauceRoles.names,
  settings,
};
