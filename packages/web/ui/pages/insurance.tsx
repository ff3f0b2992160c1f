// insurance: a manager registers products; a customer registers once, saves a
// quoted plan, re-quotes it, asks for its document, proposes with an account
// (the first premium is paid) and may withdraw. `mypages` shows the progress:
// each row offers only what its progress allows, shows its steps as a
// timeline and, once issued, opens its product document.
import { useEffect, useState } from "preact/hooks";
import { ApiProblem, get, type Lang, patch, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, RowForm, short, time, ViewHeader, won } from "../forms.js";
import { useLive } from "../live.js";
import { chronological, newestFirst, Timeline } from "../timeline.js";

interface MyPage {
  planNo: string;
  customerName: string;
  productCode: string;
  productName: string;
  premium: number;
  progressStatus: string;
  statusLabel: string;
  history: Array<{ status: string; at: string }>;
  documentId?: string;
  documentIssuedAt?: string;
  proposalNo?: string;
  paymentStatus?: string;
  createdAt: string;
  updatedAt: string;
}
interface ProductDocument {
  id: string;
  issuedAt: string;
  text: string;
}

/** An issued product document, read on demand and shown in the card. */
function DocumentReader({ documentId }: { documentId: string }) {
  const [doc, setDoc] = useState<ProductDocument>();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string>();
  const toggle = async () => {
    if (open) return setOpen(false);
    setProblem(undefined);
    try {
      setDoc(doc ?? (await get<ProductDocument>(`/insurance/productDocuments/${documentId}`)));
      setOpen(true);
    } catch (err) {
      setProblem(err instanceof ApiProblem ? err.plain : String(err));
    }
  };
  return (
    <div class="document-reader">
      <button type="button" class="secondary" aria-expanded={open} onClick={toggle}>
        {open ? "Close document" : "Read document"}
      </button>
      {problem ? (
        <span class="error" role="alert">
          {problem}
        </span>
      ) : null}
      {open && doc ? (
        <section class="document" aria-label="Product document" data-testid={`document-${documentId}`}>
          <p class="note">Issued {time(doc.issuedAt)}</p>
          <pre>{doc.text}</pre>
        </section>
      ) : null}
    </div>
  );
}
interface Product {
  code: string;
  name: string;
}
interface Customer {
  id: string;
  name: string;
}

const CYCLES = [
  { value: "monthly", label: "monthly" },
  { value: "quarterly", label: "quarterly" },
  { value: "yearly", label: "yearly" },
];

/** The caller's customer record; undefined until registered. (The list, not /me: no 404 to log in the console.) */
function useCustomer(enabled: boolean): [Customer | undefined | null, (c: Customer) => void] {
  const [customer, setCustomer] = useState<Customer | undefined | null>(null);
  useEffect(() => {
    if (!enabled) return;
    get<{ items: Customer[] }>("/insurance/customers")
      .then((list) => setCustomer(list.items[0]))
      .catch(() => setCustomer(null));
  }, [enabled]);
  return [customer, setCustomer];
}

