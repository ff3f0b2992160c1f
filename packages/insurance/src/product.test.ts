// Product: registered once under its code, changed field by field, never into inconsistent terms.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type ProductCommand, productDecider, productView } from "./product.js";
import { InsuranceEventSchemas } from "./schemas.js";
import { productFields as fields, id } from "./test-fixtures.js";

const { given, history } = deciderSpec(productDecider, InsuranceEventSchemas);
const register: ProductCommand = { type: "Register", registrationId: id(1), code: "CANCER-01", fields };
const registered = history(register);

describe("Product", () => {
  it("registers under its code", () => {
    const state = given([])
      .when(register)
      .then([{ type: "ProductRegistered", data: { code: "CANCER-01", registrationId: id(1), ...fields } }]);
    expect(productView(state)).toEqual({
      code: "CANCER-01",
      ...fields,
      createdAt: state.createdAt,
      updatedAt: state.updatedAt,
    });
    expect(productView(state)).not.toHaveProperty("registrationId");
  });

  it("the same registration again changes nothing; another one with the code is 409 ProductCodeTaken", () => {
    given(registered).when(register).thenNothing();
    given(registered)
      .when({ ...register, registrationId: id(2) })
      .thenRefuses(409, "ProductCodeTaken");
  });

  it("a change records only what differs, and keeps the code", () => {
    const state = given(registered)
      .when({ type: "Change", changes: { ratePerMille: 0.35, name: fields.name } })
      .then([{ type: "ProductChanged", data: { code: "CANCER-01", ratePerMille: 0.35 } }]);
    expect(state).toMatchObject({ code: "CANCER-01", ratePerMille: 0.35, maxAge: 60 });
    given(registered)
      .when({ type: "Change", changes: { maxAge: 60 } })
      .thenNothing();
  });

  it("a change that leaves the terms inconsistent is refused; an unknown product is 404", () => {
    given(registered)
      .when({ type: "Change", changes: { minAge: 61 } })
      .thenRefuses(409, "InconsistentTerms");
    given([])
      .when({ type: "Change", changes: { maxAge: 1 } })
      .thenRefuses(404, "NotFound");
  });
});
