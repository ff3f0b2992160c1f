// insurance.customer — owns Customer (one per user).
// Offers: register, me (the caller's own record), get (owner or manager; also
//   what insurance.plan calls to learn a customer's name and birth date), list.
// Reacts to: nothing. Calls: nothing.

import {
  caller,
  creationId,
  endpoint,
  invalidValue,
  ListQuery,
  notFound,
  ownedReadActions,
  PageOf,
  type Role,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import type { Static } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { customerDecider, customerView } from "./customer.js";
import { customerIdOf } from "./ids.js";
import { ByIdParams, Customer as CustomerResource, InsuranceEvents, RegisterCustomerBody } from "./schemas.js";
import { isCalendarDate, todayIn } from "./underwriting.js";

const CustomerListQuery = ListQuery({});

/** Who sees every customer; a customer sees their own registration. */
const staff: Role[] = ["manager"];

export function customerService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.customer", { events: InsuranceEvents });
  const customers = kit.aggregate(customerDecider, { indexes: ["userId"] });

  return {
    name: "insurance.customer",
    mixins: [kit.mixin()],
    actions: {
      register: endpoint({
        http: {
          method: "POST",
          path: "/insurance/customers",
          roles: ["customer"],
          summary: "Register the caller as an insurance customer; 409 if they already are",
          input: "body",
          status: 201,
          response: CustomerResource,
          errors: [409],
          example: { name: "홍길동", birthDate: "1990-05-17", phone: "010-1234-5678", email: "hong@example.com" },
          reasons: { 409: ["CustomerExists"], 422: ["InvalidBirthDate"] },
        },
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
            { causationId: user.id },
          );
          return customerView(state);
        },
      }),

      me: endpoint({
        http: {
          method: "GET",
          path: "/insurance/customers/me",
          roles: ["customer"],
          summary: "The caller's own customer record; 404 if none",
          response: CustomerResource,
          errors: [404],
        },
        async handler(ctx: Context) {
          const user = caller(ctx);
          const customer = await customers.getLatest(customerIdOf(user.id));
          if (!customer) throw notFound("customer record of this user");
          return customerView(customer);
        },
      }),

      ...ownedReadActions({
        name: "customer",
        load: (id) => customers.getLatest(id),
        page: (q) => customers.page(q),
        ownerOf: (c) => c.userId,
        ownerIndex: "userId",
        staff,
        present: customerView,
        getParams: ByIdParams,
        listQuery: CustomerListQuery,
        http: {
          get: {
            method: "GET",
            path: "/insurance/customers/:id",
            roles: "any",
            summary: "One customer (owner or manager)",
            response: CustomerResource,
            errors: [403, 404],
            reasons: { 403: ["NotOwner"] },
          },
          list: {
            method: "GET",
            path: "/insurance/customers",
            roles: ["customer", ...staff],
            summary: "List customers (a customer sees their own record)",
            response: PageOf(CustomerResource),
          },
        },
      }),
    },
  };
}
