// What `npm start` prints once everything runs: where the dashboard, the API
// and the probes are, how the meeting-room slots are set, who can log in.
// Every URL in it answers 200 on a running node (test/start/banner.test.ts).

export interface BannerInput {
  url: string;
  systems: readonly string[];
  natsUrl: string;
  /** The local nats-server's store, when `npm start` runs one. */
  natsStore?: string | undefined;
  services: readonly string[];
  meetingroomSlots: string;
  meetingroomTz: string;
  /** The slots are the local all-day default rather than a MEETINGROOM_SLOTS the user gave. */
  allDaySlots: boolean;
  demoUsers?: ReadonlyArray<readonly [string, string]> | undefined;
}

export const ALL_DAY_SLOTS = "00:00-24:00";

export function banner(b: BannerInput): string {
  const lines = [
    "",
    `  Seed is running: ${b.url}`,
    "",
    `  dashboard  ${b.url}/   one page per system: ${b.systems.map((s) => `/#/${s}`).join("  ")}`,
    `  API docs   ${b.url}/docs   (OpenAPI: ${b.url}/openapi.json; routes under ${b.systems.map((s) => `/${s}`).join(" ")})`,
    `  health     ${b.url}/health/ready   metrics: ${b.url}/metrics`,
    `  NATS       ${b.natsUrl}${b.natsStore ? ` (local nats-server, store ${b.natsStore})` : ""}`,
    `  services   ${b.services.join(", ")}`,
    "",
    b.allDaySlots
      ? `  meeting rooms: reservations open all day here (MEETINGROOM_SLOTS=${ALL_DAY_SLOTS}); set MEETINGROOM_SLOTS, e.g. ` +
        "08:00-09:50,10:00-11:50, for the production slots"
      : `  meeting rooms: reservations open in ${b.meetingroomSlots} (${b.meetingroomTz}, MEETINGROOM_SLOTS)`,
  ];
  if (b.demoUsers) {
    lines.push("", '  demo users (password "demo"):');
    for (const [name, roles] of b.demoUsers) lines.push(`    ${name.padEnd(6)} ${roles}`);
    lines.push(
      "",
      "  a walk through a system's flow: npm run demo -- mall   (sauce, cleaning, meetingroom, insurance)",
    );
  }
  lines.push("", "  more nodes: npm run node -- --services mall.pay,mall.delivery", "  Ctrl-C stops everything.", "");
  return `${lines.join("\n")}\n`;
}

/** Every http(s) URL a banner names. */
export function bannerUrls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s;()]+/g)].map((m) => m[0]);
}
