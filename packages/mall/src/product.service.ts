// mall.product — owns Product and its stock.
// Offers: register, get, list; decreaseStock and restoreStock (for mall.pay;
//   each idempotent per order: stock is taken once, and given back once if the
//   order ends canceled after all).
// Reacts to: nothing. Calls: nothing.

import {
  caller,
  creationId,
  endpoint,
  ListQuery,
  notFound,
  PageOf,
  pageOf,
  type Runtime,
  rowQuery,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { type ProductCommand, productDecider, productView } from "./product.js";
import { ByIdParams, Id, MallEvents, Product as ProductResource, RegisterProductBody } from "./schemas.js";

const DecreaseStockParams = T.Object(
  { orderId: Id, productId: Id, qty: T.Integer({ minimum: 1, maximum: 1000 }) },
  { additionalProperties: false },
);
const RestoreStockParams = T.Object({ orderId: Id, productId: Id }, { additionalProperties: false });
const ProductListQuery = ListQuery({});

export function productService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "mall.product", { events: MallEvents });
  // The orders a product took stock for (and gave it back to) grow with its sales: each is a record
  // of its own beside the product's row, and a command loads only its own order's.
  const byOrder = (cmd: ProductCommand) => (cmd.type === "Register" ? [] : [cmd.orderId]);
  const products = kit.aggregate(productDecider, {
    // Stock taken or given back for an order belongs to that order's story.
    correlation: (id, command) => ("orderId" in command ? command.orderId : id),
    records: [
      { field: "decreasedFor", needs: byOrder },
      { field: "restoredFor", needs: byOrder },
    ],
  });

  return {
    name: "mall.product",
    mixins: [kit.mixin()],
    actions: {
      register: endpoint({
        http: {
          method: "POST",
          path: "/mall/products",
          roles: ["seller", "admin"],
          summary: "Register a product with its stock",
          input: "body",
          status: 201,
          response: ProductResource,
          example: { name: "Keyboard", price: 30000, qty: 10 },
        },
        params: RegisterProductBody,
        async handler(ctx: Context<Static<typeof RegisterProductBody>>) {
          const user = caller(ctx);
          const productId = creationId(ctx, "product");
          const { state } = await products.execute(
            productId,
            { type: "Register", productId, ...ctx.params },
            { causationId: user.id },
          );
          return productView(state);
        },
      }),

      get: endpoint({
        http: {
          method: "GET",
          path: "/mall/products/:id",
          roles: "any",
          summary: "One product with its current stock",
          response: ProductResource,
          errors: [404],
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          const product = await products.getLatest(ctx.params.id);
          if (!product) throw notFound("product", ctx.params.id);
          return productView(product);
        },
      }),

      list: endpoint({
        http: {
          method: "GET",
          path: "/mall/products",
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

      /** Takes the ordered quantity from stock once per order; 409 OutOfStock when short. */
      decreaseStock: {
        visibility: "public",
        params: DecreaseStockParams,
        async handler(ctx: Context<Static<typeof DecreaseStockParams>>) {
          const { orderId, productId, qty } = ctx.params;
          const { state } = await products.execute(
            productId,
            { type: "DecreaseStock", orderId, qty },
            { idSeed: `decrease:${orderId}` },
          );
          return { productId, remaining: state.qty };
        },
      },

      /** Gives back what an order took (nothing if it took nothing); once per order. */
      restoreStock: {
        visibility: "public",
        params: RestoreStockParams,
        async handler(ctx: Context<Static<typeof RestoreStockParams>>) {
          const { orderId, productId } = ctx.params;
          const { state } = await products.execute(
            productId,
            { type: "RestoreStock", orderId },
            { idSeed: `restore:${orderId}` },
          );
          return { productId, remaining: state.qty };
        },
      },
    },
  };
}
