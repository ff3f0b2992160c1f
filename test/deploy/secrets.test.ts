// A deployment without demo users must not start with a signing secret anyone
// knows. The real entry points (`npm run node`'s script and `npm start`'s,
// built as those commands run them) are run as processes: they exit non-zero
// before touching NATS, and say how to set a secret.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scriptArgs, tempDir } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function run(script: "node" | "start", env: Record<string, string>) {
  const r = spawnSync(process.execPath, scriptArgs(script), {
    cwd: ROOT,
    // NATS_URL points nowhere: the refusal must come before any connection.
    env: { ...process.env, NATS_URL: "nats://127.0.0.1:1", DATA_DIR: tempDir(), ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("a gateway with DEMO_USERS=false refuses known secrets", () => {
  for (const [what, secret] of [
    ["the development default", undefined],
    ["the Kubernetes template's placeholder", "REPLACE-ME-with-a-random-secret-of-32-bytes-or-more"],
  ] as const) {
    for (const script of ["node", "start"] as const) {
      it(`${script}.ts: ${what}`, () => {
        const r = run(script, { DEMO_USERS: "false", SERVICES: "*", ...(secret ? { JWT_SECRET: secret } : {}) });
        expect(r.status, r.out).not.toBe(0);
        expect(r.out).toMatch(/JWT_SECRET is/);
        expect(r.out).toMatch(/openssl rand -hex 32/);
        expect(r.out).not.toMatch(/joined|ready at|gateway:/);
      });
    }
  }
});
