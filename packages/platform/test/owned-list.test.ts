import { Type as T } from "@sinclair/typebox";
import { type Context, ServiceBroker } from "moleculer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Decider, Empty } from "../src/domain.js";
import type { User } from "../src/http.js";
import { ListQuery, type Page } from "../src/list.js";
import { ownedReadActions } from "../src/read-actions.js";
import { ServiceKit } from "../src/service-kit.js";
import type { Store } from "../src/store.js";
import { TypeBoxValidator } from "../src/validator.js";
import { type Connected, connectEvents, dropStream, runtimeOf, uniqueSystem } from "./helpers.js";

interface Ticket {
  id: string;
  owner: string;
  status: "Open" | "Closed";
}
type TicketEvent =
  | { type: "Opened"; data: { id: string; owner: string } }
  | { type: "Closed"; data: Record<string, never> };
type TicketCommand = { type: "Open"; id: string; owner: string } | { type: "Close" };

const ticket: Decider<Empty | Ticket, TicketCommand, TicketEvent> = {
  name: "ticket",
  initialState: { status: "Empty" },
  decide: (state, cmd) =>
    cmd.type === "Open"
      ? state.status !== "Empty"
        ? []
        : [{ type: "Opened", data: { id: cmd.id, owner: cmd.owner } }]
      : state.status === "Open"
        ? [{ type: "Closed", data: {} }]
        : [],
  evolve: (state, e) =>
    e.type === "Opened"
      ? { id: e.data.id, owner: e.data.owner, status: "Open" }
      : { ...(state as Ticket), status: "Closed" },
};

const eventSchemas = {
  Opened: T.Object({ id: T.String(), owner: T.String() }, { additionalProperties: false }),
  Closed: T.Object({}, { additionalProperties: false }),
};

const user = (id: string, roles: string[] = ["customer"]): User => ({ id, username: id, roles }) as User;

