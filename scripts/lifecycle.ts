// Process lifecycle shared by `npm start` and `npm run node`: run until a
// signal, then shut down gracefully within bounds; clear one-paragraph failures.
// No application imports here, so it works even when those fail to load.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ShutdownStep {
  name: string;
  stop: () => Promise<void>;
  /** Longest wait for this step; the next steps still run when it is exceeded. */
  timeoutMs: number;
}

export const say = (line: string) => process.stderr.write(`[seed] ${line}\n`);

function within(step: ShutdownStep): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${step.name} did not stop within ${step.timeoutMs} ms`)),
      step.timeoutMs,
    );
    step.stop().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * On the first SIGINT/SIGTERM runs the steps in order, each bounded, then exits
 * 0 (1 if a step failed or timed out). A second signal exits at once after
 * calling `force` (e.g. to kill a child that would otherwise outlive us).
 */
export function stopOnSignals(steps: ShutdownStep[], opts: { force?: () => void } = {}): void {
  let stopping = 0;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C can arrive twice (the terminal's and one forwarded by a wrapper such as npm).
      if (Date.now() - stopping < 1000) return;
      say(`${signal} again: exiting now`);
      opts.force?.();
      process.exit(130);
    }
    stopping = Date.now();
    say(`${signal}: shutting down gracefully (press Ctrl-C again to force)`);
    let code = 0;
    for (const step of steps) {
      try {
        await within(step);
      } catch (err) {
        code = 1;
        say(`${(err as Error).message}`);
      }
    }
    say(code === 0 ? "stopped" : "stopped with errors");
    process.exit(code);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/** Prints one clear paragraph (and the cause) and exits 1. */
export function fail(message: string, err?: unknown): never {
  const cause = err instanceof Error ? err.message : err === undefined ? "" : String(err);
  process.stderr.write(`\n[seed] ${message}${cause ? `\n\n${cause}` : ""}\n\n`);
  process.exit(1);
}

/** Imports the project's code; a broken or missing dependency ends in a clear message. */
export function loadOrFail<T>(load: () => Promise<T>): Promise<T> {
  return load().catch((err: unknown) =>
    fail(
      "Could not load the project's code or its dependencies. Run `npm run pnpm -- install` (or delete " +
        "node_modules and run `npm start` again, which installs them), then check the error below.",
      err instanceof Error ? (err.stack ?? err.message) : err,
    ),
  );
}

/** The validated configuration, or a clear message naming each invalid variable. */
export function configOrFail<C>(load: () => C): C {
  try {
    return load();
  } catch (err) {
    fail("The configuration from the environment is invalid; fix these variables and start again.", err);
  }
}

/**
 * NATS_URL, or else the URL of the nats-server `npm start` runs (written to
 * DATA_DIR/nats.url); `fail`s with `hint` when there is neither.
 */
export function natsUrlOrFail(config: { NATS_URL: string; DATA_DIR: string }, hint: string): string {
  if (config.NATS_URL) return config.NATS_URL;
  const urlFile = join(config.DATA_DIR, "nats.url");
  let url = "";
  try {
    url = readFileSync(urlFile, "utf8").trim();
  } catch {
    // no local NATS started
  }
  if (!url) fail(`No NATS to join: NATS_URL is not set and ${urlFile} does not exist. ${hint}`);
  return url;
}
