// A small, offline rendering of the kustomizations in k8s/, so the tests can
// check what `kubectl apply -k` would send without a kustomize binary. It
// covers exactly the features k8s/ uses, and fails on any other:
//
//   resources   files (several documents each) and folders with a kustomization
//   namespace   set on every namespaced object
//   labels      pairs added to metadata.labels (includeSelectors: false)
//   images      name → newName:newTag on every container
//   patches     strategic merge (an object) or JSON 6902 (a list of ops), from
//               `path` or inline `patch`, on `target` {kind, name} or on the
//               object the patch names; a target's name is a regular
//               expression matching the whole name, and a strategic patch of
//               `$patch: delete` removes what it matches
//   secretGenerator   a Secret from `envs` files (KEY=value lines) and `files`,
//               with generatorOptions.disableNameSuffixHash: true (the names
//               the manifests refer to stay as they are)
//
// The strategic merge is the subset Kubernetes objects need here: maps merge
// key by key, lists whose items have a `name` (containers, env, ports,
// volumes, volumeMounts) merge item by item, other lists and scalars replace.
import { readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every YAML document of a file, parsed strictly (duplicate keys and syntax errors throw). */
export function readYamlDocuments(path: string): Json[] {
  const docs = parseAllDocuments(readFileSync(path, "utf8"), { uniqueKeys: true });
  if (!Array.isArray(docs)) throw new Error(`${path}: not YAML documents`);
  return docs
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map((e) => e.message).join("; ")}`);
      return d.toJS() as Json;
    })
    .filter((d) => d !== null && d !== undefined);
}

const clone = <T>(v: T): T => structuredClone(v);

/** Strategic merge of `patch` into `base` (see the header for the rules). */
export function strategicMerge(base: Json, patch: Json): Json {
  if (isObj(base) && isObj(patch)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete out[k];
      else out[k] = k in base ? strategicMerge(base[k], v) : clone(v);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && patch.every((p) => isObj(p) && typeof p.name === "string")) {
    if (!base.every((b) => isObj(b) && typeof b.name === "string")) return clone(patch);
    const out = base.map((b) => clone(b)) as Obj[];
    for (const p of patch as Obj[]) {
      const i = out.findIndex((b) => b.name === p.name);
      if (i >= 0) out[i] = strategicMerge(out[i], p) as Obj;
      else out.push(clone(p));
    }
    return out;
  }
  return clone(patch);
}

interface JsonPatchOp {
  op: "add" | "remove" | "replace";
  path: string;
  value?: Json;
}

/** JSON Patch (RFC 6902) with add, remove and replace; a missing path throws, as in kustomize. */
export function jsonPatch(doc: Json, ops: JsonPatchOp[]): Json {
  const out = clone(doc);
  for (const op of ops) {
    const keys = op.path
      .split("/")
      .slice(1)
      .map((k) => k.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = keys.pop();
    if (last === undefined) throw new Error(`JSON patch: empty path in ${JSON.stringify(op)}`);
    let parent: Json = out;
    for (const k of keys) {
      parent = Array.isArray(parent) ? parent[Number(k)] : isObj(parent) ? parent[k] : undefined;
      if (parent === undefined) throw new Error(`JSON patch: ${op.path} does not exist`);
    }
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (op.op !== "add" && (i < 0 || i >= parent.length)) throw new Error(`JSON patch: ${op.path} does not exist`);
      if (op.op === "add") parent.splice(i, 0, clone(op.value));
      else if (op.op === "remove") parent.splice(i, 1);
      else parent[i] = clone(op.value);
    } else if (isObj(parent)) {
      if (op.op !== "add" && !(last in parent)) throw new Error(`JSON patch: ${op.path} does not exist`);
      if (op.op === "remove") delete parent[last];
      else parent[last] = clone(op.value);
    } else {
      throw new Error(`JSON patch: ${op.path} does not exist`);
    }
  }
  return out;
}

const CLUSTER_SCOPED = new Set(["Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding"]);
const KNOWN_FIELDS = new Set([
  "apiVersion",
  "kind",
  "namespace",
  "labels",
  "resources",
  "images",
  "patches",
  "secretGenerator",
  "generatorOptions",
]);

interface Kustomization {
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }>;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path?: string; patch?: string; target?: { kind?: string; name?: string } }>;
  secretGenerator?: Array<{ name: string; envs?: string[]; files?: string[] }>;
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

export interface RenderOptions {
  /**
   * Contents that stand in for files by absolute path: the generators' inputs
   * are untracked files an operator writes, so a test renders with fixtures
   * (and never reads a real secret lying in a developer's checkout).
   */
  files?: Record<string, string>;
}

/** KEY=value lines of an env file; blank lines and # comments skipped. */
function parseEnvFile(text: string, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`${path}: not KEY=value: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function generatedSecrets(dir: string, k: Kustomization, opts: RenderOptions): K8sObject[] {
  if (!k.secretGenerator?.length) return [];
  if (k.generatorOptions?.disableNameSuffixHash !== true)
    throw new Error(`${dir}: only generators with generatorOptions.disableNameSuffixHash: true are supported`);
  const read = (file: string) => {
    const path = resolve(dir, file);
    return opts.files?.[path] ?? readFileSync(path, "utf8");
  };
  const b64 = (v: string) => Buffer.from(v, "utf8").toString("base64");
  return k.secretGenerator.map((g) => {
    const data: Record<string, string> = {};
    for (const f of g.envs ?? []) for (const [key, v] of Object.entries(parseEnvFile(read(f), f))) data[key] = b64(v);
    for (const f of g.files ?? []) data[basename(f)] = b64(read(f));
    return { apiVersion: "v1", kind: "Secret", metadata: { name: g.name }, type: "Opaque", data };
  });
}

function containersOf(obj: K8sObject): Obj[] {
  const spec = (obj.spec as Obj | undefined)?.template as Obj | undefined;
  const pod = spec?.spec as Obj | undefined;
  return [...((pod?.containers as Obj[] | undefined) ?? []), ...((pod?.initContainers as Obj[] | undefined) ?? [])];
}

/** The objects `kubectl kustomize <dir>` would print, in resource order. */
export function renderKustomization(dir: string, opts: RenderOptions = {}): K8sObject[] {
  const [k] = readYamlDocuments(join(dir, "kustomization.yaml")) as [Kustomization & Obj];
  const unknown = Object.keys(k).filter((key) => !KNOWN_FIELDS.has(key));
  if (unknown.length > 0) throw new Error(`${dir}: kustomization fields this renderer does not support: ${unknown}`);

  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = resolve(dir, r);
    objects.push(
      ...(statSync(path).isDirectory() ? renderKustomization(path, opts) : (readYamlDocuments(path) as K8sObject[])),
    );
  }
  objects.push(...generatedSecrets(dir, k, opts));

  for (const p of k.patches ?? []) {
    const body = p.path ? readYamlDocuments(join(dir, p.path))[0] : parseInlinePatch(p.patch ?? "");
    const matches = (o: K8sObject) =>
      p.target
        ? (!p.target.kind || o.kind === p.target.kind) &&
          (!p.target.name || new RegExp(`^(?:${p.target.name})$`).test(o.metadata.name))
        : isObj(body) && o.kind === body.kind && o.metadata.name === (body.metadata as Obj | undefined)?.name;
    let hits = 0;
    if (isObj(body) && body.$patch === "delete") {
      const kept = objects.filter((o) => !matches(o));
      hits = objects.length - kept.length;
      objects = kept;
      if (hits === 0) throw new Error(`${dir}: patch ${p.path ?? JSON.stringify(p.target)} matches no object`);
      continue;
    }
    objects = objects.map((o) => {
      if (!matches(o)) return o;
      hits++;
      if (Array.isArray(body)) return jsonPatch(o, body as JsonPatchOp[]) as K8sObject;
      // A targeted strategic patch keeps the object's own identity.
      const { metadata: _ignored, ...rest } = body as Obj;
      return strategicMerge(o, p.target ? rest : body) as K8sObject;
    });
    if (hits === 0) throw new Error(`${dir}: patch ${p.path ?? JSON.stringify(p.target)} matches no object`);
  }

  for (const o of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    for (const l of k.labels ?? []) {
      if (l.includeSelectors || l.includeTemplates) throw new Error(`${dir}: only labels on metadata are supported`);
      o.metadata.labels = { ...o.metadata.labels, ...l.pairs };
    }
    for (const c of containersOf(o)) {
      const [name, tag] = String(c.image).split(":");
      const img = (k.images ?? []).find((i) => i.name === name);
      if (img) c.image = `${img.newName ?? name}${(img.newTag ?? tag) ? `:${img.newTag ?? tag}` : ""}`;
    }
  }
  return objects;
}

function parseInlinePatch(text: string): Json {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0]?.errors.length) throw new Error(`inline patch: ${text}`);
  return docs[0]?.toJS();
}
