// Tests that run on the real clock and need something open all day (the
// meeting rooms' all-day slot) must not see the day end under them. In the
// rooms' default zone, Asia/Seoul, the day ends at 15:00 UTC, and a run that
// crosses it saw its slot end mid-test.

/**
 * A fixed-offset zone (IANA `Etc/GMT±N`) where the local time at `at` lies
 * between 12:00 and 13:00, so the local day has at least 11 hours left.
 */
export function middayTimeZone(at: number = Date.now()): string {
  const offset = 12 - new Date(at).getUTCHours(); // local = UTC + offset, in −11…+12
  if (offset === 0) return "Etc/GMT";
  // The Etc/GMT names count the other way: Etc/GMT-9 is UTC+9.
  return `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}
