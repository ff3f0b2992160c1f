// mall: order → deposit check → stock → delivery → receipt, followed on the
// `orderStatuses` view. Sellers register products, see their stock and
// confirm deposits; customers order, cancel and confirm receipt. Each row
// offers only what its status allows and shows its saga as a timeline.
import { get, type Lang, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, short, time, ViewHeader, won } from "../forms.js";
import { useLive } from "../live.js";
import { chronological, newestFirst, Timeline } from "../timeline.js";

interface Product {
  id: string;
  name: string;
  price: number;
  qty: number;
  createdAt?: string;
}
interface OrderStatus {
  orderId: string;
  productName: string;
  qty: number;
  price: number;
  address: string;
  status: string;
  statusLabel: string;
  history: Array<{ status: string; at: string }>;
  updatedAt: string;
}

/** The pay of an order: it appears by itself once the order is placed. */
async function checkDeposit(orderId: string): Promise<unknown> {
  const pays = await get<{ items: Array<{ id: string }> }>(`/mall/pays?orderId=${encodeURIComponent(orderId)}`);
  const pay = pays.items[0];
  if (!pay) throw new Error("no payment for this order yet");
  return post(`/mall/pays/${pay.id}/check`);
}

/** The price of a product as the list shows it. */
const priceOf = (products: Product[], id: unknown): number | undefined => products.find((p) => p.id === id)?.price;

/** What a row allows: a deposit is checked while it waits; an order is canceled before its deposit is checked, and received once on its way (once). */
const canCheck = (o: OrderStatus) => o.status === "PayPlaced";
const canCancel = (o: OrderStatus) => o.status === "OrderPlaced" || o.status === "PayPlaced";
const canReceive = (o: OrderStatus) =>
  (o.status === "DeliveryStarted" || o.status === "DeliveryCompleted") &&
  !o.history.some((h) => h.status === "OrderClosed");

export function MallPage({ user, lang }: { user: User; lang: Lang }) {
  const view = useLive<OrderStatus>("/mall/orderStatuses", lang);
  const products = useLive<Product>("/mall/products", lang);
  const isSeller = user.roles.includes("seller") || user.roles.includes("admin");
  const isCustomer = user.roles.includes("customer");
  // Staff may read any order's flow (GET /flows/<id>).
  const staff = user.roles.some((r) => r === "seller" || r === "admin" || r === "manager");
  return (
    <section>
      <div class="forms">
        {isSeller ? (
          <ActionForm
            title="Register a product"
            testId="mall-product"
            submit="Register"
            fields={[
              { name: "name", label: "Name", required: "Enter the product's name" },
              { name: "price", label: "Price (₩)", kind: "integer", required: "Enter a price in won" },
              { name: "qty", label: "Stock", kind: "integer", required: "Enter how many are in stock" },
            ]}
            run={(body) => post("/mall/products", body)}
            done={(p) => `Registered ${(p as Product).name}`}
          />
        ) : null}
        {isCustomer ? (
          <ActionForm
            key={products.list.items.map((p) => p.id).join()}
            title="Order"
            testId="mall-order"
            submit="Order"
            fields={[
              {
                name: "productId",
                label: "Product",
                kind: "select",
                options: newestFirst(products.list.items, (p) => p.id).map((p) => ({
                  value: p.id,
                  label: `${p.name} — ${won(p.price)} (${p.qty} left)`,
                })),
              },
              { name: "qty", label: "Quantity", kind: "integer", initial: "1", required: "Enter a quantity" },
              { name: "address", label: "Address", required: "Enter the delivery address" },
            ]}
            // the price shown in the list goes along: the order is refused (409) if it is no longer so
            run={(body) => post("/mall/orders", { ...body, price: priceOf(products.list.items, body.productId) })}
            done={() => "Ordered"}
          />
        ) : null}
      </div>
      {isSeller ? (
        <>
          <ViewHeader
            title="Products"
            view="products"
            state={products.state}
            page={products.list}
            problem={products.problem}
          />
          <table class="stock" data-testid="mall-stock">
            <thead>
              <tr>
                <th>Product</th>
                <th>Price</th>
                <th>Stock</th>
              </tr>
            </thead>
            <tbody>
              {newestFirst(products.list.items, (p) => p.id).map((p) => (
                <tr key={p.id} data-product={p.id} class={p.qty === 0 ? "sold-out" : ""}>
                  <td>{p.name}</td>
                  <td>{won(p.price)}</td>
                  <td>{p.qty === 0 ? "sold out" : p.qty}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <ViewHeader title="Orders" view="orderStatuses" state={view.state} page={view.list} problem={view.problem} />
      <div class="cards">
        {newestFirst(view.list.items, (o) => o.orderId).map((o) => (
          <Card
            key={o.orderId}
            rowKey={o.orderId}
            title={o.productName}
            status={o.status}
            statusLabel={o.statusLabel}
            facts={[
              [
                "Order",
                staff ? (
                  <a href={`#/flow/${o.orderId}`} title="Every step of this order across services">
                    {short(o.orderId)}
                  </a>
                ) : (
                  short(o.orderId)
                ),
              ],
              ["Quantity", o.qty],
              ["Price", won(o.price)],
              ["Address", o.address],
              ["Updated", time(o.updatedAt)],
            ]}
            timeline={<Timeline system="mall" steps={chronological(o.history)} current={o.status} lang={lang} />}
          >
            {user.roles.includes("seller") ? (
              <RowAction label="Check deposit" when={canCheck(o)} run={() => checkDeposit(o.orderId)} />
            ) : null}
            {isCustomer ? (
              <RowAction label="Receive" when={canReceive(o)} run={() => post(`/mall/orders/${o.orderId}/receive`)} />
            ) : null}
            {isCustomer ? (
              <RowAction
                label="Cancel"
                kind="danger"
                when={canCancel(o)}
                run={() => post(`/mall/orders/${o.orderId}/cancel`)}
              />
            ) : null}
          </Card>
        ))}
      </div>
    </section>
  );
}
