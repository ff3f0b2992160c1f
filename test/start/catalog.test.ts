// A node loads only the code of the systems it runs: the catalog's manifests
// match the systems they load, and in the built node each system's code is
// reached only through a dynamic import, never from the entry's static imports.
// The packages are bundled with it, but for those that read their own folder.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuildMetafile, buildEntries, ON_DISK, packageName, ROOT } from "../../scripts/build.js";
import { catalog } from "../../scripts/catalog.js";

describe("the catalog", () => {
  it("loads, for each manifest, the system of that name with exactly the services it names", async () => {
    for (const entry of catalog) {
      const system = await entry.load();
      expect(system.name).toBe(entry.name);
      expect(Object.keys(system.services)).toEqual([...entry.services]);
      expect(system.roles).toEqual(entry.roles);
      expect(system.settings).toBe(entry.settings);
    }
  });
});

describe("the built node", () => {
  const outDir = mkdtempSync(join(tmpdir(), "seed-build-"));
  let meta: BuildMetafile;
  beforeAll(async () => {
    meta = await buildEntries({ entries: [join(ROOT, "scripts", "node.ts")], outDir });
  }, 60_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  /** Sources of the files reachable from `file` by imports that `follow` accepts. */
  function reachable(meta: BuildMetafile, file: string, follow: (to: string, kind: string) => boolean): string[] {
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const i of meta.outputs[f]?.imports ?? []) if (!i.external && follow(i.path, i.kind)) visit(i.path);
    };
    visit(file);
    return [...seen].flatMap((f) => Object.keys(meta.outputs[f]?.inputs ?? {}));
  }

  it("reaches a system's services only through that system's own chunk, loaded on demand", () => {
    const chunkOf = (source: string) =>
      Object.keys(meta.outputs).find((file) => source in (meta.outputs[file]?.inputs ?? {})) as string;
    const entry = chunkOf("scripts/node.ts");
    const systemChunks = new Map(catalog.map((s) => [chunkOf(`packages/${s.name}/src/index.ts`), s.name]));
    expect(systemChunks.size).toBe(catalog.length);
    const gatewayChunk = chunkOf("packages/gateway/src/index.ts");
    expect(systemChunks.has(gatewayChunk)).toBe(false);

    // What a node loads before it has chosen its systems (every import but the
    // dynamic ones of a system or the gateway): no service, no gateway.
    const onDemand = (to: string) => systemChunks.has(to) || to === gatewayChunk;
    const atStart = reachable(meta, entry, (to, kind) => !(kind === "dynamic-import" && onDemand(to)));
    expect(atStart).toContain("packages/mall/src/manifest.ts");
    expect(atStart.filter((s) => s.endsWith(".service.ts") || s.startsWith("packages/gateway/"))).toEqual([]);

    // A system's chunk and what it imports statically hold no other system's services.
    for (const [chunk, name] of systemChunks) {
      const loaded = reachable(meta, chunk, (_, kind) => kind === "import-statement");
      const services = loaded.filter((s) => s.endsWith(".service.ts"));
      expect(services.length, name).toBeGreaterThan(0);
      expect(
        services.filter((s) => !s.startsWith(`packages/${name}/`)),
        name,
      ).toEqual([]);
    }
  });

  it("bundles the packages: only those that read their own folder, and optional ones not installed, stay outside", () => {
    const outside = new Set(
      Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)),
    );
    const packageOf = (path: string) => /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
    const fromDisk = [...outside].filter((p) => p.startsWith("/")).map(packageOf);
    expect(fromDisk).toContain("classic-level");
    expect(fromDisk.filter((name) => !ON_DISK.includes(name as string))).toEqual([]);
    // Named, not found by path: Node's own modules, and packages no one installed
    // (Moleculer's other transporters and loggers, required only when configured).
    const named = [...outside].filter((p) => !p.startsWith("/") && !isBuiltin(p));
    expect(named.length).toBeGreaterThan(0);
    const anywhere = join(ROOT, "node_modules", ".pnpm", "node_modules");
    expect(named.filter((p) => existsSync(join(anywhere, packageName(p))))).toEqual([]);
  });
});
