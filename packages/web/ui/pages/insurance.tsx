// insurance: a manager registers products; a customer registers once, saves a
// quoted plan, re-quotes it, asks for its document, proposes with an account
// (the first premium is paid) and may withdraw. `mypages` shows the progress.
import { useEffect, useState } from "preact/hooks";
import { get, type Lang, patch, post, type User } from "../api.js";
import { ActionForm, Card, RowAction, RowForm, short, time, ViewHeader, won } from "../forms.js";
import { useLive } from "../live.js";

interface MyPage {
  planNo: string;
  customerName: string;
  productCode: string;
  productName: string;
  premium: number;
  progressStatus: string;
  statusLabel: string;
  documentId?: string;
  proposalNo?: string;
  paymentStatus?: string;
  updatedAt: string;
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
      <ViewHeader title="My page" view="mypages" state={view.state} total={view.list.total} problem={view.problem} />
      <div class="cards">
        {view.list.items.map((m) => (
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
          >
            {isCustomer && !m.documentId && m.progressStatus === "PlanSaved" ? (
              <RowForm
                label="Re-quote"
                testId={`requote-${m.planNo}`}
                fields={[{ name: "paymentCycle", label: "Payment cycle", kind: "select", options: CYCLES }]}
                run={(body) => patch(`/insurance/plans/${m.planNo}`, body)}
              />
            ) : null}
            {isCustomer && m.progressStatus === "PlanSaved" ? (
              <RowAction label="Request document" run={() => post(`/insurance/plans/${m.planNo}/document`)} />
            ) : null}
            {isCustomer && !m.proposalNo ? (
              <RowForm
                label="Propose"
                testId={`propose-${m.planNo}`}
                fields={[
                  { name: "account.bankCode", label: "Bank code", initial: "004" },
                  { name: "account.accountNo", label: "Account number" },
                  { name: "account.holderName", label: "Holder", initial: m.customerName },
                ]}
                run={(body) => post("/insurance/proposals", { planNo: m.planNo, ...body })}
              />
            ) : null}
            {isCustomer && m.proposalNo && m.progressStatus === "ProposalContracted" ? (
              <RowAction
                label="Withdraw"
                kind="danger"
                run={() => post(`/insurance/proposals/${m.proposalNo}/withdraw`)}
              />
            ) : null}
          </Card>
        ))}
      </div>
    </section>
  );
}
