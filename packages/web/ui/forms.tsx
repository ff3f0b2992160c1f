// Building blocks of every page: a form whose fields show the API's 422
// details next to themselves, a button that runs one command and shows its
// refusal beside itself, and the card that shows one row of a view.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiProblem } from "./api.js";
import type { ListPage, LiveState } from "./live.js";

export interface FieldSpec {
  /** Body field; a dot names a nested one ("account.bankCode"). */
  name: string;
  label: string;
  kind?: "text" | "password" | "integer" | "number" | "integers" | "select";
  options?: Array<{ value: string; label: string }>;
  initial?: string;
  placeholder?: string;
  /** Left out of the body when empty (optional fields). */
  optional?: boolean;
  /** Said under the field when it is left empty; nothing is sent then. */
  required?: string;
  autoComplete?: string;
}

/** The value a field sends: numbers as numbers, "10, 20" as [10, 20]; anything unparsable as typed, for the API to refuse. */
function fieldValue(field: FieldSpec, raw: string): unknown {
  const text = raw.trim();
  if (field.kind === "integer" || field.kind === "number") {
    return text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  if (field.kind === "integers") {
    return text === "" ? [] : text.split(/[\s,]+/).map((t) => (Number.isFinite(Number(t)) ? Number(t) : t));
  }
  return raw;
}

function bodyOf(fields: FieldSpec[], values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name] ?? "";
    // An empty required field is left out too: the API names it as missing.
    if (raw.trim() === "" && f.kind !== "select") continue;
    const path = f.name.split(".");
    let target = body;
    for (const key of path.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[path[path.length - 1] as string] = fieldValue(f, raw);
  }
  return body;
}

