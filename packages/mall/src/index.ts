// The mall system: order, pay, product, delivery and the orderStatuses view.
import { defineSystem } from "@seed/platform";
import { deliveryService } from "./delivery.service.js";
import { mallManifest } from "./manifest.js";
import { orderService } from "./order.service.js";
import { orderStatusService } from "./order-status.service.js";
import { payService } from "./pay.service.js";
import { productService } from "./product.service.js";
import { MallEvents } from "./schemas.js";

export const mall = defineSystem(mallManifest, {
  services: {
    "mall.product": productService,
    "mall.order": orderService,
    "mall.pay": payService,
    "mall.delivery": deliveryService,
    "mall.orderStatus": orderStatusService,
  },
  events: MallEvents,
});
