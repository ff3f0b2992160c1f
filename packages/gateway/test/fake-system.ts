// A tiny system for gateway tests: `demo.thing` with create/get/list and a
// few actions that misbehave on purpose (slow, crashing, refusing, flaky).
import {
  caller,
  conflict,
  creationId,
  endpoint,
  notFound,
  type RequestMeta,
  type SystemModule,
  unavailable,
} from "@seed/platform";
import { Type as T } from "@sinclair/typebox";
import type { Context } from "moleculer";

export const ThingBody = T.Object(
  { name: T.String({ minLength: 1, maxLength: 50 }), qty: T.Integer({ minimum: 1, maximum: 100 }) },
  { additionalProperties: false },
);
/** The demo's actions take any short tag as the thing (tests name them "X", "W", …), not an issued id. */
const Tag = { id: T.String({ pattern: "^[A-Za-z0-9]{1,40}$", description: "1-40 letters or digits" }) };
const Thing = T.Object({ id: T.String(), name: T.String(), qty: T.Integer(), owner: T.String() });
const ListQuery = T.Object(
  { limit: T.Optional(T.Integer({ minimum: 1, maximum: 500 })), offset: T.Optional(T.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);

interface ThingRow {
  id: string;
  name: string;
  qty: number;
  owner: string;
}

/** What the fake service saw, for assertions. */
export const seen = {
  creates: 0,
  flaky: new Map<string, number>(),
  idempotencyTimes: [] as Array<number | undefined>,
};

const things = new Map<string, ThingRow>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Ctx = Context<Record<string, unknown>, RequestMeta>;

export const demoSystem: SystemModule = {
  name: "demo",
  roles: ["customer", "member"],
  services: {
    "demo.thing": () => ({
      name: "demo.thing",
      actions: {
        create: endpoint({
          http: {
            method: "POST",
            path: "/demo/things",
            roles: ["customer"],
            summary: "create a thing",
            input: "body",
            status: 201,
            response: Thing,
            example: { name: "cup", qty: 2 },
          },
          params: ThingBody,
          handler(ctx: Ctx) {
            seen.creates++;
            seen.idempotencyTimes.push(ctx.meta.idempotencyTime);
            const row: ThingRow = {
              id: creationId(ctx, "thing"),
              name: String(ctx.params.name),
              qty: Number(ctx.params.qty),
              owner: caller(ctx).id,
            };
            things.set(row.id, row);
            return row;
          },
        }),
        get: endpoint({
          http: {
            method: "GET",
            path: "/demo/things/:id",
            roles: "any",
            summary: "one thing",
            response: Thing,
            errors: [404],
          },
          params: T.Object({ id: T.String({ pattern: "^[0-9A-Z]{26}$" }) }, { additionalProperties: false }),
          handler(ctx: Ctx) {
            const row = things.get(String(ctx.params.id));
            if (!row) throw notFound("thing", String(ctx.params.id));
            return row;
          },
        }),
        list: endpoint({
          http: {
            method: "GET",
            path: "/demo/things",
            roles: "any",
            summary: "list things",
            input: "query",
            response: T.Object({ items: T.Array(Thing), total: T.Integer() }),
          },
          params: ListQuery,
          handler(ctx: Ctx) {
            const all = [...things.values()];
            const offset = Number(ctx.params.offset ?? 0);
            const limit = Number(ctx.params.limit ?? 50);
            return { items: all.slice(offset, offset + limit), total: all.length };
          },
        }),
        rename: endpoint({
          http: {
            method: "POST",
            path: "/demo/things/:id/rename",
            pathParams: Tag,
            roles: "any",
            summary: "rename",
            body: T.Object({ name: T.String(), id: T.Optional(T.String()) }, { additionalProperties: false }),
            response: Thing,
          },
          handler(ctx: Ctx) {
            return { id: ctx.params.id, name: ctx.params.name };
          },
        }),
        refuse: endpoint({
          http: {
            method: "POST",
            path: "/demo/things/:id/refuse",
            pathParams: Tag,
            roles: "any",
            summary: "always 409",
            response: Thing,
            errors: [409],
            reasons: { 409: ["AlwaysNo"] },
          },
          handler() {
            throw conflict("AlwaysNo", "this thing cannot be done now");
          },
        }),
        wait: endpoint({
          http: {
            method: "POST",
            path: "/demo/things/:id/wait",
            pathParams: Tag,
            roles: "any",
            summary: "takes 400 ms",
            response: T.Object({}),
          },
          async handler() {
            await sleep(400);
            return {};
          },
        }),
        flaky: endpoint({
          http: {
            method: "POST",
            path: "/demo/things/:id/flaky",
            pathParams: Tag,
            roles: "any",
            summary: "503 once per id",
            response: T.Object({ attempt: T.Integer() }),
          },
          handler(ctx: Ctx) {
            const id = String(ctx.params.id);
            const n = (seen.flaky.get(id) ?? 0) + 1;
            seen.flaky.set(id, n);
            seen.idempotencyTimes.push(ctx.meta.idempotencyTime);
            if (n === 1) throw unavailable("try later", 3);
            return { attempt: n };
          },
        }),
        slow: endpoint({
          http: {
            method: "GET",
            path: "/demo/slow",
            roles: "any",
            summary: "never answers in time",
            response: T.Object({}),
          },
          async handler() {
            await sleep(1500);
            return {};
          },
        }),
        boom: endpoint({
          http: { method: "GET", path: "/demo/boom", roles: "any", summary: "crashes", response: T.Object({}) },
          handler() {
            throw new Error("secret failure in demo.thing on subject demo.internal.>");
          },
        }),
        hello: endpoint({
          http: {
            method: "GET",
            path: "/demo/hello",
            roles: "public",
            summary: "public",
            response: T.Object({ hello: T.String() }),
          },
          handler(ctx: Ctx) {
            return { hello: ctx.meta.user?.username ?? "anonymous" };
          },
        }),
      },
    }),
    // Declared but run by no node in these tests (they select "api,demo.thing"):
    // a route whose action nobody serves.
    "demo.ghost": () => ({
      name: "demo.ghost",
      actions: {
        get: endpoint({
          http: {
            method: "GET",
            path: "/demo/ghost",
            roles: "any",
            summary: "no such service",
            response: T.Object({}),
          },
          handler() {
            return {};
          },
        }),
      },
    }),
  },
};
