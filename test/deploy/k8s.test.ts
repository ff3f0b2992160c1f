// The Kubernetes manifests: every object is valid against the Kubernetes
// schemas, in the base and in the rendered local overlay, and they agree with
// the code — every configuration variable set, probes on the routes and port
// the nodes serve, SERVICES naming real services (each exactly once), the
// grace period covering the graceful shutdown, no real secret committed.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configVariables, loadConfig, refuseKnownSecrets, selectServices } from "@seed/platform/node";
import { describe, expect, it } from "vitest";
import { PER_SERVICE_FILE, perServiceYaml } from "../../scripts/k8s-per-service.js";
import { allServices } from "../../scripts/launch.js";
import { heapLimitMiB, nodeOptionsFor, objectNameOf, sizingOf } from "../../scripts/service-sizing.js";
import { systems } from "../../scripts/systems.js";
import {
  BASE,
  type Container,
  envValue,
  LOCAL,
  named,
  ofKind,
  PER_SERVICE,
  preStopSeconds,
  ROOT,
  render,
  SECRET_FIXTURE,
  secretValues,
  selects,
  validateK8s,
  type Workload,
} from "./k8s.js";
import { type K8sObject, readYamlDocuments } from "./kustomize.js";

const base = render(BASE);
const local = render(LOCAL);
const perService = render(PER_SERVICE);
const SECRET_VARIABLES = ["JWT_SECRET", "NATS_USER", "NATS_PASSWORD"];
/** The node's own bound around its shutdown step (scripts/node.ts: SHUTDOWN_TIMEOUT_MS + 2000). */
const NODE_SHUTDOWN_MARGIN_MS = 2000;
/** Longest a pod takes from the kubelet's stop to exit: preStop, drain, shutdown, the node's bound. */
const shutdownNeedsMs = (preStop: number, cfg: { SHUTDOWN_DRAIN_MS: number; SHUTDOWN_TIMEOUT_MS: number }) =>
  preStop * 1000 + cfg.SHUTDOWN_DRAIN_MS + cfg.SHUTDOWN_TIMEOUT_MS + NODE_SHUTDOWN_MARGIN_MS;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith(".yaml") ? [join(dir, e.name)] : [],
  );
}

const config = (objs: K8sObject[]) => named(objs, "ConfigMap", "seed-config").data as Record<string, string>;
const secret = (objs: K8sObject[]) => secretValues(objs);
const deployments = (objs: K8sObject[]) => ofKind<Workload>(objs, "Deployment");
const nodeContainer = (d: Workload): Container => {
  const [c, ...others] = d.spec.template.spec.containers;
  if (!c || others.length > 0) throw new Error(`${d.metadata.name}: one container expected`);
  return c;
};
const servicesOf = (d: Workload) => envValue(nodeContainer(d), "SERVICES")?.value ?? "";

describe("the heap cap of a node container", () => {
  it("is 60 % of the memory limit, in MiB, a multiple of 16", () => {
    expect(heapLimitMiB("512Mi")).toBe(304);
    expect(heapLimitMiB("768Mi")).toBe(448);
    expect(heapLimitMiB("384Mi")).toBe(224);
    expect(heapLimitMiB("1Gi")).toBe(608);
    expect(nodeOptionsFor("512Mi")).toBe("--max-old-space-size=304");
    expect(() => heapLimitMiB("512M")).toThrow(/expected <n>Mi or <n>Gi/);
  });
});

