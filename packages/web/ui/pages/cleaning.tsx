// cleaning: a customer reserves (and pays), a cleaner records the cleaning and
// then reviews the customer; `dashBoardViews` shows each request's progress.
// Each row offers only what its status allows and shows its steps as a
// timeline read from the row's facts.
import { get, type Lang, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, RowForm, short, time, ViewHeader, won } from "../forms.js";
import { useLive } from "../live.js";
import {
  idTime,
  newestFirst,
  type Step,
  type StepTimes,
  stepTimes,
  Timeline,
  useStepTimes,
  versionOf,
  withTimes,
} from "../timeline.js";

interface DashBoardView {
  requestId: string;
  requestDate: string;
  place: string;
  price: number;
  customerName: string;
  status: string;
  statusLabel: string;
  cleanDate?: string;
  content?: string;
  score?: number;
  updatedAt: string;
}

/** The steps a request went through: applied and paid at once, then cleaned, then reviewed, or canceled. */
function steps(r: DashBoardView, known: Record<string, string> = {}): Step[] {
  const all: Array<[string, boolean]> = [
    ["ReservationApplied", true],
    ["PaymentApproved", true],
    [
      "CleaningFinished",
      r.cleanDate !== undefined || r.status === "CleaningFinished" || r.status === "ReviewCompleted",
    ],
    ["ReviewCompleted", r.status === "ReviewCompleted"],
    ["ReservationCanceled", r.status === "ReservationCanceled"],
  ];
  const reached = all
    .filter(([, on]) => on)
    .map(([status]) => ({
      status,
      at: known[status] ?? (status === "ReservationApplied" ? idTime(r.requestId) : undefined),
    }));
  return withTimes(r.requestId, reached, r.status, r.updatedAt);
}

interface Part {
  requestId?: string;
  id: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}
const list = (path: string) => get<{ items: Part[] }>(`${path}?limit=500`).then((l) => l.items);

/**
 * When each step happened. Cleaners and admins read the messages to the
 * cleaning company, one per state change (named as the view's statuses); a
 * customer reads their reservations (applied, canceled) and the reviews.
 */
const readTimes = (staff: boolean) => async (): Promise<StepTimes> => {
  if (staff) {
    const messages = await list("/cleaning/messages");
    return stepTimes((at) => {
      for (const m of messages) at(m.requestId, m.status, m.createdAt);
    });
  }
  const [reservations, reviews] = await Promise.all([
    list("/cleaning/cleaningReservations"),
    list("/cleaning/reviews"),
  ]);
  return stepTimes((at) => {
    for (const r of reservations) {
      at(r.id, "ReservationApplied", r.createdAt);
      if (r.status === "ReservationCanceled") at(r.id, "ReservationCanceled", r.updatedAt);
    }
    for (const r of reviews) at(r.requestId, "ReviewCompleted", r.createdAt);
  });
};

/** A paid reservation can be canceled or cleaned; a finished cleaning reviewed. */
const CAN_CANCEL = new Set(["ReservationApplied", "PaymentApproved"]);

/** Today as the API's dates are written: YYYYMMDD. */
const today = () => new Date().toISOString().slice(0, 10).replaceAll("-", "");

export function CleaningPage({ user, lang }: { user: User; lang: Lang }) {
  const isCustomer = user.roles.includes("customer");
  const isCleaner = user.roles.includes("cleaner");
  const allowed = isCustomer || isCleaner || user.roles.includes("admin");
  const view = useLive<DashBoardView>("/cleaning/dashBoardViews", lang, allowed);
  const times = useStepTimes(
    versionOf(view.list.items, (r) => r.requestId),
    readTimes(isCleaner || user.roles.includes("admin")),
  );
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
      <ViewHeader
        title="Cleanings"
        view="dashBoardViews"
        state={view.state}
        total={view.list.total}
        problem={view.problem}
      />
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
            timeline={
              <Timeline system="cleaning" steps={steps(r, times.get(r.requestId))} current={r.status} lang={lang} />
            }
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
