// `npm run repl`: the Moleculer REPL (moleculer-repl) on a node of its own
// that joins the running system over NATS — NATS_URL, or the URL `npm start`
// wrote to DATA_DIR/nats.url — in NAMESPACE. Moleculer's built-in commands
// (nodes, services, actions, call, emit, metrics, …) plus the operator's:
//
//   events tail <system> [--from <seq>]   follow a system's events until Enter or Ctrl-C
//   streams                               streams and durable consumers (lag, ack pending, redelivered)
//   deadletters [system]                  dead letters with their errors
//   deadletters replay <seq>              hand one back to the policy that wrote it
//   rebuild <service> [--node <id>]       rebuild one instance's projections, with a progress bar
//   breakers                              every node's circuit breakers
//   flow <correlationId> [--system <s>]   one flow's steps in order across services
//
// What each command does lives in @seed/platform/operations (observability/operator.ts);
// this file parses arguments and prints.
import { hostname } from "node:os";
import type { Interface } from "node:readline";
// Imported statically: bundled, a package that is a CommonJS module comes out
// of a dynamic import with its exports under `default` only.
import { ServiceBroker } from "moleculer";
import { configOrFail, fail, loadOrFail, natsUrlOrFail } from "./lifecycle.js";

const USAGE = `usage: npm run repl

Joins the running system as a node of its own and opens the Moleculer REPL.
Environment: NATS_URL (default: the URL \`npm start\` wrote to DATA_DIR/nats.url),
NAMESPACE (must match the system's), LOG_LEVEL (default here: warn).
Type \`help\` in the REPL for every command.`;

/** What moleculer-repl passes to a custom command's action. */
interface CommandArgs {
  options: Record<string, unknown>;
  [positional: string]: unknown;
}

type ReplServer = Interface & {
  eval: (cmd: string, context: unknown, file: string, cb: (err: Error | null, result?: unknown) => void) => void;
};

interface CustomCommand {
  command: string;
  description: string;
  options?: Array<{ option: string; description: string }>;
  action(broker: unknown, args: CommandArgs): Promise<void>;
}

