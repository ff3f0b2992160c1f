// One business flow, step by step across services (GET /flows/<id>): each
// event in the order it happened, the service that wrote it, what caused it
// (a call with its request id, or the event a policy reacted to) and how long
// after its cause it came; with tracing on, each call too (the action, its
// service and how long it took). Staff read any flow; the page is
// #/flow/<id>, and the mall's order cards link to theirs.
import { useEffect, useState } from "preact/hooks";
import { ApiProblem, get } from "../api.js";

export interface FlowStep {
  seq: number;
  writer: string;
  type: string;
  eventId: string;
  occurredAt: string;
  cause: "call" | "reaction";
  causationId?: string;
  after?: string;
  durationMs: number;
  traceId?: string;
}

/** An action the flow called (recorded with tracing on only). */
export interface FlowCall {
  name: string;
  service: string;
  startedAt: string;
  durationMs: number;
  nodeID: string;
  error?: string;
}

interface Flow {
  correlationId: string;
  steps: FlowStep[];
  calls?: FlowCall[];
}

type Row = { at: string; step: FlowStep; call?: undefined } | { at: string; call: FlowCall; step?: undefined };

/** Events and calls in the order they happened (an event before a call that starts at the same moment). */
function rowsOf(flow: Flow): Row[] {
  const rows: Row[] = [
    ...flow.steps.map((step) => ({ at: step.occurredAt, step })),
    ...(flow.calls ?? []).map((call) => ({ at: call.startedAt, call })),
  ];
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.at.localeCompare(b.r.at) || a.i - b.i)
    .map(({ r }) => r);
}

/** The correlation id in the page's hash: `#/flow/<id>`. */
const idOfHash = (): string => decodeURIComponent(location.hash.replace(/^#\/?flow\/?/, ""));

/** `17:41:16.194`, local time to the millisecond: steps are often milliseconds apart. */
const clock = (iso: string) => {
  const at = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, "0")}`;
};

function causeOf(step: FlowStep, steps: FlowStep[]): string {
  if (step.cause === "reaction")
    return `reaction to ${steps.find((s) => s.eventId === step.after)?.type ?? step.after}`;
  return `call ${step.causationId ?? ""}`.trim();
}

export function FlowPage() {
  const [id, setId] = useState(idOfHash());
  const [flow, setFlow] = useState<Flow | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const show = async (correlationId: string) => {
    if (!correlationId) return;
    try {
      setFlow(await get<Flow>(`/flows/${encodeURIComponent(correlationId)}`));
      setProblem(undefined);
    } catch (err) {
      setFlow(undefined);
      setProblem(err instanceof ApiProblem ? err.plain : String(err));
    }
  };
  useEffect(() => {
    const onHash = () => {
      const next = idOfHash();
      setId(next);
      void show(next);
    };
    onHash();
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  return (
    <section class="flow">
      <h2>Flow</h2>
      <form
        class="form"
        data-testid="flow-form"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = `#/flow/${encodeURIComponent(id.trim())}`;
        }}
      >
        <label>
          Correlation id
          <input
            name="correlationId"
            value={id}
            placeholder="an order, reservation or plan id"
            onInput={(e) => setId((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Show</button>
      </form>
      {problem ? (
        <p class="error" role="alert">
          {problem}
        </p>
      ) : null}
      {flow ? (
        <div class="flow-scroll">
          <table class="flow-steps" data-testid="flow-steps">
            <caption>
              {flow.steps.length} steps{flow.calls?.length ? `, ${flow.calls.length} calls` : ""} of{" "}
              <code>{flow.correlationId}</code>
            </caption>
            <thead>
              <tr>
                <th>#</th>
                <th>Time</th>
                <th>Service</th>
                <th>Event</th>
                <th>Caused by</th>
                <th title="A reaction: after the event it reacted to. A call: after the flow's first step.">After</th>
              </tr>
            </thead>
            <tbody>
              {rowsOf(flow).map(({ step: s, call: c }, i) =>
                s ? (
                  <tr key={s.eventId} data-step={s.type} class={s.cause}>
                    <td class="n">{i + 1}</td>
                    <td class="when">
                      <time dateTime={s.occurredAt}>{clock(s.occurredAt)}</time>
                    </td>
                    <td class="writer">{s.writer}</td>
                    <td class="type">{s.type}</td>
                    <td class="cause">{causeOf(s, flow.steps)}</td>
                    <td class="after">+{s.durationMs} ms</td>
                  </tr>
                ) : c ? (
                  <tr key={`call-${i}`} data-call={c.name} class="call-row">
                    <td class="n">{i + 1}</td>
                    <td class="when">
                      <time dateTime={c.startedAt}>{clock(c.startedAt)}</time>
                    </td>
                    <td class="writer">{c.service}</td>
                    <td class="type">→ {c.name}</td>
                    <td class="cause">{c.error ? `failed: ${c.error}` : `on ${c.nodeID}`}</td>
                    <td class="after">{c.durationMs} ms</td>
                  </tr>
                ) : null,
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
