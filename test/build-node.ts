// The node entry of spawned test nodes, built once per run: one ES module
// bundling the platform, the systems and scripts/node.ts, so a child process
// starts on plain JavaScript instead of transpiling every file at start (about
// a second of CPU per node on a loaded machine). Packages from node_modules
// stay outside the bundle, imported by absolute path as Node would resolve them
// from the importing file; each bundled file keeps its own `import.meta.url`,
// so paths built from it (the web dist, swagger-ui) point where they do in
// the sources.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

// esbuild comes with tsx (a dependency of the workspace root).
const tsxRequire = createRequire(createRequire(import.meta.url).resolve("tsx"));
const esbuild = tsxRequire("esbuild") as { build(options: object): Promise<unknown> };

// The part of esbuild's plugin API used here (its types are not a dependency of the workspace).
interface ResolveArgs {
  path: string;
  kind: string;
  importer: string;
  resolveDir: string;
  pluginData?: unknown;
}
interface PluginBuild {
  resolve(
    path: string,
    options: { kind: string; resolveDir: string; importer: string; pluginData: unknown },
  ): Promise<{ path: string; external: boolean; errors: object[] }>;
  onResolve(options: { filter: RegExp }, callback: (args: ResolveArgs) => Promise<object | undefined>): void;
  onLoad(options: { filter: RegExp }, callback: (args: { path: string }) => Promise<object>): void;
}

/** Bundles testing/fault-node.ts into `outDir`; returns the path of the built entry. */
export async function buildTestNode(outDir: string): Promise<string> {
  const outfile = join(outDir, "node.mjs");
  await esbuild.build({
    entryPoints: [join(ROOT, "packages", "platform", "testing", "fault-node.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    sourcemap: "inline",
    logLevel: "error",
    plugins: [
      {
        name: "seed-test-node",
        setup(build: PluginBuild) {
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.path.startsWith("node:") || args.path.startsWith("@seed/")) return undefined;
            if (args.pluginData === "seed-resolving") return undefined;
            const found = await build.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: "seed-resolving",
            });
            if (found.errors.length > 0) return { errors: found.errors };
            // Built-in modules named without "node:" stay as they are.
            if (found.external && !found.path.startsWith("/")) return { path: args.path, external: true };
            return { path: found.path, external: true };
          });
          build.onLoad({ filter: /\.ts$/ }, async (args) => {
            const source = await readFile(args.path, "utf8");
            const url = JSON.stringify(pathToFileURL(args.path).href);
            return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
          });
        },
      },
    ],
  });
  return outfile;
}
