// The mall system: order, pay, product, delivery and the orderStatuses view.
import type { SystemModule } from "@seed/platform";
import { deliveryService } from "./delivery.service.js";
import { orderService } from "./order.service.js";
import { orderStatusService } from "./order-status.service.js";
import { payService } from "./pay.service.js";
import { productService } from "./product.service.js";
import { mallRoles } from "./roles.js";
import { MallEvents } from "./schemas.js";

export const mall: SystemModule = {
  name: "mall",
  services: {
    "mall.product": productService,
    "mall.order": orderService,
    "mall.pay": payService,
    "mall.delivery": deliveryService,
    "mall.orderStatus": orderStatusService,
  },
  events: MallEvents,
  roles: mallRoles.names,
};