describe("every manifest is a valid Kubernetes object", () => {
  it("each YAML file under k8s/ parses, without duplicate keys", () => {
    const files = yamlFiles(join(ROOT, "k8s"));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(readYamlDocuments(f).length, f).toBeGreaterThan(0);
  });

  for (const [name, objs] of [
    ["base", base],
    ["overlay local (rendered)", local],
    ["overlay per-service (rendered)", perService],
  ] as const) {
    it(`${name}: every object validates against its schema`, () => {
      expect(objs.length).toBeGreaterThan(20);
      for (const o of objs) expect(() => validateK8s(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    });

    it(`${name}: names are unique per kind`, () => {
      const keys = objs.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(new Set(keys).size).toBe(keys.length);
    });
  }

  it("the schemas catch a broken object (the validation is real)", () => {
    const d = structuredClone(named<Workload>(base, "Deployment", "seed-mall"));
    (d.spec as Record<string, unknown>).replicas = "two";
    expect(() => validateK8s(d)).toThrow(/replicas/);
    const c = structuredClone(named<Workload>(base, "Deployment", "seed-mall"));
    delete (c.spec.template.spec.containers[0] as Partial<Container>).name;
    expect(() => validateK8s(c)).toThrow(/name/);
  });
});

describe("configuration agrees with the code", () => {
  const variables = configVariables(systems).map((v) => v.name);

  it("the ConfigMap sets every variable the config reads, except the secrets, which the Secret holds", () => {
    const data = config(base);
    const missing = variables.filter((v) => !(v in data) && !SECRET_VARIABLES.includes(v));
    expect(missing).toEqual([]);
    expect(Object.keys(data).filter((k) => !variables.includes(k))).toEqual([]); // nothing the code ignores
    for (const s of SECRET_VARIABLES) {
      expect(data).not.toHaveProperty(s);
      expect(secret(base)).toHaveProperty(s);
    }
    for (const [k, v] of Object.entries(data)) expect(typeof v, k).toBe("string");
  });

  for (const [name, objs] of [
    ["base", base],
    ["overlay local", local],
  ] as const) {
    it(`${name}: the ConfigMap and Secret together are a valid configuration`, () => {
      const cfg = loadConfig({ ...config(objs), ...secret(objs) }, systems);
      expect(cfg.STREAM_REPLICAS).toBe(3);
      expect(cfg.PORT).toBe(8080);
      expect(cfg.DATA_DIR).toBe("/data");
    });
  }

  it("production has no demo users; the local overlay has them", () => {
    expect(config(base).DEMO_USERS).toBe("false");
    expect(config(local).DEMO_USERS).toBe("true");
  });

  it("k8s/ ships no secret: the Secret is generated from files git ignores, and its example holds placeholders", () => {
    const values = secret(base);
    expect(Object.keys(values).sort()).toEqual([...SECRET_VARIABLES, "users.json"].sort());
    for (const k of SECRET_VARIABLES) expect(values[k], k).toMatch(/^REPLACE-ME/);
    const tracked = execFileSync("git", ["ls-files", "k8s"], { cwd: ROOT, encoding: "utf8" }).split("\n");
    expect(tracked.filter((f) => /secrets\.env$|users\.json$|secret\.yaml$/.test(f))).toEqual([]);
    for (const input of Object.keys(SECRET_FIXTURE)) {
      const ignored = spawnSync("git", ["check-ignore", "-q", input], { cwd: ROOT });
      expect(ignored.status, `${input} must be ignored by git`).toBe(0);
    }
    expect(() => render(join(ROOT, "k8s", "overlays", "local")), "the fixture stands in for the files").not.toThrow();
  });

  it("a gateway given the example's placeholder refuses to start", () => {
    const gatewayConfig = loadConfig({ ...config(base), ...secret(base), SERVICES: "api" }, systems);
    expect(() => refuseKnownSecrets(gatewayConfig)).toThrow(/placeholder/);
  });
});

describe("Deployments agree with the code", () => {
  it("base: one Deployment per system (SERVICES=<system>.*) and one for the gateway (api); every service runs exactly once", () => {
    const all = deployments(base);
    const selectors = all.map(servicesOf).sort();
    expect(selectors).toEqual([...systems.map((s) => `${s.name}.*`), "api"].sort());
    const chosen = all.flatMap((d) => selectServices(servicesOf(d), allServices()));
    expect(chosen.sort()).toEqual(allServices().sort());
  });

  it("per-service: one Deployment per service (SERVICES=mall.pay, …), the gateway its own (api)", () => {
    const selectors = deployments(perService).map(servicesOf).sort();
    expect(selectors).toEqual(allServices().sort());
  });

  describe("base", () => deploymentChecks(base));
  describe("overlay per-service", () => deploymentChecks(perService));
});

/** What every Deployment of a rendering must satisfy, and its autoscaler and disruption budget. */
function deploymentChecks(objs: K8sObject[]): void {
  const all = deployments(objs);
  const cfg = loadConfig({ ...config(objs), ...secret(objs) }, systems);

  for (const d of all) {
    const name = d.metadata.name;
    describe(name, () => {
      const c = nodeContainer(d);
      const pod = d.spec.template;

      it("selector, pod labels and object labels agree", () => {
        expect(selects(d.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
        expect(d.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
      });

      it("runs the image with the shared configuration and the NATS credentials of the Secret", () => {
        expect(c.image).toBe("seed:latest");
        expect(c.envFrom).toEqual([{ configMapRef: { name: "seed-config" } }]);
        for (const key of ["NATS_USER", "NATS_PASSWORD"]) {
          expect(envValue(c, key)?.valueFrom?.secretKeyRef).toEqual({ name: "seed-secrets", key });
        }
        expect(() => selectServices(servicesOf(d), allServices())).not.toThrow();
      });

      it("probes: startup and liveness on /health/live, readiness on /health/ready, on the port the node serves", () => {
        const hasGateway = selectServices(servicesOf(d), allServices()).includes("api");
        const served = hasGateway ? cfg.PORT : cfg.HEALTH_PORT;
        const portOf = (p: string | number) =>
          typeof p === "number" ? p : c.ports?.find((x) => x.name === p)?.containerPort;
        expect(c.startupProbe?.httpGet?.path).toBe("/health/live");
        expect(c.livenessProbe?.httpGet?.path).toBe("/health/live");
        expect(c.readinessProbe?.httpGet?.path).toBe("/health/ready");
        for (const p of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
          expect(portOf(p?.httpGet?.port ?? "")).toBe(served);
        }
        // Prometheus scrapes the same port.
        expect(pod.metadata.annotations).toMatchObject({
          "prometheus.io/scrape": "true",
          "prometheus.io/port": String(served),
          "prometheus.io/path": "/metrics",
        });
      });

      it("has resource requests and limits", () => {
        for (const kind of ["requests", "limits"] as const) {
          expect(c.resources?.[kind]).toHaveProperty("cpu");
          expect(c.resources?.[kind]).toHaveProperty("memory");
        }
      });

      it("caps the V8 heap well inside its memory limit", () => {
        const limit = String(c.resources?.limits?.memory);
        expect(envValue(c, "NODE_OPTIONS")?.value).toBe(nodeOptionsFor(limit));
      });

      it("rolls out with maxUnavailable 0", () => {
        expect(d.spec.strategy?.type).toBe("RollingUpdate");
        expect(d.spec.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
      });

      it("keeps its LevelDB on an emptyDir at DATA_DIR", () => {
        const mount = c.volumeMounts?.find((m) => m.mountPath === cfg.DATA_DIR);
        expect(mount).toBeDefined();
        expect(pod.spec.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toBeDefined();
      });

      it("grace period > preStop pause + SHUTDOWN_DRAIN_MS + SHUTDOWN_TIMEOUT_MS (+ the node's own bound)", () => {
        const graceMs = (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
        const needed = shutdownNeedsMs(preStopSeconds(c), cfg);
        expect(preStopSeconds(c)).toBeGreaterThan(0);
        expect(graceMs).toBeGreaterThan(needed);
      });

      it("does not run as root", () => {
        expect(pod.spec.securityContext?.runAsNonRoot).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
      });

      it("has an autoscaler on CPU and a disruption budget", () => {
        const hpa = ofKind(objs, "HorizontalPodAutoscaler").find(
          (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === name,
        );
        const spec = hpa?.spec as {
          scaleTargetRef: { kind: string };
          minReplicas: number;
          maxReplicas: number;
          metrics: Array<{ resource?: { name: string } }>;
        };
        expect(spec.scaleTargetRef.kind).toBe("Deployment");
        expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
        expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
        expect(spec.metrics.map((m) => m.resource?.name)).toContain("cpu");
        const pdbs = ofKind(objs, "PodDisruptionBudget").filter((p) =>
          selects(
            (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
            pod.metadata.labels,
          ),
        );
        expect(pdbs).toHaveLength(1);
      });
    });
  }

  it("selects its own pods only: no other Deployment's pods carry its selector's labels", () => {
    for (const d of all) {
      const others = all.filter(
        (x) => x !== d && selects(d.spec.selector.matchLabels, x.spec.template.metadata.labels),
      );
      expect(
        others.map((x) => x.metadata.name),
        d.metadata.name,
      ).toEqual([]);
    }
  });

  it("only the gateway gets the JWT secret and the users file", () => {
    const gateway = nodeContainer(named<Workload>(objs, "Deployment", "seed-gateway"));
    expect(envValue(gateway, "JWT_SECRET")?.valueFrom?.secretKeyRef).toEqual({
      name: "seed-secrets",
      key: "JWT_SECRET",
    });
    expect(gateway.volumeMounts?.some((m) => cfg.USERS_FILE.startsWith(`${m.mountPath}/`))).toBe(true);
    for (const d of all.filter((x) => x.metadata.name !== "seed-gateway")) {
      expect(envValue(nodeContainer(d), "JWT_SECRET"), d.metadata.name).toBeUndefined();
    }
  });

  it("the gateway is exposed by a Service and the example Ingress", () => {
    const gw = named<Workload>(objs, "Deployment", "seed-gateway");
    const svc = named(objs, "Service", "seed-gateway").spec as {
      selector: Record<string, string>;
      ports: Array<{ name: string; targetPort: string }>;
    };
    expect(selects(svc.selector, gw.spec.template.metadata.labels)).toBe(true);
    const targets = nodeContainer(gw).ports?.map((p) => p.name);
    for (const p of svc.ports) expect(targets).toContain(p.targetPort);
    const ingress = named(objs, "Ingress", "seed-gateway").spec as {
      rules: Array<{ http: { paths: Array<{ backend: { service: { name: string; port: { name: string } } } }> } }>;
    };
    const backend = ingress.rules[0]?.http.paths[0]?.backend.service;
    expect(backend?.name).toBe("seed-gateway");
    expect(svc.ports.map((p) => p.name)).toContain(backend?.port.name);
  });
}

describe("NATS", () => {
  const sts = named<Workload>(base, "StatefulSet", "seed-nats");
  const nats = sts.spec.template.spec.containers[0] as Container;
  const conf = (named(base, "ConfigMap", "seed-nats-config").data as Record<string, string>)["nats.conf"] ?? "";

  it("three servers with JetStream on persistent volumes", () => {
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates?.map((v) => v.metadata.name)).toEqual(["data"]);
    const storeDir = /store_dir:\s*(\S+)/.exec(conf)?.[1];
    expect(nats.volumeMounts?.find((m) => m.name === "data")?.mountPath).toBe(storeDir);
    expect(Number(config(base).STREAM_REPLICAS)).toBeLessThanOrEqual(sts.spec.replicas ?? 0);
  });

  it("cluster routes name every pod through the headless Service", () => {
    const headless = named(base, "Service", sts.spec.serviceName ?? "").spec as {
      clusterIP: string;
      selector: Record<string, string>;
    };
    expect(headless.clusterIP).toBe("None");
    expect(selects(headless.selector, sts.spec.template.metadata.labels)).toBe(true);
    for (let i = 0; i < (sts.spec.replicas ?? 0); i++) {
      expect(conf).toContain(`nats://seed-nats-${i}.${sts.spec.serviceName}:6222`);
    }
  });

  it("clients authenticate with the user of the Secret the services use", () => {
    expect(conf).toMatch(/authorization\s*{[^}]*user:\s*\$NATS_USER,\s*password:\s*\$NATS_PASSWORD/s);
    for (const key of ["NATS_USER", "NATS_PASSWORD"]) {
      expect(envValue(nats, key)?.valueFrom?.secretKeyRef).toEqual({ name: "seed-secrets", key });
    }
  });

  it("NATS_URL points at the client Service", () => {
    const url = new URL(config(base).NATS_URL ?? "");
    const svc = named(base, "Service", url.hostname).spec as {
      selector: Record<string, string>;
      ports: Array<{ port: number }>;
    };
    expect(svc.ports.map((p) => p.port)).toContain(Number(url.port));
    expect(selects(svc.selector, sts.spec.template.metadata.labels)).toBe(true);
  });

  it("has health probes on its monitoring port and a disruption budget of one", () => {
    for (const p of [nats.startupProbe, nats.livenessProbe, nats.readinessProbe]) {
      expect(p?.httpGet?.path).toMatch(/^\/healthz/);
      expect(p?.httpGet?.port).toBe("monitor");
    }
    expect(conf).toMatch(/http_port:\s*8222/);
    const pdb = named(base, "PodDisruptionBudget", "seed-nats").spec as { maxUnavailable: number };
    expect(pdb.maxUnavailable).toBe(1);
  });
});

describe("the local overlay", () => {
  it("puts everything in one namespace and runs the locally built image", () => {
    for (const o of local.filter((x) => x.kind !== "Namespace")) expect(o.metadata.namespace, o.kind).toBe("seed");
    expect(named(local, "Namespace", "seed")).toBeDefined();
    for (const d of deployments(local)) expect(nodeContainer(d).image).toBe("seed:local");
  });

  it("keeps every check of the base: probes, grace period, one replica to start with", () => {
    const cfg = loadConfig({ ...config(local), ...secret(local) }, systems);
    for (const d of deployments(local)) {
      const c = nodeContainer(d);
      expect(d.spec.replicas).toBe(1);
      expect(c.readinessProbe?.httpGet?.path).toBe("/health/ready");
      expect(c.resources?.limits).toHaveProperty("memory");
      const graceMs = (d.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      expect(graceMs).toBeGreaterThan(shutdownNeedsMs(preStopSeconds(c), cfg));
    }
    expect(named<Workload>(local, "StatefulSet", "seed-nats").spec.replicas).toBe(3);
  });
});

describe("the per-service overlay", () => {
  it("is what the generator writes (npm run k8s:per-service after changing a service, the sizing or the base)", () => {
    expect(readFileSync(PER_SERVICE_FILE, "utf8")).toBe(perServiceYaml());
  });

  it("removes the base's per-system objects and keeps the rest of the base as it is", () => {
    const perSystem = systems.map((s) => `seed-${s.name}`);
    for (const kind of ["Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"]) {
      expect(ofKind(perService, kind).filter((o) => perSystem.includes(o.metadata.name))).toEqual([]);
    }
    for (const o of base.filter((x) => !perSystem.includes(x.metadata.name)))
      expect(named(perService, o.kind, o.metadata.name), `${o.kind} ${o.metadata.name}`).toEqual(o);
  });

  it("sizes each service by its own entry: requests, limits, replica range, start-up allowance", () => {
    for (const service of allServices().filter((s) => s !== "api")) {
      const sizing = sizingOf(service);
      const d = named<Workload>(perService, "Deployment", objectNameOf(service));
      const c = nodeContainer(d);
      expect(servicesOf(d)).toBe(service);
      expect(c.resources).toEqual({ requests: sizing.requests, limits: sizing.limits });
      const startup = c.startupProbe as { periodSeconds: number; failureThreshold: number };
      expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(sizing.startupSeconds);
      const hpa = named(perService, "HorizontalPodAutoscaler", d.metadata.name).spec as {
        scaleTargetRef: { name: string };
        minReplicas: number;
        maxReplicas: number;
      };
      expect(hpa).toMatchObject({ minReplicas: sizing.minReplicas, maxReplicas: sizing.maxReplicas });
      expect(hpa.scaleTargetRef.name).toBe(d.metadata.name);
      expect(d.spec.replicas).toBe(sizing.minReplicas);
    }
  });

  it("mall's pay scales alone: its autoscaler targets only its Deployment, up to more replicas than the default", () => {
    const pay = named(perService, "HorizontalPodAutoscaler", "seed-mall-pay").spec as { maxReplicas: number };
    expect(pay.maxReplicas).toBeGreaterThan(sizingOf("mall.product").maxReplicas);
    const targets = ofKind(perService, "HorizontalPodAutoscaler").filter(
      (h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === "seed-mall-pay",
    );
    expect(targets.map((h) => h.metadata.name)).toEqual(["seed-mall-pay"]);
  });
});
