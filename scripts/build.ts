// Node entries bundled into plain JavaScript, so that a node starts without
// transpiling TypeScript (about a second of CPU per node, and the memory of
// the transpiler). One ES module per entry, code the entries share split into
// chunks. Each system's code is loaded by a dynamic `import()` (scripts/catalog.ts)
// and so lands in a chunk of its own, read only by a node that runs the system.
// Packages from node_modules are bundled too: a node used to load about 500
// files of theirs one by one (Moleculer's 135, TypeBox's 250), and that
// loading was a third of its start. Only packages that need their own folder
// at run time stay outside (ON_DISK), imported by absolute path as Node would
// resolve them from the importing file. Each bundled file of ours keeps its
// own `import.meta.url`, so paths built from it (the web dist, the
// repository root) point where they do in the sources. An entry keeps the
// bundle's own URL: it checks whether it is the process's entry by it.
//
// `node --import tsx scripts/build.ts` builds the entries of `npm start`,
// `npm run node`, `npm run cluster` and `npm run repl` into .build/
// (scripts/run.mjs does that when a source is newer than the last build).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { RUNTIME_ENTRY_NAMES } from "./node-process.mjs";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Where the run-time entries are built (see scripts/run.mjs). */
export const BUILD_DIR = join(ROOT, ".build");

/** The run-time entries: `npm start`, `npm run node`, `npm run cluster`, `npm run repl`. */
export const RUNTIME_ENTRIES = RUNTIME_ENTRY_NAMES.map((name) => join(ROOT, "scripts", `${name}.ts`));

// esbuild comes with tsx (a production dependency of the workspace root).
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

/**
 * Packages that stay files in node_modules: each reads its own folder at run
 * time (a native addon found from `__dirname`, Swagger UI's page and scripts,
 * the REPL's commands listed from their folder).
 */
export const ON_DISK = ["classic-level", "node-gyp-build", "swagger-ui-dist", "moleculer-repl"];

/** `@scope/name` or `name` of an import like `@scope/name/sub/path`. */
export function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

/** Whether `name` is in a node_modules folder at or above `dir` (as Node looks for it), remembered per folder. */
const lookedUp = new Map<string, boolean>();
function installed(name: string, dir: string): boolean {
  const key = `${dir}\u0000${name}`;
  let found = lookedUp.get(key);
  if (found === undefined) {
    found = existsSync(join(dir, "node_modules", name)) || (dirname(dir) !== dir && installed(name, dirname(dir)));
    lookedUp.set(key, found);
  }
  return found;
}

/**
 * Bundled CommonJS code calls `require` for what stays outside (built-in
 * modules, the packages above); an ES module has none of its own.
 */
const REQUIRE_BANNER =
  'import { createRequire as __seedCreateRequire } from "node:module"; const require = __seedCreateRequire(import.meta.url);';

export interface BuildOptions {
  /** Source files, each built into `<outDir>/<its name>.mjs`. */
  entries: string[];
  outDir: string;
  /**
   * Source maps beside each file (tests: `NODE_OPTIONS=--enable-source-maps`
   * makes a child's stack traces name the sources) or none.
   */
  sourcemap?: "linked" | false;
}

/** What esbuild reports of the files it wrote: each one's sources and the files it imports. */
export interface BuildMetafile {
  outputs: Record<
    string,
    { inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string; external?: boolean }> }
  >;
}

/** Bundles the entries into `outDir`; returns what each written file holds and imports. */
export async function buildEntries({ entries, outDir, sourcemap = false }: BuildOptions): Promise<BuildMetafile> {
  const entryPaths = new Set(entries.map((e) => resolve(e)));
  const result = (await esbuild.build({
    entryPoints: entries,
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    sourcemap,
    sourcesContent: false,
    banner: { js: REQUIRE_BANNER },
    metafile: true,
    logLevel: "error",
    plugins: [
      {
        name: "seed-node-entries",
        setup(build: PluginBuild) {
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.path.startsWith("node:") || args.path.startsWith("@seed/")) return undefined;
            if (args.pluginData === "seed-resolving") return undefined;
            const name = packageName(args.path);
            const onDisk = ON_DISK.includes(name);
            if (!onDisk && args.importer.includes("/node_modules/")) {
              // A package importing another: esbuild resolves it, unless it is an
              // optional dependency that is not installed (Moleculer's other
              // transporters, loggers, serializers, required only when
              // configured, which this project never does). Asking esbuild to
              // resolve each of these thousands of imports for us doubled the
              // build's time.
              return installed(name, args.resolveDir) ? undefined : { path: args.path, external: true };
            }
            const found = await build.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: "seed-resolving",
            });
            if (found.errors.length > 0) return { errors: found.errors };
            // Built-in modules named without "node:" stay as they are.
            if (found.external && !found.path.startsWith("/")) return { path: args.path, external: true };
            return onDisk ? { path: found.path, external: true } : { path: found.path };
          });
          build.onLoad({ filter: /\.ts$/ }, async (args) => {
            const source = await readFile(args.path, "utf8");
            if (entryPaths.has(args.path)) return { contents: source, loader: "ts" };
            const url = JSON.stringify(pathToFileURL(args.path).href);
            return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
          });
        },
      },
    ],
  })) as { metafile: BuildMetafile };
  return result.metafile;
}

const isEntry = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  const began = performance.now();
  await buildEntries({ entries: RUNTIME_ENTRIES, outDir: BUILD_DIR });
  process.stderr.write(`[seed] built ${BUILD_DIR} in ${Math.round(performance.now() - began)} ms\n`);
}
