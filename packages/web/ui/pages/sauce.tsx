// sauce: a branch orders sauce (paid at once), the admin completes the
// delivery; `orderDashboards` shows order, payment and delivery on one row.
// Each row offers only what its status allows and shows its saga as a
// timeline: the row's history, every step with its time.
import { get, type Lang, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, short, time, ViewHeader, won } from "../forms.js";
import { useLive } from "../live.js";
import { chronological, newestFirst, Timeline } from "../timeline.js";

interface Dashboard {
  orderId: string;
  branchId: string;
  sauceId: string;
  qty: number;
  price: number;
  orderStatus: string;
  paymentStatus: string | null;
  deliveryStatus: string | null;
  status: string;
  statusLabel: string;
  history: Array<{ status: string; at: string }>;
  createdAt: string;
  updatedAt: string;
}

/** A paid order can be canceled until it is delivered; a started delivery can be completed. */
const CAN_CANCEL = new Set(["Paid", "Approved", "Started"]);

async function completeDelivery(orderId: string): Promise<unknown> {
  const list = await get<{ items: Array<{ id: string }> }>(`/sauce/deliveries?orderId=${encodeURIComponent(orderId)}`);
  const delivery = list.items[0];
  if (!delivery) throw new Error("the delivery has not started yet");
  return post(`/sauce/deliveries/${delivery.id}/complete`);
}

export function SaucePage({ user, lang }: { user: User; lang: Lang }) {
  const isCustomer = user.roles.includes("customer");
  const isAdmin = user.roles.includes("admin");
  const view = useLive<Dashboard>("/sauce/orderDashboards", lang, isCustomer || isAdmin);
  if (!isCustomer && !isAdmin) return <p class="note">Sauce orders are for customers and admins.</p>;
  return (
    <section>
      {isCustomer ? (
        <div class="forms">
          <ActionForm
            title="Order sauce"
            testId="sauce-order"
            submit="Order"
            fields={[
              { name: "branchId", label: "Branch", initial: "gangnam-1" },
              { name: "sauceId", label: "Sauce", initial: "soy-garlic" },
              { name: "qty", label: "Quantity", kind: "integer", initial: "10" },
              { name: "price", label: "Unit price (₩)", kind: "integer", initial: "3500" },
            ]}
            run={(body) => post("/sauce/orders", body)}
            done={() => "Ordered and paid"}
          />
        </div>
      ) : null}
      <ViewHeader
        title="Sauce orders"
        view="orderDashboards"
        state={view.state}
        page={view.list}
        problem={view.problem}
      />
      <div class="cards">
        {newestFirst(view.list.items, (o) => o.orderId).map((o) => (
          <Card
            key={o.orderId}
            rowKey={o.orderId}
            title={`${o.sauceId} × ${o.qty}`}
            status={o.status}
            statusLabel={o.statusLabel}
            facts={[
              ["Order", short(o.orderId)],
              ["Branch", o.branchId],
              ["Amount", won(o.qty * o.price)],
              ["Order status", o.orderStatus],
              ["Payment", o.paymentStatus ?? "—"],
              ["Delivery", o.deliveryStatus ?? "—"],
              ["Updated", time(o.updatedAt)],
            ]}
            timeline={<Timeline system="sauce" steps={chronological(o.history)} current={o.status} lang={lang} />}
          >
            {isCustomer ? (
              <RowAction
                label="Cancel"
                kind="danger"
                when={CAN_CANCEL.has(o.status)}
                run={() => post(`/sauce/orders/${o.orderId}/cancel`)}
              />
            ) : null}
            {isAdmin ? (
              <RowAction
                label="Complete delivery"
                when={o.status === "Started"}
                run={() => completeDelivery(o.orderId)}
              />
            ) : null}
          </Card>
        ))}
      </div>
    </section>
  );
}