describe("an owned list read through its indexes", () => {
  let c: Connected;
  let system: string;
  let broker: ServiceBroker;
  let kit: ServiceKit;
  let seq = 0;
  /** Each time `present` made what a client sees of a ticket: its id and language. */
  let presented: string[] = [];

  beforeEach(async () => {
    c = await connectEvents();
    system = uniqueSystem();
    seq = 0;
    presented = [];
    broker = new ServiceBroker({ logger: false, nodeID: `list-${system}`, validator: new TypeBoxValidator() });
    const rt = runtimeOf(c, broker);
    kit = new ServiceKit(rt, `${system}.ticket`, { eventSchemas });
    const tickets = kit.aggregate(ticket, { indexes: ["owner", "status"] });
    broker.createService({
      name: `${system}.ticket`,
      mixins: [kit.mixin()],
      actions: {
        open: (ctx: Context<{ id: string; owner: string }>) =>
          tickets.execute(
            ctx.params.id,
            { type: "Open", id: ctx.params.id, owner: ctx.params.owner },
            { correlationId: ctx.params.id },
          ),
        close: (ctx: Context<{ id: string }>) =>
          tickets.execute(ctx.params.id, { type: "Close" }, { correlationId: ctx.params.id }),
        ...ownedReadActions({
          name: "ticket",
          load: (id) => tickets.getLatest(id),
          page: (q) => tickets.page(q),
          ownerOf: (t) => t.owner,
          ownerIndex: "owner",
          staff: ["admin"],
          present: (t, lang) => {
            presented.push(`${t.id} ${lang}`);
            return { ...t, label: lang === "en" ? t.status : `${t.status} (ko)` };
          },
          getParams: T.Object({ id: T.String() }),
          listQuery: ListQuery({ status: T.Optional(T.Union([T.Literal("Open"), T.Literal("Closed")])) }),
          filters: ["status"],
          resource: { path: "/tickets", schema: T.Any(), roles: "any", summaries: { get: "one", list: "a page" } },
        }),
      },
    });
    await broker.start();
  });
  afterEach(async () => {
    await broker?.stop();
    await dropStream(c.events, system);
    await c.close();
  });

  // Ids in creation order, as ULIDs are.
  const keyOf = () => `t${String(++seq).padStart(6, "0")}`;
  const open = async (owner: string) => {
    const id = keyOf();
    await broker.call(`${system}.ticket.open`, { id, owner });
    return id;
  };
  const list = (as: User, params: Record<string, unknown> = {}) =>
    broker.call<Page<Ticket>, Record<string, unknown>>(`${system}.ticket.list`, params, { meta: { user: as } });
  const store = () => kit.localStore as Store;

  it("a customer's list reads only that customer's keys, however many rows others have", async () => {
    const anns: string[] = [];
    for (let i = 0; i < 300; i++) {
      const owner = i % 60 === 0 ? "ann" : `someone${i % 9}`;
      const id = await open(owner);
      if (owner === "ann") anns.push(id);
    }
    await broker.call(`${system}.ticket.close`, { id: anns[1] });

    let before = store().keysScanned;
    const own = await list(user("ann"));
    expect(own.items.map((t) => t.id)).toEqual([...anns].reverse());
    expect(own.items.every((t) => t.owner === "ann")).toBe(true);
    expect(own.hasMore).toBe(false);
    expect(store().keysScanned - before).toBe(anns.length);

    // Her filter combined with the owner scope: only her closed one.
    before = store().keysScanned;
    const closed = await list(user("ann"), { status: "Closed" });
    expect(closed.items.map((t) => t.id)).toEqual([anns[1]]);
    expect(store().keysScanned - before).toBeLessThanOrEqual(2 * (anns.length + 1));

    // Staff read the newest page: the page and one key more.
    before = store().keysScanned;
    const newest = await list(user("dora", ["admin"]), { limit: 10 });
    expect(newest.items).toHaveLength(10);
    expect(newest.hasMore).toBe(true);
    expect(store().keysScanned - before).toBe(11);

    // Someone without rows sees none, whatever the filters.
    expect((await list(user("eve"), { status: "Open" })).items).toEqual([]);
  });

  it("cursor pages stay stable while rows are added between them, and a rebuild gives the same pages", async () => {
    for (let i = 0; i < 40; i++) await open(i % 2 ? "ann" : "bob");
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await list(user("dora", ["admin"]), { limit: 7, ...(after ? { after } : {}) });
      seen.push(...page.items.map((t) => t.id));
      await open("ann"); // newer than every cursor: on the next first page, not in these
      after = page.nextCursor;
    } while (after);
    const firstForty = Array.from({ length: 40 }, (_, i) => `t${String(40 - i).padStart(6, "0")}`);
    expect(seen).toEqual(firstForty);

    const live = await list(user("ann"), { limit: 500 });
    const entries = await store().list(`idx:agg:ticket`);
    await broker.call(`${system}.ticket.rebuild`, {});
    expect(await list(user("ann"), { limit: 500 })).toEqual(live);
    expect(await store().list(`idx:agg:ticket`)).toEqual(entries);
  });

  it("a kept ticket is presented once per language, and anew once it changed", async () => {
    const id = await open("ann");
    const get = (lang: "ko" | "en") =>
      broker.call<Ticket & { label: string }, { id: string }>(
        `${system}.ticket.get`,
        { id },
        { meta: { user: user("ann"), lang } },
      );
    const first = await get("ko");
    expect(first).toMatchObject({ id, status: "Open", label: "Open (ko)" });
    expect(await get("ko")).toBe(first);
    expect(await get("en")).toMatchObject({ label: "Open" });
    await get("en");
    expect(presented).toEqual([`${id} ko`, `${id} en`]);
    // What a client was given cannot be changed under the next one.
    expect(Object.isFrozen(first)).toBe(true);

    await broker.call(`${system}.ticket.close`, { id });
    expect(await get("ko")).toMatchObject({ status: "Closed", label: "Closed (ko)" });
    expect(presented).toEqual([`${id} ko`, `${id} en`, `${id} ko`]);
  });

  it("a bad cursor or limit is a 422, never a page", async () => {
    const dora = user("dora", ["admin"]);
    for (const params of [
      { after: "" },
      { after: "AAAA" },
      { after: "a b" },
      { after: "abc=" },
      { limit: 0 },
      { limit: 501 },
      { limit: 1.5 },
      { offset: 10 },
    ]) {
      await expect(list(dora, params), JSON.stringify(params)).rejects.toMatchObject({ code: 422 });
    }
  });
});
