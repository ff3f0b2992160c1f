// The insurance system (packages/insurance/README.md): products, customers, plans and
// their documents, proposals with their payments, messages, and the mypages view.
import type { SystemModule } from "@seed/platform";
import { alarmService } from "./alarm.service.js";
import { customerService } from "./customer.service.js";
import { mypageService } from "./mypage.service.js";
import { paymentService } from "./payment.service.js";
import { planService } from "./plan.service.js";
import { productService } from "./product.service.js";
import { proposalService } from "./proposal.service.js";
import { insuranceRoles } from "./roles.js";
import { InsuranceEvents } from "./schemas.js";
import { settings } from "./settings.js";

export const insurance: SystemModule = {
  name: "insurance",
  services: {
    "insurance.product": productService,
    "insurance.customer": customerService,
    "insurance.plan": planService,
    "insurance.proposal": proposalService,
    "insurance.payment": paymentService,
    "insurance.alarm": alarmService,
    "insurance.mypage": mypageService,
  },
  events: InsuranceEvents,
  roles: insuranceRoles.names,
  settings,
};
