// ProductDocument: issued once per plan, stating what the plan was quoted under.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { documentIdOf } from "./ids.js";
import { type DocumentRequested, documentText, productDocumentDecider } from "./product-document.js";
import { InsuranceEventSchemas } from "./schemas.js";
import { PLAN, quoted } from "./test-fixtures.js";

const { given, history } = deciderSpec(productDocumentDecider, InsuranceEventSchemas);
const request: DocumentRequested = { planNo: PLAN, documentId: documentIdOf(PLAN), ...quoted };

describe("ProductDocument", () => {
  it("is issued once, stating product, periods, premium and underwriting terms", () => {
    const text = documentText(request);
    const state = given([])
      .when({ type: "Issue", request })
      .then([
        {
          type: "DocumentIssued",
          data: {
            planNo: PLAN,
            documentId: documentIdOf(PLAN),
            customerId: quoted.customerId,
            userId: quoted.userId,
            productCode: "CANCER-01",
            text,
          },
        },
      ]);
    expect(state).toMatchObject({ id: documentIdOf(PLAN), planNo: PLAN, productCode: "CANCER-01" });
    for (const part of [
      "EZ 암보험",
      "CANCER-01",
      "보험기간: 20년",
      "납입기간: 10년",
      "3,300원",
      "20~60세",
      "10,000,000원~100,000,000원",
      "0.3‰",
    ])
      expect(text).toContain(part);
    given(history({ type: "Issue", request }))
      .when({ type: "Issue", request })
      .thenNothing();
  });
});