export function InsurancePage({ user, lang }: { user: User; lang: Lang }) {
  const isManager = user.roles.includes("manager");
  const isCustomer = user.roles.includes("customer");
  const view = useLive<MyPage>("/insurance/mypages", lang);
  const products = useLive<Product>("/insurance/products", lang);
  const [customer, setCustomer] = useCustomer(isCustomer);
  return (
    <section>
      <div class="forms">
        {isManager ? (
          <ActionForm
            title="Register a product"
            testId="insurance-product"
            submit="Register product"
            fields={[
              { name: "code", label: "Code", placeholder: "CANCER-01" },
              { name: "name", label: "Name" },
              { name: "minAge", label: "Min age", kind: "integer", initial: "20" },
              { name: "maxAge", label: "Max age", kind: "integer", initial: "60" },
              { name: "minEntryAmount", label: "Min entry amount", kind: "integer", initial: "10000000" },
              { name: "maxEntryAmount", label: "Max entry amount", kind: "integer", initial: "100000000" },
              { name: "ratePerMille", label: "Rate (‰)", kind: "number", initial: "0.3" },
              { name: "insurancePeriods", label: "Insurance periods (years)", kind: "integers", initial: "10, 20" },
              { name: "paymentPeriods", label: "Payment periods (years)", kind: "integers", initial: "5, 10, 20" },
            ]}
            run={(body) => post("/insurance/products", body)}
            done={(p) => `Registered ${(p as Product).code}`}
          />
        ) : null}
        {isCustomer && customer === undefined ? (
          <ActionForm
            title="Register as a customer"
            testId="insurance-customer"
            submit="Register"
            fields={[
              { name: "name", label: "Name" },
              { name: "birthDate", label: "Birth date (YYYY-MM-DD)", placeholder: "1985-03-15" },
              { name: "phone", label: "Phone", placeholder: "010-1234-5678" },
              { name: "email", label: "E-mail", optional: true },
            ]}
            run={async (body) => {
              const c = await post<Customer>("/insurance/customers", body);
              setCustomer(c);
              return c;
            }}
          />
        ) : null}
        {isCustomer && customer ? (
          <ActionForm
            key={products.list.items.map((p) => p.code).join()}
            title={`Plan a subscription (${customer.name})`}
            testId="insurance-plan"
            submit="Get a quote"
            fields={[
              {
                name: "productCode",
                label: "Product",
                kind: "select",
                options: products.list.items.map((p) => ({ value: p.code, label: `${p.name} (${p.code})` })),
              },
              { name: "entryAmount", label: "Entry amount (₩)", kind: "integer", initial: "10000000" },
              { name: "insurancePeriod", label: "Insurance period (years)", kind: "integer", initial: "20" },
              { name: "paymentPeriod", label: "Payment period (years)", kind: "integer", initial: "10" },
              { name: "paymentCycle", label: "Payment cycle", kind: "select", options: CYCLES },
            ]}
            run={(body) => post("/insurance/plans", body)}
            done={(p) => `Quoted: ${won((p as { premium: number }).premium)}`}
          />
        ) : null}
      </div>
      <ViewHeader title="My page" view="mypages" state={view.state} page={view.list} problem={view.problem} />
      <div class="cards">
        {newestFirst(view.list.items, (m) => m.planNo).map((m) => (
          <Card
            key={m.planNo}
            rowKey={m.planNo}
            title={m.productName}
            status={m.progressStatus}
            statusLabel={m.statusLabel}
            facts={[
              ["Plan", short(m.planNo)],
              ["Customer", m.customerName],
              ["Premium", won(m.premium)],
              ["Proposal", short(m.proposalNo)],
              ["Payment", m.paymentStatus],
              ["Updated", time(m.updatedAt)],
            ]}
            timeline={
              <Timeline system="insurance" steps={chronological(m.history)} current={m.progressStatus} lang={lang} />
            }
          >
            {m.documentId ? <DocumentReader documentId={m.documentId} /> : null}
            {isCustomer ? (
              <RowForm
                label="Re-quote"
                when={!m.documentId && m.progressStatus === "PlanSaved"}
                testId={`requote-${m.planNo}`}
                fields={[{ name: "paymentCycle", label: "Payment cycle", kind: "select", options: CYCLES }]}
                run={(body) => patch(`/insurance/plans/${m.planNo}`, body)}
              />
            ) : null}
            {isCustomer ? (
              <RowAction
                label="Request document"
                when={m.progressStatus === "PlanSaved"}
                run={() => post(`/insurance/plans/${m.planNo}/document`)}
              />
            ) : null}
            {isCustomer ? (
              <RowForm
                label="Propose"
                when={!m.proposalNo && m.progressStatus === "DocumentIssued"}
                testId={`propose-${m.planNo}`}
                fields={[
                  { name: "account.bankCode", label: "Bank code", initial: "004" },
                  { name: "account.accountNo", label: "Account number" },
                  { name: "account.holderName", label: "Holder", initial: m.customerName },
                ]}
                run={(body) => post("/insurance/proposals", { planNo: m.planNo, ...body })}
              />
            ) : null}
            {isCustomer && m.proposalNo ? (
              <RowAction
                label="Withdraw"
                kind="danger"
                when={m.progressStatus === "ProposalContracted"}
                run={() => post(`/insurance/proposals/${m.proposalNo}/withdraw`)}
              />
            ) : null}
          </Card>
        ))}
      </div>
    </section>
  );
}