/** "/account/bankCode" → "account.bankCode"; "/" → "" (the whole body). */
const fieldOfPath = (path: string) => path.replace(/^\//, "").replaceAll("/", ".");

function describe(err: unknown): ApiProblem {
  return err instanceof ApiProblem ? err : new ApiProblem(0, "Error", String((err as Error)?.message ?? err));
}

export function ActionForm(props: {
  title: string;
  fields: FieldSpec[];
  submit: string;
  run: (body: Record<string, unknown>) => Promise<unknown>;
  done?: (result: unknown) => string | undefined;
  compact?: boolean;
  testId?: string;
}) {
  const initial = Object.fromEntries(props.fields.map((f) => [f.name, f.initial ?? f.options?.[0]?.value ?? ""]));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [problem, setProblem] = useState<ApiProblem>();
  const [note, setNote] = useState<string>();
  const [busy, setBusy] = useState(false);
  // One message per problem: each detail under its field (once), the rest in
  // the line beside the button, which repeats none of them.
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const d of problem?.details ?? []) {
    const name = fieldOfPath(d.path);
    if (props.fields.some((f) => f.name === name)) {
      const seen = byField.get(name) ?? [];
      if (!seen.includes(d.message)) byField.set(name, [...seen, d.message]);
    } else {
      const text = name ? `${name}: ${d.message}` : d.message;
      if (!unplaced.includes(text)) unplaced.push(text);
    }
  }
  const summary = !problem
    ? undefined
    : problem.details.length === 0
      ? problem.plain
      : unplaced.length > 0
        ? unplaced.join("; ")
        : undefined;
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setNote(undefined);
    const missing = props.fields
      .filter((f) => f.required && (values[f.name] ?? "").trim() === "")
      .map((f) => ({ path: `/${f.name.replaceAll(".", "/")}`, message: f.required as string }));
    if (missing.length > 0) {
      setProblem(new ApiProblem(0, "Missing", "", missing));
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await props.run(bodyOf(props.fields, values));
      setNote(props.done?.(result) ?? "Done");
    } catch (err) {
      setProblem(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class={props.compact ? "form compact" : "form"} noValidate onSubmit={onSubmit} data-testid={props.testId}>
      {props.compact ? null : <h3>{props.title}</h3>}
      {props.fields.map((f) => {
        const id = `${props.testId ?? props.title}-${f.name}`.replace(/[^A-Za-z0-9_-]/g, "-");
        const errors = byField.get(f.name);
        const set = (v: string) => setValues({ ...values, [f.name]: v });
        return (
          <div class={errors ? "field invalid" : "field"} key={f.name}>
            <label for={id}>{f.label}</label>
            {f.kind === "select" ? (
              <select id={id} name={f.name} value={values[f.name]} onChange={(e) => set(e.currentTarget.value)}>
                {(f.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                name={f.name}
                type={f.kind === "password" ? "password" : "text"}
                autoComplete={f.autoComplete}
                value={values[f.name]}
                placeholder={f.placeholder}
                inputMode={f.kind === "integer" ? "numeric" : f.kind === "number" ? "decimal" : undefined}
                aria-invalid={errors ? "true" : undefined}
                aria-describedby={errors ? `${id}-error` : undefined}
                onInput={(e) => set(e.currentTarget.value)}
              />
            )}
            {errors ? (
              <p class="field-error" id={`${id}-error`} role="alert">
                {errors.join("; ")}
              </p>
            ) : null}
          </div>
        );
      })}
      <div class="submit">
        <button type="submit" disabled={busy}>
          {props.submit}
        </button>
        {summary ? (
          <p class="error" role="alert">
            {summary}
          </p>
        ) : note && !problem ? (
          <p class="note" role="status">
            {note}
          </p>
        ) : null}
      </div>
    </form>
  );
}

/**
 * One command on one row, offered only while the row's state allows it
 * (`when`). Its refusal stays next to it, in words, until the next try; a
 * refused button whose state then moved on stays, disabled, so the reason
 * remains readable.
 */
export function RowAction(props: { label: string; run: () => Promise<unknown>; kind?: "danger"; when?: boolean }) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const allowed = props.when ?? true;
  if (!allowed && !problem) return null;
  const onClick = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await props.run();
    } catch (err) {
      setProblem(describe(err).plain);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={props.kind ?? ""} disabled={busy || !allowed} onClick={onClick}>
        {props.label}
      </button>
      {problem ? (
        <span class="error" role="alert">
          {problem}
        </span>
      ) : null}
    </span>
  );
}

/** A row action that needs a few inputs first: a button that opens a small form. */
export function RowForm(props: {
  label: string;
  fields: FieldSpec[];
  run: (body: Record<string, unknown>) => Promise<unknown>;
  testId?: string;
  /** Offered only while the row's state allows it. */
  when?: boolean;
}) {
  const [open, setOpen] = useState(false);
  if (!open && props.when === false) return null;
  if (!open)
    return (
      <span class="action">
        <button type="button" onClick={() => setOpen(true)}>
          {props.label}…
        </button>
      </span>
    );
  return (
    <div class="row-form">
      <ActionForm
        compact
        title={props.label}
        submit={props.label}
        fields={props.fields}
        testId={props.testId}
        run={async (body) => {
          const r = await props.run(body);
          setOpen(false);
          return r;
        }}
      />
      <button type="button" class="link" onClick={() => setOpen(false)}>
        Close
      </button>
    </div>
  );
}

export function Card(props: {
  rowKey: string;
  title: ComponentChildren;
  status: string;
  statusLabel: string;
  facts: Array<[string, ComponentChildren]>;
  timeline?: ComponentChildren;
  children?: ComponentChildren;
}) {
  return (
    <article class="card" data-row={props.rowKey}>
      <header>
        <strong>{props.title}</strong>
        <span class={`badge s-${props.status}`} data-status={props.status}>
          {props.statusLabel}
        </span>
      </header>
      <dl>
        {props.facts
          .filter(([, v]) => v !== undefined && v !== null && v !== "")
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      {props.timeline}
      {props.children ? <div class="actions">{props.children}</div> : null}
    </article>
  );
}

/** The rows shown and whether older ones follow (a list page counts what it holds, not the whole view). */
export function ViewHeader(props: {
  title: string;
  view: string;
  state: LiveState;
  page: ListPage<unknown>;
  problem?: string;
}) {
  return (
    <div class="view-header">
      <h2>
        {props.title} <code>{props.view}</code>
      </h2>
      <span class={`live ${props.state}`} data-live={props.state}>
        {props.state === "live" ? "● live" : props.state === "connecting" ? "○ connecting" : "○ offline"}
      </span>
      <span class="total">
        {props.page.items.length}
        {props.page.hasMore ? "+" : ""} rows{props.page.hasMore ? " (newest shown)" : ""}
      </span>
      {props.problem ? (
        <p class="error" role="alert">
          {props.problem}
        </p>
      ) : null}
    </div>
  );
}

export const short = (id: string | undefined) => (id ? `…${id.slice(-6)}` : "");
export const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : "");
export const won = (n: number | undefined) => (n === undefined ? "" : `${n.toLocaleString()} ₩`);
