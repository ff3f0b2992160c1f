// `npm start` itself, as a process on a nats-server of its own: every URL its
// banner prints answers 200, the banner says how the meeting-room slots are
// set, the meetingroom walk-through works whatever the hour (the local start
// opens reservations all day), and Ctrl-C stops it cleanly.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@seed/platform/operations";
import { eventually, scriptArgs } from "@seed/platform/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bannerUrls } from "../../scripts/banner.js";

const ROOT = join(import.meta.dirname, "..", "..");
let child: ChildProcess;
let out = "";
let dataDir: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "packages", "web", "dist", "index.html"))) {
    const built = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "packages", "web", "build.ts")], {
      cwd: ROOT,
      stdio: "inherit",
    });
    expect(built.status).toBe(0);
  }
  dataDir = mkdtempSync(join(tmpdir(), "seed-start-"));
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(await freePort()),
    NATS_PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
  };
  for (const name of ["NATS_URL", "MEETINGROOM_SLOTS", "DEMO_USERS", "NODE_ID", "SERVICES"]) delete env[name];
  child = spawn(process.execPath, scriptArgs("start"), {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  await eventually(() => expect(out).toContain("Ctrl-C stops everything."), { timeout: 90_000, interval: 200 });
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

const url = () => /Seed is running: (\S+)/.exec(out)?.[1] ?? "";

describe("npm start", () => {
  it("prints a banner whose every URL answers 200: the dashboard and its pages, the API docs, health, metrics", async () => {
    const urls = bannerUrls(out);
    expect(urls).toEqual(
      expect.arrayContaining([`${url()}/`, `${url()}/docs`, `${url()}/openapi.json`, `${url()}/health/ready`]),
    );
    expect(out).toContain("/#/mall");
    for (const u of urls) {
      const res = await fetch(u);
      await res.arrayBuffer();
      expect(res.status, u).toBe(200);
    }
  });

  it("opens meeting rooms all day unless MEETINGROOM_SLOTS is set, says so, and the walk-through works at any hour", async () => {
    expect(out).toContain("reservations open all day here (MEETINGROOM_SLOTS=00:00-24:00)");
    const demo = spawnSync(process.execPath, [...scriptArgs("demo"), "meetingroom"], {
      cwd: ROOT,
      env: { ...process.env, SEED_URL: url() },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(demo.stdout + demo.stderr).toContain("== meetingroom: every step answered as expected");
    expect(demo.status).toBe(0);
  }, 90_000);

  it("stops cleanly on Ctrl-C (SIGINT), the nats-server with it", async () => {
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, "nats.url"))).toBe(false);
  }, 30_000);
});
