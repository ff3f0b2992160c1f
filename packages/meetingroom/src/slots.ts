// The day's reservation slots (MEETINGROOM_SLOTS) in the time zone of the
// rooms (MEETINGROOM_TZ), and which slot is running at a given instant. A
// slot runs from its start up to, not including, its end: at 09:49:59 the
// 08:00–09:50 slot runs, at 09:50 none does, at 10:00 the next one.

/** One slot as minutes after local midnight, `[start, end)`. */
export interface Slot {
  start: number;
  end: number;
}

/** The running slot as instants (ISO-8601 UTC). */
export interface SlotTimes {
  slotStart: string;
  slotEnd: string;
}

export interface SlotPlan {
  slots: Slot[];
  timeZone: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(text: string, what: string): number {
  if (text === "24:00") return 24 * 60;
  const m = TIME.exec(text);
  if (!m) throw new Error(`${what} "${text}" is not a time HH:MM (00:00–24:00)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Parses `HH:MM-HH:MM,…` into ordered, non-overlapping slots and checks the
 * time zone. Anything wrong throws one message naming the variable, so a node
 * with a bad configuration stops at start and says why.
 */
export function parseSlotPlan(slotsText: string, timeZone: string): SlotPlan {
  const fail = (why: string): never => {
    throw new Error(`invalid MEETINGROOM_SLOTS "${slotsText}": ${why}`);
  };
  const parts = slotsText.split(",").map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === "")) fail("expected a comma-separated list of HH:MM-HH:MM");
  const slots = parts.map((part) => {
    const [from, to, ...rest] = part.split("-");
    if (from === undefined || to === undefined || rest.length > 0) return fail(`"${part}" is not HH:MM-HH:MM`);
    let start = 0;
    let end = 0;
    try {
      start = minutesOf(from.trim(), "start");
      end = minutesOf(to.trim(), "end");
    } catch (err) {
      fail((err as Error).message);
    }
    if (start >= 24 * 60) fail(`"${part}" starts at the end of the day`);
    if (end <= start) fail(`"${part}" ends before it starts (a slot cannot pass midnight)`);
    return { start, end };
  });
  for (let i = 1; i < slots.length; i++) {
    const prev = slots[i - 1] as Slot;
    const cur = slots[i] as Slot;
    if (cur.start < prev.end)
      fail(`"${parts[i]}" starts before "${parts[i - 1]}" ends (slots must be in order and not overlap)`);
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone }).format(0);
  } catch {
    throw new Error(`invalid MEETINGROOM_TZ "${timeZone}": not an IANA time zone (e.g. Asia/Seoul, UTC)`);
  }
  return { slots, timeZone };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time in `timeZone` at `ms`. */
function wallClock(ms: number, timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    minutes: Number(p.hour) * 60 + Number(p.minute),
    seconds: Number(p.second),
  };
}

/** Offset of `timeZone` from UTC at `ms`, in ms (Seoul: +9 h). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, 0, w.minutes, w.seconds);
  return asUtc - (ms - (ms % 1000));
}

/** The instant at which local date y-m-d shows `minutes` after midnight in `timeZone`. */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  // Two passes settle the offset also next to a daylight-saving change.
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

/** The slot running at `ms`, or undefined between slots, before the first and after the last. */
export function slotAt(plan: SlotPlan, ms: number): SlotTimes | undefined {
  const w = wallClock(ms, plan.timeZone);
  const slot = plan.slots.find((s) => s.start <= w.minutes && w.minutes < s.end);
  if (!slot) return undefined;
  const iso = (minutes: number) => new Date(instantOf(w.year, w.month, w.day, minutes, plan.timeZone)).toISOString();
  return { slotStart: iso(slot.start), slotEnd: iso(slot.end) };
}

/** "08:00-09:50, 10:00-11:50" — for messages. */
export const describeSlots = (plan: SlotPlan): string =>
  plan.slots.map((s) => `${hhmm(s.start)}-${hhmm(s.end)}`).join(", ");

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
