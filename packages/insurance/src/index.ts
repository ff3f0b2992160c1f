// The insurance system (packages/insurance/README.md): products, customers, plans and
// their documents, proposals with their payments, messages, and the mypages view.
import { defineSystem } from "@seed/platform";
import { alarmService } from "./alarm.service.js";
import { customerService } from "./customer.service.js";
import { insuranceManifest } from "./manifest.js";
import { mypageService } from "./mypage.service.js";
import { paymentService } from "./payment.service.js";
import { planService } from "./plan.service.js";
import { productService } from "./product.service.js";
import { proposalService } from "./proposal.service.js";
import { InsuranceEvents } from "./schemas.js";

export const insurance = defineSystem(insuranceManifest, {
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
});
