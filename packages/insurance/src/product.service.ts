// insurance.product — owns Product and ProductDocument.
// Offers: register, change (managers), get, list; quote (for insurance.plan:
//   underwriting and premium); getDocument, listDocuments.
// Reacts to: nothing as a policy; its ticker issues every requested document
//   once INSURANCE_DOCUMENT_DELAY_MS has passed since the request (the delay
//   simulates the slow part; the plan request never waits for it).
// Calls: nothing.

import {
  caller,
  creationId,
  endpoint,
  invalidValue,
  ListQuery,
  notFound,
  ownedReadActions,
  PageOf,
  pageOf,
  type Runtime,
  rowQuery,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { planNoOf } from "./ids.js";
import { inconsistencies, type ProductFields, productDecider, productView } from "./product.js";
import { type DocumentRequested, documentView, productDocumentDecider } from "./product-document.js";
import {
  ByCodeParams,
  ByIdParams,
  ChangeProductBody,
  ChangeProductParams,
  Id,
  type InsuranceEvent,
  InsuranceEvents,
  ProductCode,
  ProductDocument as ProductDocumentResource,
  Product as ProductResource,
  QuoteParams,
  RegisterProductBody,
} from "./schemas.js";
import { settings } from "./settings.js";
import { ageOn, isCalendarDate, quote, RATE_DECIMALS, rateFraction, todayIn } from "./underwriting.js";

const ProductListQuery = ListQuery({});
const DocumentListQuery = ListQuery({ planNo: T.Optional(Id) });

/** 422 for terms that do not fit together or a rate the premium cannot be computed exactly with. */
function checkTerms(p: Partial<ProductFields>, whole?: ProductFields): void {
  const details = [];
  if (p.ratePerMille !== undefined && !rateFraction(p.ratePerMille))
    details.push({ path: "/ratePerMille", message: `must have at most ${RATE_DECIMALS} decimals` });
  if (whole) details.push(...inconsistencies(whole));
  if (details.length > 0)
    throw invalidValue("InvalidTerms", details.map((d) => `${d.path.slice(1)} ${d.message}`).join("; "), details);
}

export function productService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "insurance.product", { events: InsuranceEvents });
  const products = kit.aggregate(productDecider);
  const documents = kit.aggregate(productDocumentDecider, { indexes: ["userId", "planNo"] });
  // Documents asked for and not yet issued, with what they will state.
  const requests = kit.view<{ request: DocumentRequested; requestedAt: string; issued: boolean }, InsuranceEvent>({
    name: "documentRequests",
    key: planNoOf,
    on: {
      DocumentRequested: (row, e) => row ?? { request: e.data, requestedAt: e.occurredAt, issued: false },
      DocumentIssued: (row) => row && { ...row, issued: true },
    },
    indexes: ["issued"],
  });

  const delay = settings.of(rt.config).INSURANCE_DOCUMENT_DELAY_MS;
  kit.every("issue documents", Math.min(500, Math.max(50, Math.floor(delay / 4))), async (now) => {
    // Only requests not issued yet can be due: the index walks those, a page at a time.
    const due = [];
    for await (const r of requests.rows({ issued: false })) if (Date.parse(r.requestedAt) + delay <= now) due.push(r);
    // Every replica ticks: the document's id is the plan's, and issuing is "only if absent".
    const results = await Promise.allSettled(
      due.map(({ request, requestedAt }) =>
        documents.execute(
          request.documentId,
          { type: "Issue", request },
          {
            correlationId: request.planNo,
            idSeed: `issue:${request.planNo}`,
            idTime: Date.parse(requestedAt),
            now: new Date(now).toISOString(),
          },
        ),
      ),
    );
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length > 0) throw new Error(`${failed.length} of ${due.length} documents not issued yet`);
  });

  const documentReads = ownedReadActions({
    name: "document",
    load: (id) => documents.getLatest(id),
    page: (q) => documents.page(q),
    ownerOf: (d) => d.userId,
    ownerIndex: "userId",
    staff: ["manager"],
    present: documentView,
    getParams: ByIdParams,
    listQuery: DocumentListQuery,
    filters: ["planNo"],
    http: {
      get: {
        method: "GET",
        path: "/insurance/productDocuments/:id",
        roles: "any",
        summary: "One product document (owner or manager)",
        response: ProductDocumentResource,
        errors: [403, 404],
        reasons: { 403: ["NotOwner"] },
      },
      list: {
        method: "GET",
        path: "/insurance/productDocuments",
        roles: "any",
        summary: "List issued product documents (?planNo=; a customer sees their own)",
        response: PageOf(ProductDocumentResource),
      },
    },
  });

  return {
    name: "insurance.product",
    mixins: [kit.mixin()],
    actions: {
      register: endpoint({
        http: {
          method: "POST",
          path: "/insurance/products",
          roles: ["manager"],
          summary: "Register a product (its code is its key); 409 when the code is taken",
          input: "body",
          status: 201,
          response: ProductResource,
          errors: [409],
          reasons: { 409: ["ProductCodeTaken"], 422: ["InvalidTerms"] },
          // A product is named by its code: Location is built from `code` instead of `id`.
          locationKey: "code",
          example: {
            code: "CANCER-01",
            name: "EZ 암보험",
            minAge: 20,
            maxAge: 60,
            minEntryAmount: 10_000_000,
            maxEntryAmount: 100_000_000,
            ratePerMille: 0.3,
            insurancePeriods: [10, 20],
            paymentPeriods: [5, 10, 20],
          },
        },
        params: RegisterProductBody,
        async handler(ctx: Context<Static<typeof RegisterProductBody>>) {
          const user = caller(ctx);
          const { code, ...fields } = ctx.params;
          checkTerms(fields, fields);
          const { state } = await products.execute(
            code,
            { type: "Register", registrationId: creationId(ctx, "product"), code, fields },
            { causationId: user.id },
          );
          return productView(state);
        },
      }),

      /** Any subset of the terms; the code stays. Plans keep the premium they were quoted. */
      change: endpoint({
        http: {
          method: "PATCH",
          path: "/insurance/products/:code",
          roles: ["manager"],
          summary: "Change any of a product's terms except its code; existing plans keep their premium",
          body: ChangeProductBody,
          response: ProductResource,
          errors: [404, 409],
          example: { ratePerMille: 0.35, maxAge: 65 },
          reasons: { 409: ["InconsistentTerms"], 422: ["InvalidTerms"] },
          pathParams: { code: ProductCode },
        },
        params: ChangeProductParams,
        async handler(ctx: Context<Static<typeof ChangeProductParams>>) {
          const user = caller(ctx);
          const { code, ...changes } = ctx.params;
          const product = await products.getLatest(code);
          if (!product) throw notFound("product", code);
          checkTerms(changes, { ...product, ...changes });
          const { state } = await products.execute(code, { type: "Change", changes }, { causationId: user.id });
          return productView(state);
        },
      }),

      get: endpoint({
        http: {
          method: "GET",
          path: "/insurance/products/:code",
          roles: "any",
          summary: "One product",
          response: ProductResource,
          errors: [404],
          pathParams: { code: ProductCode },
        },
        params: ByCodeParams,
        async handler(ctx: Context<Static<typeof ByCodeParams>>) {
          const product = await products.getLatest(ctx.params.code);
          if (!product) throw notFound("product", ctx.params.code);
          return productView(product);
        },
      }),

      list: endpoint({
        http: {
          method: "GET",
          path: "/insurance/products",
          roles: "any",
          summary: "List products",
          input: "query",
          response: PageOf(ProductResource),
        },
        params: ProductListQuery,
        async handler(ctx: Context<Static<typeof ProductListQuery>>) {
          return pageOf(await products.page(rowQuery(ctx.params)), productView);
        },
      }),

      /**
       * Underwriting and premium for someone born on `birthDate`, aged as of
       * today in Seoul. 404 for an unknown product, 409 UnderwritingRejected
       * naming the rule, else the premium of one payment and the terms used.
       */
      quote: {
        visibility: "public",
        params: QuoteParams,
        async handler(ctx: Context<Static<typeof QuoteParams>>) {
          const { productCode, birthDate, ...input } = ctx.params;
          if (!isCalendarDate(birthDate))
            throw invalidValue("NotACalendarDate", "birthDate is not a day of the calendar", [
              { path: "/birthDate", message: "must be an existing day (YYYY-MM-DD)" },
            ]);
          const product = await products.getLatest(productCode);
          if (!product) throw notFound("product", productCode);
          const age = ageOn(birthDate, todayIn(kit.clock.now()));
          const priced = quote(product, input, age);
          const { minAge, maxAge, minEntryAmount, maxEntryAmount, ratePerMille } = product;
          return {
            productCode,
            productName: product.name,
            ...priced,
            terms: { minAge, maxAge, minEntryAmount, maxEntryAmount, ratePerMille },
          };
        },
      },

      getDocument: documentReads.get,
      listDocuments: documentReads.list,
    },
  };
}
