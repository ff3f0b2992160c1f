// A row's saga as a timeline: every step it went through, in order, with its
// time and label, the current one marked. The mall's view keeps each row's
// history (status and time of every step); the other views keep the current
// status only, so their steps are read from the row's own facts (a delivery
// status, a document id…) and each step's time is the one the row showed when
// this page first saw it there (kept for the tab's lifetime), or the row's
// creation time for its first step (its createdAt, or the time in its id).
import { useEffect, useState } from "preact/hooks";
import type { Lang } from "./api.js";
import { labelOf, type System } from "./labels.js";

export interface Step {
  status: string;
  at?: string;
}

const KEY = "seed.steps";
let seen: Record<string, string> = {};
try {
  seen = JSON.parse(sessionStorage.getItem(KEY) ?? "{}") as Record<string, string>;
} catch {
  seen = {};
}

/** Gives each step its time: its own when known, else when this page first saw the row in that status. */
export function withTimes(rowKey: string, steps: Step[], current: string, updatedAt: string): Step[] {
  const key = `${rowKey}/${current}`;
  if (!seen[key]) {
    seen[key] = updatedAt;
    try {
      sessionStorage.setItem(KEY, JSON.stringify(seen));
    } catch {
      // storage full or off: the times stay for this page only
    }
  }
  return steps.map((s) => ({ ...s, at: s.at ?? seen[`${rowKey}/${s.status}`] }));
}

/** A step's time, short: the time of day today, the date and time before. */
function when(iso: string): string {
  const at = new Date(iso);
  const today = at.toDateString() === new Date().toDateString();
  return today
    ? at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : at.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** Per row key, per step: when it happened. */
export type StepTimes = Map<string, Record<string, string>>;

/** Collects step times: `at(key, step, time)` keeps the earliest time of each step. */
export function stepTimes(
  fill: (at: (key: string | undefined, step: string | undefined, time: string) => void) => void,
): StepTimes {
  const times: StepTimes = new Map();
  fill((key, step, time) => {
    if (!key || !step) return;
    const known = times.get(key) ?? {};
    if (!known[step] || time < known[step]) times.set(key, { ...known, [step]: time });
  });
  return times;
}

/**
 * Step times read from a system's own records (`read`), again whenever
 * `version` (the rows and their updatedAt) changes; a failed read keeps the
 * last ones.
 */
export function useStepTimes(version: string, read: () => Promise<StepTimes>): StepTimes {
  const [times, setTimes] = useState<StepTimes>(new Map());
  // `version` stands for the rows: read again when one changed (`read` is the page's own, fixed).
  useEffect(() => {
    if (version === "") return;
    let stale = false;
    read()
      .then((t) => !stale && setTimes(t))
      .catch(() => {});
    return () => {
      stale = true;
    };
  }, [version]);
  return times;
}

/** What changes when any row changes. */
export const versionOf = <T extends { updatedAt: string }>(rows: T[], id: (row: T) => string): string =>
  rows.map((r) => `${id(r)}@${r.updatedAt}`).join();

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
            {s.at ? (
              <time dateTime={s.at} title={new Date(s.at).toLocaleString()}>
                {when(s.at)}
              </time>
            ) : (
              <span class="at" title="before this page saw the row">
                —
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** The mall's history in the order it happened (ISO times sort as strings). */
export const chronological = (history: Step[]): Step[] =>
  [...history].sort((a, b) => (a.at ?? "").localeCompare(b.at ?? ""));

const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The creation time a ULID carries in its first 10 characters (milliseconds, Crockford base32). */
export function idTime(id: string): string | undefined {
  let ms = 0;
  for (const c of id.slice(0, 10).toUpperCase()) {
    const v = BASE32.indexOf(c);
    if (v < 0) return undefined;
    ms = ms * 32 + v;
  }
  return id.length === 26 ? new Date(ms).toISOString() : undefined;
}

/** Newest first: ids are ULIDs, which sort by creation time. */
export function newestFirst<T>(items: T[], id: (row: T) => string): T[] {
  return [...items].sort((a, b) => id(b).localeCompare(id(a)));
}
