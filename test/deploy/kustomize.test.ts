// The offline kustomize rendering the deploy tests rely on: each rule it
// applies, and that it refuses what it does not know instead of guessing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonPatch, renderKustomization, strategicMerge } from "./kustomize.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "seed-kustomize-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: node
          image: seed
          env: [{name: A, value: "1"}, {name: B, value: "2"}]
          args: ["x", "y"]
`;

describe("strategic merge", () => {
  it("merges maps by key and named list items by name, replaces other lists", () => {
    const base = {
      a: { b: 1, c: 2 },
      list: [
        { name: "x", v: 1 },
        { name: "y", v: 2 },
      ],
      args: ["1", "2"],
    };
    const out = strategicMerge(base, {
      a: { c: 3 },
      list: [
        { name: "y", v: 9 },
        { name: "z", v: 0 },
      ],
      args: ["3"],
    });
    expect(out).toEqual({
      a: { b: 1, c: 3 },
      list: [
        { name: "x", v: 1 },
        { name: "y", v: 9 },
        { name: "z", v: 0 },
      ],
      args: ["3"],
    });
    expect(base.list[1]?.v).toBe(2); // the input is untouched
  });

  it("deletes a key patched with null", () => {
    expect(strategicMerge({ a: 1, b: 2 }, { b: null })).toEqual({ a: 1 });
  });
});

describe("JSON patch", () => {
  it("adds, replaces and removes; a missing path throws", () => {
    const doc = { spec: { replicas: 2, tls: [1], rules: [{ host: "a" }] } };
    expect(
      jsonPatch(doc, [
        { op: "replace", path: "/spec/replicas", value: 1 },
        { op: "remove", path: "/spec/tls" },
        { op: "replace", path: "/spec/rules/0/host", value: "b" },
        { op: "add", path: "/spec/paused", value: true },
      ]),
    ).toEqual({ spec: { replicas: 1, rules: [{ host: "b" }], paused: true } });
    expect(() => jsonPatch(doc, [{ op: "replace", path: "/spec/nothing", value: 1 }])).toThrow(/does not exist/);
  });
});

describe("renderKustomization", () => {
  it("applies resources, patches, namespace, labels and images in one overlay", () => {
    const base = folder({
      "kustomization.yaml": "resources: [web.yaml]\nlabels: [{pairs: {team: t}}]\n",
      "web.yaml": deployment,
    });
    const overlay = folder({
      "kustomization.yaml": `namespace: demo
resources: [${base}]
images: [{name: seed, newName: registry/seed, newTag: "1.2"}]
patches:
  - path: env.yaml
  - target: {kind: Deployment}
    patch: |-
      - op: replace
        path: /spec/replicas
        value: 1
`,
      "env.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n" +
        "      containers: [{name: node, env: [{name: B, value: '3'}]}]\n",
    });
    const [web] = renderKustomization(overlay);
    expect(web?.metadata).toMatchObject({ name: "web", namespace: "demo", labels: { app: "web", team: "t" } });
    const spec = web?.spec as { replicas: number; selector: unknown; template: { spec: { containers: unknown[] } } };
    expect(spec.replicas).toBe(1);
    expect(spec.selector).toEqual({ matchLabels: { app: "web" } }); // selectors are left alone
    expect(spec.template.spec.containers).toEqual([
      {
        name: "node",
        image: "registry/seed:1.2",
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "3" },
        ],
        args: ["x", "y"],
      },
    ]);
  });

  it("a target's name is a regular expression over the whole name; `$patch: delete` removes what it matches", () => {
    const second = deployment.replaceAll("web", "webhook");
    const third = deployment.replaceAll("web", "api");
    const dir = folder({
      "kustomization.yaml": `resources: [all.yaml]
patches:
  - target: {kind: Deployment, name: "web|api"}
    patch: |-
      $patch: delete
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: any}
`,
      "all.yaml": [deployment, second, third].join("---\n"),
    });
    expect(renderKustomization(dir).map((o) => o.metadata.name)).toEqual(["webhook"]);
    const none = folder({
      "kustomization.yaml":
        "resources: [web.yaml]\npatches: [{target: {kind: Deployment, name: we}, patch: '$patch: delete'}]\n",
      "web.yaml": deployment,
    });
    expect(() => renderKustomization(none)).toThrow(/matches no object/);
  });

  it("refuses unknown kustomization fields and patches that match nothing", () => {
    const unknown = folder({ "kustomization.yaml": "resources: [web.yaml]\nnamePrefix: x-\n", "web.yaml": deployment });
    expect(() => renderKustomization(unknown)).toThrow(/namePrefix/);
    const stray = folder({
      "kustomization.yaml": "resources: [web.yaml]\npatches: [{target: {kind: StatefulSet}, patch: '[]'}]\n",
      "web.yaml": deployment,
    });
    expect(() => renderKustomization(stray)).toThrow(/matches no object/);
  });

  it("refuses YAML with duplicate keys", () => {
    const dup = folder({ "kustomization.yaml": "resources: [a.yaml]\n", "a.yaml": "kind: A\nkind: B\n" });
    expect(() => renderKustomization(dup)).toThrow();
  });
});
