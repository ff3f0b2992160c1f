// Customer: one per user; a retry of the same registration is harmless.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type CustomerCommand, customerDecider, customerView } from "./customer.js";
import { InsuranceEventSchemas } from "./schemas.js";
import { id } from "./test-fixtures.js";

const { given, history, at } = deciderSpec(customerDecider, InsuranceEventSchemas);
const register: CustomerCommand = {
  type: "Register",
  customerId: id(10),
  registrationId: id(11),
  userId: "user-1",
  name: "홍길동",
  birthDate: "1990-05-17",
  phone: "010-1234-5678",
};
const { type: _, ...registered } = register;

describe("Customer", () => {
  it("registers once per user; a retry of the same request is harmless; another is 409 CustomerExists", () => {
    const state = given([])
      .when(register)
      .then([{ type: "CustomerRegistered", data: registered }]);
    expect(customerView(state)).toEqual({
      id: id(10),
      userId: "user-1",
      name: "홍길동",
      birthDate: "1990-05-17",
      phone: "010-1234-5678",
      createdAt: at(0),
      updatedAt: at(0),
    });
    given(history(register)).when(register).thenNothing();
    given(history(register))
      .when({ ...register, registrationId: id(12) })
      .thenRefuses(409, "CustomerExists");
  });
});