async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.env.LOG_LEVEL ??= "warn";
  const [node, operations, { default: brokerConfig }, { systems }] = await loadOrFail(() =>
    Promise.all([
      import("@seed/platform/node"),
      import("@seed/platform/operations"),
      import("../broker.config.js"),
      import("./systems.js"),
    ]),
  );
  const systemNames = systems.map((s) => s.name);
  let config = configOrFail(() => node.loadConfig(process.env, systems));
  config = {
    ...config,
    NATS_URL: natsUrlOrFail(config, "Run `npm start` first, or set NATS_URL to the NATS server the system uses."),
  };

  const options = brokerConfig(config);
  options.nodeID = config.NODE_ID || `repl-${hostname()}-${process.pid}`;
  options.skipProcessEventRegistration = true;
  const broker = new ServiceBroker(options);
  broker.createService(operations.opsService(broker));
  let nc: Awaited<ReturnType<typeof node.connectEvents>>;
  try {
    nc = await node.connectEvents(config, options.nodeID);
    await broker.start();
  } catch (err) {
    fail(`Could not join the system at ${config.NATS_URL}. Is it running (\`npm start\`)?`, err);
  }
  const events = new operations.EventStore(nc, config);

  // `events tail` runs in the foreground: until Enter or Ctrl-C, input lines
  // only stop it (they are not commands), and the prompt comes back after.
  let server: ReplServer | undefined;
  const untilEnterOrCtrlC = () =>
    new Promise<void>((resolve) => {
      const repl = server;
      if (!repl) return resolve();
      const saved = { line: repl.listeners("line"), SIGINT: repl.listeners("SIGINT") };
      repl.removeAllListeners("line");
      repl.removeAllListeners("SIGINT");
      const done = () => {
        repl.off("line", done);
        repl.off("SIGINT", done);
        repl.off("close", done);
        for (const l of saved.line) repl.on("line", l as (line: string) => void);
        for (const l of saved.SIGINT) repl.on("SIGINT", l as () => void);
        resolve();
      };
      repl.on("line", done);
      repl.on("SIGINT", done);
      repl.on("close", done);
    });
  const print = (text: string) => console.log(text);
  const failed = (err: unknown) => console.log(`error: ${(err as Error).message ?? String(err)}`);

  const commands: CustomCommand[] = [
    {
      command: "tail <system>",
      description: "Follow a system's events as they are appended (also `events tail`), until Enter or Ctrl-C",
      options: [{ option: "--from <seq>", description: "start at this stream sequence (default: new events only)" }],
      async action(_broker, args) {
        const system = String(args.system);
        if (!systemNames.includes(system)) {
          return print(`no system "${system}"; the systems are: ${systemNames.join(", ")}`);
        }
        const from = args.options.from === undefined ? undefined : Number(args.options.from);
        if (from !== undefined && !(Number.isInteger(from) && from > 0)) return print("--from takes a sequence ≥ 1");
        let tail: { stop(): Promise<void> };
        try {
          tail = await operations.tailEvents(events, system, { from }, (e) => print(operations.formatEventLine(e)));
        } catch (err) {
          return failed(err);
        }
        print(`following ${system} ${from ? `from #${from}` : "(new events)"}; press Enter or Ctrl-C to stop`);
        await untilEnterOrCtrlC();
        await tail.stop();
        print(`stopped following ${system}`);
      },
    },
    {
      command: "streams",
      description: "Streams (messages, bytes, first/last seq, replicas, leader) and durable consumers (lag)",
      async action() {
        try {
          print(operations.formatStreams(await operations.streamsReport(events)));
        } catch (err) {
          failed(err);
        }
      },
    },
    {
      command: "deadletters [system] [seq]",
      description: "List dead letters (of one system), or `deadletters replay <seq>` to handle one again",
      async action(_broker, args) {
        try {
          if (args.system === "replay") {
            const seq = Number(args.seq);
            if (!Number.isInteger(seq) || seq < 1) return print("usage: deadletters replay <seq>");
            const r = await operations.replayDeadLetter(broker, events, seq);
            return print(`dead letter ${seq} replayed by ${r.service} (${r.subject} #${r.seq}); removed from the list`);
          }
          const system = typeof args.system === "string" ? args.system : undefined;
          print(operations.formatDeadLetters(await operations.listDeadLetters(events, system ? { system } : {})));
        } catch (err) {
          failed(err);
        }
      },
    },
    {
      command: "rebuild <service>",
      description: "Rebuild one instance's projections from the stream, with a progress bar",
      options: [{ option: "--node <nodeID>", description: "the instance's node (default: the first running it)" }],
      async action(_broker, args) {
        const service = String(args.service);
        const nodeID = typeof args.options.node === "string" ? args.options.node : undefined;
        try {
          let shown = 0;
          const r = await operations.rebuildWithProgress(
            broker,
            service,
            (p) => {
              // Redraw the bars in place on a terminal; one block per report otherwise.
              const text = operations.formatProgress(p);
              if (process.stdout.isTTY && shown > 0) process.stdout.write(`\x1b[${shown}A\x1b[0J`);
              print(text);
              shown = text.split("\n").length;
            },
            { nodeID },
          );
          print(`rebuilt ${service} on ${r.nodeID}: ${JSON.stringify(r.positions)}`);
        } catch (err) {
          failed(err);
        }
      },
    },
    {
      command: "flow <correlationId>",
      description:
        "One flow's steps in order across services: each event, the call or event that caused it, when, how long after",
      options: [
        { option: "--system <system>", description: "look in this system's stream only (default: every system)" },
      ],
      async action(_broker, args) {
        const system = typeof args.options.system === "string" ? args.options.system : undefined;
        if (system && !systemNames.includes(system)) {
          return print(`no system "${system}"; the systems are: ${systemNames.join(", ")}`);
        }
        const correlationId = String(args.correlationId);
        try {
          const steps = await operations.readFlow(events, system ? [system] : systemNames, correlationId);
          print(operations.formatFlow(correlationId, steps, await operations.readFlowCalls(broker, steps)));
        } catch (err) {
          failed(err);
        }
      },
    },
    {
      command: "breakers",
      description: "Circuit breakers of every node: action, node it runs on, state, failures/calls",
      async action() {
        try {
          print(operations.formatBreakers(await operations.clusterBreakers(broker)));
        } catch (err) {
          failed(err);
        }
      },
    },
  ];

  // broker.repl() is `require("moleculer-repl")(broker, options.replOptions)`;
  // under pnpm Moleculer cannot resolve the package itself, so this calls it.
  // An import the build sees: it stays on disk and is imported by its path
  // (scripts/build.ts), wherever the built REPL runs from.
  const { default: repl } = (await loadOrFail(() => import("moleculer-repl"))) as unknown as {
    default: (broker: unknown, opts: { customCommands: CustomCommand[]; delimiter: string }) => ReplServer;
  };
  server = repl(broker, { customCommands: commands, delimiter: "seed $" });
  // `events` is Moleculer's built-in (event subscriptions); `events tail …` is ours.
  const builtinEval = server.eval;
  server.eval = function (cmd, context, file, cb) {
    const rewritten = cmd.replace(/^\s*events\s+tail(\s|$)/, "tail$1");
    return builtinEval.call(this, rewritten, context, file, cb);
  };
  server.on("exit", () => {
    void nc.drain().catch(() => {});
  });
}

main().catch((err: unknown) =>
  fail("The REPL stopped with an unexpected error.", err instanceof Error ? err.stack : err),
);
