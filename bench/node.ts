// A node under measurement, as a child process of the bench: the repository's
// own launcher (scripts/launch.ts) with the services of SERVICES, plus an
// observer of the orderStatuses view that answers the bench over IPC.
//
// The observer: every Projection of the process is noted when it starts (its
// public `onProgress` hook is called after each LevelDB batch is committed, i.e.
// when its rows become readable). For the orderStatuses view it notes which
// orders' OrderPlaced and PayPlaced each batch carried, and stamps them with the
// wall-clock time of the commit. Cost per batch: a loop over the batch's events
// and a Map write per order — nothing touches the request path.
import { loadConfig } from "@seed/platform/node";
// Projections are the platform's own; the bench observes them from the inside.
import { Projection } from "../packages/platform/src/projection.js";
import { catalog } from "../scripts/catalog.js";
import { launchNode } from "../scripts/launch.js";
import { exitWithParent, type Message, tell } from "./processes.js";

const projections: Projection[] = [];
const originalStart = Projection.prototype.start;
Projection.prototype.start = function (this: Projection) {
  if (!projections.includes(this)) {
    projections.push(this);
    if (this.projector.name === "view:orderStatuses") observe(this);
  }
  return originalStart.call(this);
};

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes of one machine. */
const wallNow = () => performance.timeOrigin + performance.now();

let armed = false;
const placedAt = new Map<string, number>();
const paidAt = new Map<string, number>();
let replayed = 0;
let progress: ((seq: number, target: number) => void) | undefined;

function observe(view: Projection): void {
  const apply = view.projector.apply.bind(view.projector);
  let placed: string[] = [];
  let paid: string[] = [];
  view.projector.apply = (batch, commit) => {
    replayed += commit.events.length;
    if (armed) {
      for (const e of commit.events) {
        const orderId = (e.data as { orderId?: string }).orderId;
        if (!orderId) continue;
        if (e.type === "OrderPlaced") placed.push(orderId);
        else if (e.type === "PayPlaced") paid.push(orderId);
      }
    }
    return apply(batch, commit);
  };
  view.onProgress = (seq, target) => {
    progress?.(seq, target);
    if (placed.length === 0 && paid.length === 0) return;
    const now = wallNow();
    for (const id of placed) if (!placedAt.has(id)) placedAt.set(id, now);
    for (const id of paid) if (!paidAt.has(id)) paidAt.set(id, now);
    placed = [];
    paid = [];
  };
}

const viewProjection = () => projections.find((p) => p.projector.name === "view:orderStatuses");

async function main(): Promise<void> {
  const config = loadConfig(process.env, catalog);
  const launched = await launchNode(config, { healthPort: config.HEALTH_PORT });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= launched.stop().catch(() => {});
    return stopping;
  };
  process.on("SIGTERM", () => stop().finally(() => process.exit(0)));
  process.on("SIGINT", () => {}); // the bench stops its children itself
  exitWithParent(stop);

  process.on("message", async (m: Message) => {
    try {
      if (m.type === "arm") {
        placedAt.clear();
        paidAt.clear();
        armed = true;
        tell({ type: "armed" });
      } else if (m.type === "marks") {
        tell({ type: "marks", placed: [...placedAt], paid: [...paidAt] });
      } else if (m.type === "rebuild") {
        await rebuild(launched.node.broker);
      }
    } catch (err) {
      tell({ type: "error", message: (err as Error).stack ?? String(err) });
    }
  });
  tell({ type: "ready", url: launched.url, services: launched.node.services });
}

/** Times mall.orderStatus.rebuild (called like an operator would), reporting progress as it goes. */
async function rebuild(broker: import("moleculer").ServiceBroker): Promise<void> {
  const view = viewProjection();
  if (!view) throw new Error("this node does not run mall.orderStatus");
  let lastTell = 0;
  progress = (seq, target) => {
    const now = Date.now();
    if (now - lastTell >= 250) {
      lastTell = now;
      tell({ type: "progress", seq, target });
    }
  };
  replayed = 0;
  const started = performance.now();
  const positions = await broker.call("mall.orderStatus.rebuild", {}, { timeout: 0 });
  const ms = performance.now() - started;
  progress = undefined;
  tell({ type: "rebuilt", ms, events: replayed, seq: view.seq, positions });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench node failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
