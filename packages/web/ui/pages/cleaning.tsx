// cleaning: a customer reserves (and pays), a cleaner records the cleaning and
// then reviews the customer; `dashBoardViews` shows each request's progress.
// Each row offers only what its status allows and shows its steps as a
// timeline: the row's history, every step with its time.
import { type Lang, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, RowForm, short, time, ViewHeader, won } from "../forms.js";
import { useLive } from "../live.js";
import { chronological, newestFirst, Timeline } from "../timeline.js";

interface DashBoardView {
  requestId: string;
  requestDate: string;
  place: string;
  price: number;
  customerName: string;
  status: string;
  statusLabel: string;
  history: Array<{ status: string; at: string }>;
  cleanDate?: string;
  content?: string;
  score?: number;
  updatedAt: string;
}

/** A paid reservation can be canceled or cleaned; a finished cleaning reviewed. */
const CAN_CANCEL = new Set(["ReservationApplied", "PaymentApproved"]);

/** Today as the API's dates are written: YYYYMMDD. */
const today = () => new Date().toISOString().slice(0, 10).replaceAll("-", "");

export function CleaningPage({ user, lang }: { user: User; lang: Lang }) {
  const isCustomer = user.roles.includes("customer");
  const isCleaner = user.roles.includes("cleaner");
  const allowed = isCustomer || isCleaner || user.roles.includes("admin");
  const view = useLive<DashBoardView>("/cleaning/dashBoardViews", lang, allowed);
  if (!allowed) return <p class="note">Cleaning is for customers, cleaners and admins.</p>;
  return (
    <section>
      {isCustomer ? (
        <div class="forms">
          <ActionForm
            title="Reserve a cleaning"
            testId="cleaning-reserve"
            submit="Reserve"
            fields={[
              { name: "requestDate", label: "Date (YYYYMMDD)", initial: today() },
              { name: "place", label: "Place" },
              { name: "price", label: "Price (₩)", kind: "integer", initial: "50000" },
              { name: "customerName", label: "Your name", initial: user.username },
            ]}
            run={(body) => post("/cleaning/cleaningReservations", body)}
            done={() => "Reserved and paid"}
          />
        </div>
      ) : null}
      <ViewHeader title="Cleanings" view="dashBoardViews" state={view.state} page={view.list} problem={view.problem} />
      <div class="cards">
        {newestFirst(view.list.items, (r) => r.requestId).map((r) => (
          <Card
            key={r.requestId}
            rowKey={r.requestId}
            title={r.place}
            status={r.status}
            statusLabel={r.statusLabel}
            facts={[
              ["Request", short(r.requestId)],
              ["Date", r.requestDate],
              ["Customer", r.customerName],
              ["Price", won(r.price)],
              ["Cleaned", r.cleanDate],
              ["Review", r.content ? `${"★".repeat(r.score ?? 0)} ${r.content}` : undefined],
              ["Updated", time(r.updatedAt)],
            ]}
            timeline={<Timeline system="cleaning" steps={chronological(r.history)} current={r.status} lang={lang} />}
          >
            {isCustomer ? (
              <RowAction
                label="Cancel"
                when={CAN_CANCEL.has(r.status)}
                kind="danger"
                run={() => post(`/cleaning/cleaningReservations/${r.requestId}/cancel`)}
              />
            ) : null}
            {isCleaner ? (
              <RowAction
                label="Clean"
                when={r.status === "PaymentApproved"}
                run={() => post("/cleaning/cleans", { requestId: r.requestId, cleanDate: today() })}
              />
            ) : null}
            {isCleaner ? (
              <RowForm
                label="Review"
                when={r.status === "CleaningFinished"}
                testId={`review-${r.requestId}`}
                fields={[
                  { name: "content", label: "Review" },
                  { name: "score", label: "Score (1–5)", kind: "integer", initial: "5" },
                ]}
                run={(body) => post("/cleaning/reviews", { requestId: r.requestId, ...body })}
              />
            ) : null}
          </Card>
        ))}
      </div>
    </section>
  );
}
