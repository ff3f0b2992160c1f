// insurance.customer — owns Customer (one per user).
// Offers: register, me (the caller's own record), get (owner or manager; also
//   what insurance.plan calls to learn a customer's name and birth date), list.
// Reacts to: nothing. Calls: nothing.

import {
  caller,
  creationId,
  deadlineOf,
  invalidValue,
  ListQuery,
  notFound,
  ownedReadActions,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import type { Static } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { Customer, customerView } from "./customer.js";
import { customerIdOf } from "./ids.js";
import { ByIdParams, InsuranceEvents, RegisterCustomerBody } from "./schemas.js";
import { isCalendarDate, todayIn } from "./underwriting.js";

export const CustomerListQuery = ListQuery({});

export function customerService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.customer", { events: InsuranceEvents });
  const customers = kit.aggregate(Customer, { indexes: ["userId"] });

  return {
    name: "insurance.customer",
    mixins: [kit.mixin()],
    actions: {
      register: {
        params: RegisterCustomerBody,
        async handler(ctx: Context<Static<typeof RegisterCustomerBody>>) {
          const user = caller(ctx);
          const { birthDate } = ctx.params;
          if (!isCalendarDate(birthDate) || birthDate > todayIn(kit.clock.now()) || birthDate < "1900-01-01") {
            throw invalidValue("InvalidBirthDate", "birthDate must be a real date between 1900-01-01 and today", [
              { path: "/birthDate", message: "must be a real date between 1900-01-01 and today" },
            ]);
          }
          const customerId = customerIdOf(user.id);
          const { state } = await customers.execute(
            customerId,
            {
              type: "Register",
              customerId,
              registrationId: creationId(ctx, "customer"),
              userId: user.id,
              ...ctx.params,
            },
            { correlationId: customerId, causationId: user.id, deadline: deadlineOf(ctx) },
          );
          return customerView(state);
        },
      },

      me: {
        async handler(ctx: Context) {
          const user = caller(ctx);
          const customer = await customers.getLatest(customerIdOf(user.id));
          if (!customer) throw notFound("customer record of this user");
          return customerView(customer);
        },
      },

      ...ownedReadActions({
        name: "customer",
        load: (id) => customers.getLatest(id),
        page: (q) => customers.page(q),
        ownerOf: (c) => c.userId,
        ownerIndex: "userId",
        staff: ["manager"],
        present: customerView,
        getParams: ByIdParams,
        listQuery: CustomerListQuery,
      }),
    },
  };
}
