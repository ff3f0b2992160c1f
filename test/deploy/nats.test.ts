// The NATS configuration of k8s/base/nats.yaml, run by a real nats-server:
// it is valid with the environment the StatefulSet gives it, and it lets in
// exactly the user of the Secret — through the same connection options the
// services use (NATS_USER / NATS_PASSWORD).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, natsOptions } from "@seed/platform/node";
import { findNatsServer, freePort } from "@seed/platform/operations";
import { eventually } from "@seed/platform/testing";
import { connect } from "nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE, type Container, envValue, named, render, secretValues, type Workload } from "./k8s.js";

const objs = render(BASE);
const conf = (named(objs, "ConfigMap", "seed-nats-config").data as Record<string, string>)["nats.conf"] ?? "";
const secret = secretValues(objs);
const nats = named<Workload>(objs, "StatefulSet", "seed-nats").spec.template.spec.containers[0] as Container;

/** The environment the StatefulSet gives pod 0: field refs, $(VAR) expansion, the Secret's keys. */
function podEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of nats.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) env[e.name] = secret[ref.key] ?? "";
    else if (e.valueFrom)
      env[e.name] = "seed-nats-0"; // metadata.name
    else env[e.name] = (e.value ?? "").replace(/\$\((\w+)\)/g, (_m, v: string) => env[v] ?? "");
  }
  return env;
}

/** The config with this machine's free ports and folders in place of the pod's. */
function localConf(ports: { client: number; cluster: number; monitor: number }, dir: string): string {
  const swaps: Array<[RegExp, string]> = [
    [/^port: 4222$/m, `port: ${ports.client}`],
    [/^http_port: 8222$/m, `http_port: ${ports.monitor}`],
    [/^(\s+)port: 6222$/m, `$1port: ${ports.cluster}`],
    [/store_dir: \/data/, `store_dir: ${join(dir, "js")}`],
    [/pid_file: \S+/, `pid_file: ${join(dir, "nats.pid")}`],
  ];
  let out = conf;
  for (const [from, to] of swaps) {
    expect(from.test(out), `nats.conf has ${from}`).toBe(true);
    out = out.replace(from, to);
  }
  return out;
}

describe("NATS configuration of the StatefulSet", () => {
  let dir: string;
  let server: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "seed-deploy-nats-"));
    const ports = { client: await freePort(), cluster: await freePort(), monitor: await freePort() };
    writeFileSync(join(dir, "nats.conf"), localConf(ports, dir));
    url = `nats://127.0.0.1:${ports.client}`;
  });

  afterAll(() => {
    server?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("nats-server accepts the file as it is, with the pod's environment", () => {
    writeFileSync(join(dir, "as-is.conf"), conf);
    const out = execFileSync(findNatsServer(), ["-t", "-c", join(dir, "as-is.conf")], {
      env: { ...process.env, ...podEnv() },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out).toBe("");
  });

  it("without the Secret's variables it refuses to start (the users come from there)", () => {
    const { NATS_USER: _u, NATS_PASSWORD: _p, ...env } = podEnv();
    expect(() =>
      execFileSync(findNatsServer(), ["-t", "-c", join(dir, "as-is.conf")], {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: "pipe",
      }),
    ).toThrow(/NATS_USER/);
  });

  it("lets in the Secret's user, through the services' own connection options, and nobody else", async () => {
    server = spawn(findNatsServer(), ["-c", join(dir, "nats.conf")], {
      env: { ...process.env, ...podEnv() },
      stdio: "ignore",
    });
    const config = loadConfig({ NATS_URL: url, NATS_USER: secret.NATS_USER, NATS_PASSWORD: secret.NATS_PASSWORD });
    const options = { ...natsOptions(config), maxReconnectAttempts: 0, timeout: 2000 };
    const nc = await eventually(() => connect(options), { timeout: 10_000, interval: 200 });
    await nc.flush();
    await nc.close();

    const refused = async (extra: object) =>
      connect({ servers: url, maxReconnectAttempts: 0, timeout: 2000, ...extra }).then(
        async (c) => {
          await c.close();
          return "connected";
        },
        (err: Error) => err.message,
      );
    expect(await refused({})).toMatch(/authorization/i);
    expect(await refused({ user: secret.NATS_USER, pass: "wrong" })).toMatch(/authorization/i);
  });

  it("the servers and every Deployment read the same two keys of the same Secret", () => {
    const services = objs
      .filter((o): o is Workload => o.kind === "Deployment")
      .map((d) => d.spec.template.spec.containers[0]);
    for (const c of [nats, ...services]) {
      for (const key of ["NATS_USER", "NATS_PASSWORD"]) {
        expect(envValue(c as Container, key)?.valueFrom?.secretKeyRef, `${c?.name} ${key}`).toEqual({
          name: "seed-secrets",
          key,
        });
      }
    }
  });
});
