// A row's saga as a timeline: every step it went through, in order, with its
// time and label, the current one marked. Each view keeps its rows' history
// (status and time of every step), which the timeline shows as it is.
import type { Lang } from "./api.js";
import { labelOf, type System } from "./labels.js";

export interface Step {
  status: string;
  at: string;
}

/** A step's time, short: the time of day today, the date and time before. */
function when(iso: string): string {
  const at = new Date(iso);
  const today = at.toDateString() === new Date().toDateString();
  return today
    ? at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : at.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function Timeline(props: { system: System; steps: Step[]; current: string; lang: Lang }) {
  return (
    <ol class="timeline" aria-label={props.lang === "ko" ? "진행 단계" : "Progress"}>
      {props.steps.map((s) => {
        const current = s.status === props.current;
        return (
          <li
            key={s.status}
            class={current ? "step current" : "step"}
            data-step={s.status}
            aria-current={current ? "step" : undefined}
          >
            <span class="label">{labelOf(props.system, s.status, props.lang)}</span>
            <time dateTime={s.at} title={new Date(s.at).toLocaleString()}>
              {when(s.at)}
            </time>
          </li>
        );
      })}
    </ol>
  );
}

/** A row's history in the order it happened (ISO times sort as strings). */
export const chronological = (history: Step[]): Step[] => [...history].sort((a, b) => a.at.localeCompare(b.at));

/** Newest first: ids are ULIDs, which sort by creation time. */
export function newestFirst<T>(items: T[], id: (row: T) => string): T[] {
  return [...items].sort((a, b) => id(b).localeCompare(id(a)));
}
