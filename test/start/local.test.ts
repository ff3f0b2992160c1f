// What `npm start` offers a person trying the system: the banner's URLs all
// answer, and `npm run demo -- <system>` walks every system's flow to the end
// against a real node (every service and the gateway on the suite's
// nats-server), at any hour: the node has the all-day meeting-room slot that
// `npm start` sets by default.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { scriptArgs, startTestNode, type TestNode } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_DAY_SLOTS, banner, bannerUrls } from "../../scripts/banner.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SYSTEMS = ["mall", "sauce", "cleaning", "meetingroom", "insurance"] as const;

let node: TestNode;

beforeAll(async () => {
  // `npm start` builds the dashboard when it is missing; so does this test, to serve `/`.
  if (!existsSync(join(ROOT, "packages", "web", "dist", "index.html"))) {
    const built = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "packages", "web", "build.ts")], {
      cwd: ROOT,
      stdio: "inherit",
    });
    expect(built.status).toBe(0);
  }
  node = await startTestNode({
    config: { MEETINGROOM_SLOTS: ALL_DAY_SLOTS, INSURANCE_DOCUMENT_DELAY_MS: 300, POLICY_ACK_WAIT_MS: 2000 },
  });
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

/** Runs `npm run demo`'s script as its own process; answers its exit code and output. */
function demo(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...scriptArgs("demo"), ...args], {
      cwd: ROOT,
      env: { ...process.env, SEED_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("npm run demo", () => {
  for (const system of SYSTEMS) {
    it(`walks ${system}'s flow, its refusals included, to the end`, async () => {
      const { code, out } = await demo(system, "--url", node.url);
      expect(out, out).toContain(`== ${system}: every step answered as expected`);
      expect(code, out).toBe(0);
      // One line per step, with the refusals shown: a 409 with its reason and a 403.
      expect(out).toMatch(/→ 409 [A-Z]\w+: /);
      expect(out).toMatch(/→ 403 (NotOwner|NotTheReserver): /);
      expect(out).not.toContain("<");
    }, 90_000);
  }

  it("shows the mall's compensation: out of stock, the order canceled", async () => {
    const { code, out } = await demo("mall", "--url", node.url);
    expect(code, out).toBe(0);
    expect(out).toMatch(/POST\s+\/mall\/pays\/…\w{6}\/check\s+→ 409 OutOfStock: only 1 left, 2 ordered/);
    expect(out).toMatch(/erin\s+GET\s+\/mall\/orders\/…\w{6}\s+→ 200 OrderCanceled/);
  }, 90_000);

  it("fails with exit code 1 when a step does not answer as expected", async () => {
    // Nothing listens there: the first step gets no answer.
    const { code, out } = await demo("sauce", "--url", "http://127.0.0.1:9");
    expect(code).toBe(1);
    expect(out).toContain("no answer from http://127.0.0.1:9");
  }, 30_000);

  it("says how to open meeting rooms when no slot is open now", async () => {
    // A node whose only slot is twelve hours away (Seoul time): a reservation now is NoSlotOpen.
    const hour = Number(
      new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Seoul", hour: "2-digit", hourCycle: "h23" }).format(
        new Date(),
      ),
    );
    const far = String((hour + 12) % 24).padStart(2, "0");
    const closed = await startTestNode({
      services: "api,meetingroom.*",
      // A namespace of its own: its gateway never reaches the other node's meetingroom services.
      namespace: `closed-slots-${process.pid}`,
      config: { MEETINGROOM_SLOTS: `${far}:00-${far}:10` },
    });
    try {
      const { code, out } = await demo("meetingroom", "--url", closed.url);
      expect(code, out).toBe(1);
      expect(out).toMatch(/→ 409 NoSlotOpen: /);
      expect(out).toContain("start the system with MEETINGROOM_SLOTS=00:00-24:00");
    } finally {
      await closed.stop();
    }
  }, 90_000);

  it("lists the systems for an unknown one and exits 2", async () => {
    const { code, out } = await demo("nosuch");
    expect(code).toBe(2);
    expect(out).toContain("unknown system nosuch");
    expect(out).toContain("mall, sauce, cleaning");
  }, 30_000);
});

describe("the banner of npm start", () => {
  it("names the dashboard, its pages and the API docs, and every URL it prints answers 200", async () => {
    const text = banner({
      url: node.url,
      systems: SYSTEMS,
      natsUrl: "nats://127.0.0.1:4222",
      services: node.node.services,
      meetingroomSlots: ALL_DAY_SLOTS,
      meetingroomTz: "Asia/Seoul",
      allDaySlots: true,
      demoUsers: [["alice", "customer, member"]],
    });
    expect(text).toContain(`dashboard  ${node.url}/ `);
    expect(text).toContain("/#/mall");
    expect(text).toContain(`${node.url}/docs`);
    expect(text).toContain("reservations open all day");
    const urls = bannerUrls(text).filter((u) => u.startsWith("http"));
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      await res.arrayBuffer();
    }
  });

  it("says which slots the meeting rooms take when MEETINGROOM_SLOTS is given", () => {
    const text = banner({
      url: "http://localhost:8080",
      systems: SYSTEMS,
      natsUrl: "nats://127.0.0.1:4222",
      services: [],
      meetingroomSlots: "08:00-09:50,10:00-11:50",
      meetingroomTz: "Asia/Seoul",
      allDaySlots: false,
    });
    expect(text).toContain("reservations open in 08:00-09:50,10:00-11:50 (Asia/Seoul, MEETINGROOM_SLOTS)");
    expect(text).not.toContain("demo users");
  });
});
