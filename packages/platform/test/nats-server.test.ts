import { existsSync } from "node:fs";
import { join } from "node:path";
import { connect } from "nats";
import { describe, expect, inject, it } from "vitest";
import { loadConfig, refuseKnownSecrets } from "../src/config.js";
import { FREE_PORTS, findNatsServer, freePort, portIsFree, startNatsServer } from "../src/nats-server.js";
import { selectServices, systemsToLoad } from "../src/node.js";
import { eventually, tempDir, testConfig } from "../testing/index.js";

describe("nats-server launcher", () => {
  it("finds the binary", () => {
    expect(existsSync(findNatsServer({ install: false }))).toBe(true);
  });

  it("starts a JetStream server on a free loopback port and stops it", async () => {
    const storeDir = join(tempDir(), "nats");
    const nats = await startNatsServer({ port: 0, storeDir });
    try {
      expect(nats.url).toBe(`nats://127.0.0.1:${nats.port}`);
      const nc = await connect({ servers: nats.url });
      const info = await (await nc.jetstreamManager()).getAccountInfo();
      expect(info.limits).toBeDefined();
      await nc.close();
      expect(existsSync(storeDir)).toBe(true);
    } finally {
      await nats.stop();
    }
    expect(nats.process.exitCode !== null || nats.process.signalCode !== null).toBe(true);
    await eventually(async () => expect(await portIsFree(nats.port)).toBe(true), { timeout: 3000 });
  });

  it("reports the server's own output when it cannot start", async () => {
    const port = await freePort();
    const first = await startNatsServer({ port, storeDir: join(tempDir(), "a") });
    try {
      await expect(startNatsServer({ port, storeDir: join(tempDir(), "b"), startTimeoutMs: 5000 })).rejects.toThrow(
        /nats-server (exited|did not accept)[\s\S]*nats-server output/,
      );
    } finally {
      await first.stop();
    }
  });

  it("hands out only ports that fetch() will connect to", async () => {
    // The unprivileged ports on the fetch standard's "bad port" list: fetch()
    // rejects them before connecting. A gateway on one is unreachable to tests.
    const refused = [1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668];
    refused.push(6669, 6679, 6697, 10080);
    for (const port of refused) {
      const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: Error) => e);
      expect(String((err as Error).cause), `port ${port}`).toMatch(/bad port/);
      expect(port < FREE_PORTS.lowest || port > FREE_PORTS.highest, `port ${port}`).toBe(true);
    }
    expect(FREE_PORTS.highest).toBeLessThan(32_768); // below Linux's ephemeral range
    const port = await freePort();
    expect(port >= FREE_PORTS.lowest && port <= FREE_PORTS.highest).toBe(true);
  });

  it("the suite's shared server is provided", () => {
    expect(inject("natsUrl")).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe("selectServices", () => {
  const all = ["mall.order", "mall.pay", "sauce.order", "api"];
  it("selects by *, system.* and lists", () => {
    expect(selectServices("*", all)).toEqual(all);
    expect(selectServices("mall.*", all)).toEqual(["mall.order", "mall.pay"]);
    expect(selectServices("mall.pay, api", all)).toEqual(["mall.pay", "api"]);
  });
  it("rejects unknown names", () => {
    expect(() => selectServices("mall.nope", all)).toThrow(/unknown services: mall\.nope/);
  });
});

describe("systemsToLoad", () => {
  const shop = { name: "shop", services: ["shop.order", "shop.pay"], roles: [] };
  const desk = { name: "desk", services: ["desk.ticket"], roles: [] };
  const all = [shop, desk];
  it("loads the systems whose services the node runs, and no other", () => {
    expect(systemsToLoad(all, ["shop.pay"])).toEqual([shop]);
    expect(systemsToLoad(all, ["shop.pay", "desk.ticket"])).toEqual(all);
    expect(systemsToLoad(all, [])).toEqual([]);
  });
  it("gives a gateway beside some systems' services those systems, and a gateway alone every system", () => {
    expect(systemsToLoad(all, ["api", "shop.order", "shop.pay"])).toEqual([shop]);
    expect(systemsToLoad(all, ["api"])).toEqual(all);
  });
  it("gives a gateway alone the systems GATEWAY_SYSTEMS names, and refuses a name no system has", () => {
    expect(systemsToLoad(all, ["api"], "*")).toEqual(all);
    expect(systemsToLoad(all, ["api"], "desk")).toEqual([desk]);
    expect(systemsToLoad(all, ["api"], " shop , desk ")).toEqual(all);
    // A node with services of its own routes those, whatever the variable says.
    expect(systemsToLoad(all, ["api", "shop.pay"], "desk")).toEqual([shop]);
    expect(() => systemsToLoad(all, ["api"], "shop,mall")).toThrow("GATEWAY_SYSTEMS: unknown systems mall");
    expect(() => systemsToLoad(all, ["api"], " , ")).toThrow("GATEWAY_SYSTEMS names no system");
  });
});

describe("loadConfig", () => {
  it("has working defaults", () => {
    const c = loadConfig({});
    expect(c.NATS_URL).toBe("");
    expect(c.PORT).toBe(8080);
    expect(c.DATA_DIR).toBe(".data");
    expect(c.SERVICES).toBe("*");
    expect(c.DEMO_USERS).toBe("false");
  });
  it("converts numeric strings", () => {
    const c = loadConfig({ PORT: "9090", REQUEST_TIMEOUT_MS: "250", BREAKER_THRESHOLD: "0.25" });
    expect(c.PORT).toBe(9090);
    expect(c.REQUEST_TIMEOUT_MS).toBe(250);
    expect(c.BREAKER_THRESHOLD).toBe(0.25);
  });
  it("rejects invalid values naming the variable", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: "5" })).toThrow(/REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ DEMO_USERS: "yes" })).toThrow(/DEMO_USERS/);
  });
  it("a gateway without demo users refuses a secret anyone knows", () => {
    const known = ["local-development-secret-change-me", "REPLACE-ME-with-a-random-secret-of-32-bytes-or-more"];
    for (const JWT_SECRET of known) {
      const env = { JWT_SECRET, DEMO_USERS: "false" };
      expect(() => refuseKnownSecrets(loadConfig(env)), JWT_SECRET).toThrow(/JWT_SECRET=\$\(openssl rand -hex 32\)/);
      expect(() => refuseKnownSecrets(loadConfig({ ...env, SERVICES: "api,mall.order" }))).toThrow(/JWT_SECRET/);
      // fine: demo users on (a local tool), a node without the gateway, RS256 verification
      expect(refuseKnownSecrets(loadConfig({ ...env, DEMO_USERS: "true" })).JWT_SECRET).toBe(JWT_SECRET);
      expect(refuseKnownSecrets(loadConfig({ ...env, SERVICES: "mall.*" })).SERVICES).toBe("mall.*");
      expect(refuseKnownSecrets(loadConfig({ ...env, JWT_PUBLIC_KEY: "-----BEGIN PUBLIC KEY-----" }))).toBeTruthy();
    }
    const real = loadConfig({ JWT_SECRET: "9f1c2e7a4b8d0f3e6a5c9b2d7e1f4a8c", DEMO_USERS: "false" });
    expect(refuseKnownSecrets(real)).toBe(real);
  });
  it("testConfig gives short timeouts, demo users and a fresh data dir", () => {
    const a = testConfig();
    const b = testConfig({ REQUEST_TIMEOUT_MS: 2000 });
    expect(a.NATS_URL).toBe(inject("natsUrl"));
    expect(a.DEMO_USERS).toBe("true");
    expect(a.REQUEST_TIMEOUT_MS).toBe(1000);
    expect(b.REQUEST_TIMEOUT_MS).toBe(2000);
    expect(a.DATA_DIR).not.toBe(b.DATA_DIR);
  });
});
