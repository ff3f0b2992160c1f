// Test files share their worker processes (`isolate: false`: a file does not
// load Moleculer, NATS and the systems again), so each must stop what it
// started. After a file's own hooks, no socket, listening server or child
// process may be left: a node still running would go on taking events from
// the shared durable consumers while the next file in that worker runs.
import { afterAll } from "vitest";

const leftOpen = () =>
  process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP") || r === "UDPWrap" || r === "ProcessWrap");

afterAll(async () => {
  // A closed connection leaves the list a moment after its close resolved.
  const deadline = Date.now() + 2000;
  while (leftOpen().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const left = leftOpen();
  if (left.length > 0)
    throw new Error(`this file left ${left.join(", ")} open: stop every node, connection and server it starts`);
});
