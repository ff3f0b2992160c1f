// How a node's process is started, wherever it is started from: `npm start`,
// `npm run node`, `npm run cluster` and `npm run repl` (scripts/run.mjs), the
// local cluster's supervisor and the bench. The Dockerfile repeats both (its
// CMD and ENV; test/deploy/dockerfile.test.ts holds them equal). Plain JavaScript: run.mjs
// reads it before any TypeScript tooling exists. Figures: docs/PERFORMANCE.md,
// "Idle memory".

/**
 * The run-time entries, `scripts/<name>.ts`, that scripts/build.ts bundles
 * into .build/ and scripts/run.mjs runs from there: `npm start`, `npm run
 * node`, `npm run cluster` and `npm run repl`.
 */
export const RUNTIME_ENTRY_NAMES = ["start", "node", "cluster", "repl"];

/**
 * Node's flags. V8 grows the young generation up to 2 × 32 MB while a node
 * starts (module loading survives many scavenges) and never gives it back
 * while the node idles; 2 × 8 MB holds what a busy node allocates between two
 * scavenges and costs a node about 20 MB less at rest.
 */
export const NODE_FLAGS = ["--max-semi-space-size=8"];

/**
 * Environment a node starts with unless the operator set the variable.
 * glibc serves an allocation above its mmap threshold from a mapping of its
 * own and unmaps it when freed, but raises that threshold to the largest
 * block freed so far: after the first login, every 16 MB scrypt block (one per
 * password check, on libuv's threads) comes from the threads' heaps and stays
 * resident there, about 50 MB of a node at rest. A fixed threshold (1 MiB:
 * smaller blocks, the busy path's, stay in the heaps) keeps those blocks
 * mapped apart and returned.
 */
export const NODE_ENV = { MALLOC_MMAP_THRESHOLD_: "1048576" };

/** `env` with NODE_ENV's variables added where it has none of its own. */
export function withNodeEnv(env) {
  return { ...NODE_ENV, ...env };
}
