import type { ActionHandler, Context } from "moleculer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { subjectOf } from "../src/event-store.js";
import { requestScopeMiddleware } from "../src/observability/request-scope.js";
import type { RepositoryDeclaration } from "../src/repository.js";
import {
  type Connected,
  type CounterCommand,
  type CounterState,
  connectEvents,
  countOn,
  dropStream,
  startInstance,
  uniqueSystem,
} from "./helpers.js";

/** Runs `work` the way an action serving this request runs: inside its scope. */
function inRequest<T>(request: { id: string; deadline?: number }, work: () => Promise<T>): Promise<T> {
  const wrap = requestScopeMiddleware.localAction as unknown as (handler: ActionHandler) => ActionHandler;
  const ctx = { requestID: request.id, meta: request.deadline === undefined ? {} : { deadline: request.deadline } };
  return wrap(() => work()).call(undefined as never, ctx as unknown as Context) as Promise<T>;
}

describe("A command issued while a request is served", () => {
  let c: Connected;
  let system: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    c = await connectEvents();
    system = uniqueSystem();
    await c.events.ensureStream(system);
  });
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
    await dropStream(c.events, system);
    await c.close();
  });

  const instance = async (declared?: RepositoryDeclaration<CounterState, CounterCommand>) => {
    const i = await startInstance(c, system, declared ? { declared } : {});
    cleanups.push(() => i.stop());
    return i;
  };
  const stored = (id: string) => countOn(c.events, system, subjectOf(system, "counter", id));

  it("is caused by the request and correlated by the aggregate's id, with no options", async () => {
    const { repo } = await instance();
    const out = await inRequest({ id: "req-1", deadline: Date.now() + 5000 }, () =>
      repo.execute("k", { type: "Add", by: 1 }),
    );
    expect(out.events[0]).toMatchObject({ correlationId: "k", causationId: "req-1" });
  });

  it("is refused with 503 and stores nothing once its caller's deadline has passed", async () => {
    const { repo } = await instance();
    const late = inRequest({ id: "req-late", deadline: Date.now() + 10 }, () =>
      repo.execute("late", { type: "Add", by: 1 }),
    );
    await expect(late).rejects.toMatchObject({ code: 503 });
    expect(await stored("late")).toBe(0);
  });

  it('is stored past the deadline when it says `deadline: "none"`, and never after its `storeBy`', async () => {
    const { repo } = await instance();
    const past = Date.now() - 1000;
    const kept = await inRequest({ id: "req-2", deadline: past }, () =>
      repo.execute("kept", { type: "Add", by: 1 }, { deadline: "none" }),
    );
    expect(kept.events).toHaveLength(1);
    // Its own deadline replaces the caller's; `storeBy` bounds whichever counts.
    const own = await inRequest({ id: "req-3", deadline: past }, () =>
      repo.execute("own", { type: "Add", by: 1 }, { deadline: Date.now() + 5000 }),
    );
    expect(own.events).toHaveLength(1);
    const lapsed = inRequest({ id: "req-4", deadline: Date.now() + 5000 }, () =>
      repo.execute("lapsed", { type: "Add", by: 1 }, { storeBy: past }),
    );
    await expect(lapsed).rejects.toMatchObject({ code: 503 });
    await expect(repo.execute("lapsed", { type: "Add", by: 1 }, { storeBy: past })).rejects.toMatchObject({
      code: 503,
    });
    expect(await stored("lapsed")).toBe(0);
  });

  it("takes the correlation its repository declares, from the command and the state; a given one wins", async () => {
    const { repo } = await instance({ correlation: (id, _command, state) => `${state ? "known" : "new"}:${id}` });
    const first = await repo.execute("k", { type: "Add", by: 1 });
    const second = await repo.execute("k", { type: "Add", by: 1 });
    const given = await repo.execute("k", { type: "Add", by: 1 }, { correlationId: "order-9" });
    expect([first, second, given].map((o) => o.events[0]?.correlationId)).toEqual(["new:k", "known:k", "order-9"]);
  });

  it("outside any request (a policy, a ticker) has no deadline and no cause of its own", async () => {
    const { repo } = await instance();
    const out = await repo.execute("free", { type: "Add", by: 1 });
    expect(out.events[0]?.causationId).toBeUndefined();
    expect(out.events[0]?.correlationId).toBe("free");
  });
});
