import type { ActionHandler, Context } from "moleculer";
import { describe, expect, it } from "vitest";
import {
  currentRequestId,
  jsonFormatter,
  logFields,
  prettyFormatter,
  requestScopeMiddleware,
} from "../../src/observability/index.js";

const printer = { printArgs: (args: unknown[]) => args.map((a) => (typeof a === "object" ? JSON.stringify(a) : a)) };
const bindings = { nodeID: "n1", ns: "seed", mod: "mall.pay", svc: "mall.pay" };

/** Runs `fn` as the handler of a local action serving a request with this id. */
function inRequest<T>(requestID: string, fn: () => T): Promise<T> {
  const wrap = requestScopeMiddleware.localAction as (h: ActionHandler) => ActionHandler;
  const handler = wrap((async () => fn()) as unknown as ActionHandler);
  return handler.call(undefined as never, { requestID } as Context) as Promise<T>;
}

describe("structured logs", () => {
  it("in JSON, puts correlation ids of a log call in fields of their own", () => {
    const [line] = jsonFormatter(
      "warn",
      ["policy mall-pay: attempt 1 failed", "timeout", logFields({ correlationId: "o-1", eventId: "e-1", seq: 7 })],
      bindings,
      printer,
    );
    const entry = JSON.parse(String(line));
    expect(entry).toMatchObject({
      level: "warn",
      msg: "policy mall-pay: attempt 1 failed timeout",
      nodeID: "n1",
      mod: "mall.pay",
      correlationId: "o-1",
      eventId: "e-1",
      seq: 7,
    });
    expect(entry.requestId).toBeUndefined();
    expect(Date.parse(entry.ts)).not.toBeNaN();
  });

  it("adds the id of the request being served to every line logged while it runs", async () => {
    const line = await inRequest("req-42", () => jsonFormatter("info", ["placing order"], bindings, printer)[0]);
    expect(JSON.parse(String(line))).toMatchObject({ msg: "placing order", requestId: "req-42" });
    // Outside any action: no request id.
    expect(JSON.parse(String(jsonFormatter("info", ["idle"], bindings, printer)[0])).requestId).toBeUndefined();
  });

  it("keeps the request id across awaits inside the action, and forgets it after", async () => {
    const seen = await inRequest("req-7", async () => {
      await new Promise((r) => setTimeout(r, 5));
      return currentRequestId();
    });
    expect(seen).toBe("req-7");
    expect(currentRequestId()).toBeUndefined();
  });

  it("in the pretty format, prints fields as key=value after the message", async () => {
    const parts = await inRequest("req-9", () =>
      prettyFormatter(
        "error",
        ["dead-lettered", logFields({ correlationId: "o-2", policy: "mall-pay" })],
        bindings,
        printer,
      ),
    );
    const text = parts.join(" ");
    expect(text).toMatch(/ERROR MALL\.PAY: dead-lettered correlationId=o-2 policy=mall-pay requestId=req-9$/);
  });

  it("prints a logged error's stack in the message", () => {
    const [line] = jsonFormatter("error", ["failed:", new Error("boom")], bindings, printer);
    expect(JSON.parse(String(line)).msg).toMatch(/^failed: Error: boom\n\s+at /);
  });
});
