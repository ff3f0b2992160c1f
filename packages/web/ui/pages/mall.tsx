// mall: order → deposit check → stock → delivery → receipt, followed on the
// `orderStatuses` view. Sellers register products and confirm deposits;
// customers order, cancel and confirm receipt.
import { get, type Lang, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, short, time, ViewHeader, won } from "../forms.js";
import { useLive } from "../live.js";

interface Product {
  id: string;
  name: string;
  price: number;
  qty: number;
}
interface OrderStatus {
  orderId: string;
  productName: string;
  qty: number;
  price: number;
  address: string;
  status: string;
  statusLabel: string;
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

export function MallPage({ user, lang }: { user: User; lang: Lang }) {
  const view = useLive<OrderStatus>("/mall/orderStatuses", lang);
  const products = useLive<Product>("/mall/products", lang);
  const isSeller = user.roles.includes("seller") || user.roles.includes("admin");
  const isCustomer = user.roles.includes("customer");
  return (
    <section>
      <div class="forms">
        {isSeller ? (
          <ActionForm
            title="Register a product"
            testId="mall-product"
            submit="Register"
            fields={[
              { name: "name", label: "Name" },
              { name: "price", label: "Price (₩)", kind: "integer" },
              { name: "qty", label: "Stock", kind: "integer" },
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
                options: products.list.items.map((p) => ({
                  value: p.id,
                  label: `${p.name} — ${won(p.price)} (${p.qty} left)`,
                })),
              },
              { name: "qty", label: "Quantity", kind: "integer", initial: "1" },
              { name: "address", label: "Address" },
            ]}
            // the price shown in the list goes along: the order is refused (409) if it is no longer so
            run={(body) => post("/mall/orders", { ...body, price: priceOf(products.list.items, body.productId) })}
            done={() => "Ordered"}
          />
        ) : null}
      </div>
      <ViewHeader
        title="Orders"
        view="orderStatuses"
        state={view.state}
        total={view.list.total}
        problem={view.problem}
      />
      <div class="cards">
        {view.list.items.map((o) => (
          <Card
            key={o.orderId}
            rowKey={o.orderId}
            title={o.productName}
            status={o.status}
            statusLabel={o.statusLabel}
            facts={[
              ["Order", short(o.orderId)],
              ["Quantity", o.qty],
              ["Price", won(o.price)],
              ["Address", o.address],
              ["Updated", time(o.updatedAt)],
            ]}
          >
            {user.roles.includes("seller") ? (
              <RowAction label="Check deposit" run={() => checkDeposit(o.orderId)} />
            ) : null}
            {isCustomer ? <RowAction label="Receive" run={() => post(`/mall/orders/${o.orderId}/receive`)} /> : null}
            {isCustomer ? (
              <RowAction label="Cancel" kind="danger" run={() => post(`/mall/orders/${o.orderId}/cancel`)} />
            ) : null}
          </Card>
        ))}
      </div>
    </section>
  );
}
