// Shared by the deploy tests: the Kubernetes objects of k8s/ (rendered like
// `kubectl kustomize`), their validation against the Kubernetes API schemas
// that kubernetes-models ships (offline), and small accessors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service } from "kubernetes-models/v1";
import { type K8sObject, renderKustomization } from "./kustomize.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BASE = join(ROOT, "k8s", "base");
export const LOCAL = join(ROOT, "k8s", "overlays", "local");
export const PER_SERVICE = join(ROOT, "k8s", "overlays", "per-service");

// Every kind k8s/ may contain, with the model that validates it.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/Namespace": Namespace,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/Ingress": Ingress,
};

/** Throws with the schema's own message when the object is not a valid Kubernetes object. */
export function validateK8s(obj: K8sObject): void {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) throw new Error(`${obj.apiVersion} ${obj.kind} ${obj.metadata?.name}: no schema for this kind`);
  new Model(obj as never).validate();
}

/**
 * What an operator writes before `kubectl apply -k`: the untracked inputs of
 * the base's secretGenerator, here the committed example (placeholders only).
 */
export const SECRET_FIXTURE = {
  [join(BASE, "secrets.env")]: readFileSync(join(BASE, "secrets.env.example"), "utf8"),
  [join(BASE, "users.json")]: "[]",
};

export const render = (dir: string) => renderKustomization(dir, { files: SECRET_FIXTURE });

/** The keys of a generated Secret, decoded. */
export function secretValues(objs: K8sObject[], name = "seed-secrets"): Record<string, string> {
  const s = objs.find((o) => o.kind === "Secret" && o.metadata.name === name);
  if (!s) throw new Error(`no Secret ${name}`);
  const data = (s.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

// --- typed views of the parts the tests read -------------------------------

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}
export interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  securityContext?: Record<string, unknown>;
}
export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containers: Container[];
    terminationGracePeriodSeconds?: number;
    volumes?: Array<{ name: string; emptyDir?: object; secret?: { secretName: string } }>;
    securityContext?: Record<string, unknown>;
  };
}
export interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplate;
    strategy?: { type: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    serviceName?: string;
    volumeClaimTemplates?: Array<{ metadata: { name: string } }>;
  };
}

export const ofKind = <T extends K8sObject = K8sObject>(objs: K8sObject[], kind: string): T[] =>
  objs.filter((o) => o.kind === kind) as T[];

export function named<T extends K8sObject = K8sObject>(objs: K8sObject[], kind: string, name: string): T {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o as T;
}

export const envValue = (c: Container, name: string) => c.env?.find((e) => e.name === name);

/** Seconds of the preStop pause: `sleep N` (exec) or the sleep action. */
export function preStopSeconds(c: Container): number {
  const stop = c.lifecycle?.preStop;
  if (stop?.sleep) return stop.sleep.seconds;
  const cmd = stop?.exec?.command ?? [];
  if (cmd[0] === "sleep" && cmd.length === 2) return Number(cmd[1]);
  throw new Error(`container ${c.name}: preStop is not a pause (${JSON.stringify(stop)})`);
}

/** Whether every label of the selector is on the pod template (the selector selects the pods). */
export const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v) && Object.keys(selector).length > 0;
