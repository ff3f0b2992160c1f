// The mall's HTTP resources (spec/mall.md), served by the gateway under /mall.
import { PageOf, type RouteSpec } from "@seed/platform";
import { DeliveryListQuery } from "./delivery.service.js";
import { OrderListQuery } from "./order.service.js";
import { OrderStatusListQuery } from "./order-status.service.js";
import { PayListQuery } from "./pay.service.js";
import { ProductListQuery } from "./product.service.js";
import { Delivery, Order, OrderStatusRow, Pay, PlaceOrderBody, Product, RegisterProductBody } from "./schemas.js";

const tag = "mall";

export const routes: RouteSpec[] = [
  {
    method: "POST", path: "/mall/products", action: "mall.product.register", roles: ["seller", "admin"], tag,
    summary: "Register a product with its stock", body: RegisterProductBody, status: 201, response: Product,
    example: { name: "Keyboard", price: 30000, qty: 10 },
  },
  { method: "GET", path: "/mall/products", action: "mall.product.list", roles: "any", tag, summary: "List products", query: ProductListQuery, response: PageOf(Product) },
  { method: "GET", path: "/mall/products/:id", action: "mall.product.get", roles: "any", tag, summary: "One product with its current stock", response: Product, errors: [404] },
  {
    method: "POST", path: "/mall/orders", action: "mall.order.place", roles: ["customer"], tag,
    summary: "Place an order (payable at once by bank transfer)", body: PlaceOrderBody, status: 201, response: Order, errors: [404, 503],
    example: { productId: "01JD0000000000000000000000", qty: 1, address: "Seoul" },
  },
  { method: "GET", path: "/mall/orders", action: "mall.order.list", roles: ["customer", "seller", "admin"], tag, summary: "List orders (a customer sees their own)", query: OrderListQuery, response: PageOf(Order) },
  { method: "GET", path: "/mall/orders/:id", action: "mall.order.get", roles: ["customer", "seller", "admin"], tag, summary: "One order", response: Order, errors: [404] },
  {
    method: "POST", path: "/mall/orders/:id/cancel", action: "mall.order.cancel", roles: "any", tag,
    summary: "Cancel an order; 409 once the deposit was checked", response: Order, errors: [404, 409, 503],
  },
  {
    method: "POST", path: "/mall/orders/:id/receive", action: "mall.order.receive", roles: "any", tag,
    summary: "Confirm receipt; 409 unless the delivery has started", response: Order, errors: [404, 409],
  },
  { method: "GET", path: "/mall/pays", action: "mall.pay.list", roles: "any", tag, summary: "List pays (?orderId=)", query: PayListQuery, response: PageOf(Pay) },
  { method: "GET", path: "/mall/pays/:id", action: "mall.pay.get", roles: "any", tag, summary: "One pay", response: Pay, errors: [404] },
  {
    method: "POST", path: "/mall/pays/:id/check", action: "mall.pay.check", roles: ["seller"], tag,
    summary: "Confirm the deposit: takes stock; 409 OutOfStock compensates; 503 when product is unavailable", response: Pay, errors: [404, 409, 503],
  },
  { method: "GET", path: "/mall/deliveries", action: "mall.delivery.list", roles: "any", tag, summary: "List deliveries (?orderId=)", query: DeliveryListQuery, response: PageOf(Delivery) },
  { method: "GET", path: "/mall/deliveries/:id", action: "mall.delivery.get", roles: "any", tag, summary: "One delivery", response: Delivery, errors: [404] },
  {
    method: "GET", path: "/mall/orderStatuses", action: "mall.orderStatus.list", roles: "any", tag,
    summary: "The orderStatuses view (eventually consistent)", query: OrderStatusListQuery, response: PageOf(OrderStatusRow),
  },
  {
    method: "GET", path: "/mall/orderStatuses/:orderId", action: "mall.orderStatus.get", roles: "any", tag,
    summary: "One order's status row with its history", response: OrderStatusRow, errors: [404],
  },
];
