// The sauce's HTTP resources (spec/sauce.md), served by the gateway under /sauce.
import { PageOf, type RouteSpec } from "@seed/platform";
import { DeliveryListQuery } from "./delivery.service.js";
import { OrderListQuery } from "./order.service.js";
import { OrderDashboardListQuery } from "./order-dashboard.service.js";
import { PaymentListQuery } from "./payment.service.js";
import { Delivery, Order, OrderDashboardRow, Payment, PlaceOrderBody } from "./schemas.js";

const tag = "sauce";
/** Owners see their own, admins see every one. */
const ownerOrAdmin: RouteSpec["roles"] = ["customer", "admin"];

export const routes: RouteSpec[] = [
  {
    method: "POST",
    path: "/sauce/orders",
    action: "sauce.order.place",
    roles: ["customer"],
    tag,
    summary: "Order a sauce for a branch; paid at once (503 and nothing stored when payment is unavailable)",
    body: PlaceOrderBody,
    status: 201,
    response: Order,
    errors: [409, 503],
    example: { branchId: "gangnam-1", sauceId: "soy-garlic", qty: 20, price: 3500 },
  },
  {
    method: "GET",
    path: "/sauce/orders",
    action: "sauce.order.list",
    roles: ownerOrAdmin,
    tag,
    summary: "List orders (a customer sees their own; ?status=&branchId=&sauceId=)",
    query: OrderListQuery,
    response: PageOf(Order),
  },
  {
    method: "GET",
    path: "/sauce/orders/:id",
    action: "sauce.order.get",
    roles: ownerOrAdmin,
    tag,
    summary: "One order",
    response: Order,
    errors: [404],
  },
  {
    method: "POST",
    path: "/sauce/orders/:id/cancel",
    action: "sauce.order.cancel",
    roles: ["customer"],
    tag,
    summary: "Cancel an order (owner); the payment is refunded and the delivery canceled; 409 once delivered",
    response: Order,
    errors: [404, 409, 503],
  },
  {
    method: "GET",
    path: "/sauce/payments",
    action: "sauce.payment.list",
    roles: ownerOrAdmin,
    tag,
    summary: "List payments (?orderId=&status=)",
    query: PaymentListQuery,
    response: PageOf(Payment),
  },
  {
    method: "GET",
    path: "/sauce/payments/:id",
    action: "sauce.payment.get",
    roles: ownerOrAdmin,
    tag,
    summary: "One payment",
    response: Payment,
    errors: [404],
  },
  {
    method: "GET",
    path: "/sauce/deliveries",
    action: "sauce.delivery.list",
    roles: ownerOrAdmin,
    tag,
    summary: "List deliveries (?orderId=&status=)",
    query: DeliveryListQuery,
    response: PageOf(Delivery),
  },
  {
    method: "GET",
    path: "/sauce/deliveries/:id",
    action: "sauce.delivery.get",
    roles: ownerOrAdmin,
    tag,
    summary: "One delivery",
    response: Delivery,
    errors: [404],
  },
  {
    method: "POST",
    path: "/sauce/deliveries/:id/complete",
    action: "sauce.delivery.complete",
    roles: ["admin"],
    tag,
    summary: "Mark a delivery as delivered (admin); 409 when it or its order was canceled",
    response: Delivery,
    errors: [404, 409],
  },
  {
    method: "GET",
    path: "/sauce/orderDashboards",
    action: "sauce.orderDashboard.list",
    roles: ownerOrAdmin,
    tag,
    summary: "The orderDashboards view (eventually consistent; ?lang=en for English labels)",
    query: OrderDashboardListQuery,
    response: PageOf(OrderDashboardRow),
  },
  {
    method: "GET",
    path: "/sauce/orderDashboards/:orderId",
    action: "sauce.orderDashboard.get",
    roles: ownerOrAdmin,
    tag,
    summary: "One order's order, payment and delivery state",
    response: OrderDashboardRow,
    errors: [404],
  },
];
