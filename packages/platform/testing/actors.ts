// The demo users, logged in, as every system's integration tests use them.
import { expect } from "vitest";
import { idFrom, ULID_PATTERN } from "../src/ids.js";
import { type ApiClient, type ApiResponse, api } from "./index.js";

export type DemoUser = "alice" | "bob" | "carol" | "dave" | "erin";
const DEMO_USERS: readonly DemoUser[] = ["alice", "bob", "carol", "dave", "erin"];

/**
 * A client per demo user (alice and erin: customer, member; bob: seller;
 * carol: cleaner; dave: admin, manager), one without a token, and each
 * user's id (the token's `sub`).
 */
export type Actors = Record<DemoUser, ApiClient> & { anon: ApiClient; ids: Record<DemoUser, string> };

/** Every demo user logged in against the gateway at `url`. */
export async function actors(url: string): Promise<Actors> {
  const logged = await Promise.all(
    DEMO_USERS.map(async (name) => {
      const client = api(url);
      const res = await client.request("POST", "/auth/login", { username: name, password: "demo" }, { token: null });
      expect(res.status, `login ${name}: ${show(res)}`).toBe(200);
      client.token = res.body.token;
      return [name, client, res.body.user.id as string] as const;
    }),
  );
  const clients = Object.fromEntries(logged.map(([name, client]) => [name, client])) as Record<DemoUser, ApiClient>;
  const ids = Object.fromEntries(logged.map(([name, , id]) => [name, id])) as Record<DemoUser, string>;
  return { ...clients, anon: api(url), ids };
}

/** A response in one line, for assertion messages. */
export const show = (res: ApiResponse): string =>
  `${res.status} ${typeof res.body === "string" ? res.body : JSON.stringify(res.body)}`;

/** The list answer of `path` (`{items, hasMore, nextCursor?}`), asserted 200. */
export async function list<T = ApiResponse["body"]>(
  client: ApiClient,
  path: string,
): Promise<{ items: T[]; hasMore: boolean; nextCursor?: string }> {
  const res = await client.get(path);
  expect(res.status, show(res)).toBe(200);
  return res.body;
}

/** Statuses that always come from a rule, so their body names it. */
const RULED = new Set([402, 403, 409]);

/**
 * The one error body: `{error, reason?, message, details?, requestId}`, and
 * nothing else. A refusal by a rule (402, 403, 409) names it in `reason`, a
 * PascalCase code; `reason`, when given, is the one expected.
 */
export function expectErrorBody(res: ApiResponse, status: number, error: string, reason?: string): void {
  expect(res.status, show(res)).toBe(status);
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  expect(res.body, show(res)).toMatchObject({ error, message: expect.any(String), requestId: expect.any(String) });
  const keys = Object.keys(res.body).filter((k) => !["error", "reason", "message", "details", "requestId"].includes(k));
  expect(keys, show(res)).toEqual([]);
  if (RULED.has(status)) expect(res.body.reason, show(res)).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  if (reason !== undefined) expect(res.body.reason, show(res)).toBe(reason);
}

/** An id as the systems make them (ULID) and a time as they write it (ISO 8601, UTC). */
export const ULID = new RegExp(ULID_PATTERN);
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The last millisecond a ULID can name (10889 AD): no server makes an id with it. */
const LAST_ULID_TIME = 2 ** 48 - 1;

/** A syntactically valid ULID nobody created: its time part is the last a ULID can hold. */
export function unknownId(): string {
  return idFrom(`unknown:${Math.random()}`, LAST_ULID_TIME);
}

/**
 * One system's error assertions: the error body every system answers
 * (`expectErrorBody`), then `noInternals`, the system's own check that the
 * answer names none of its services, subjects or source files.
 */
export function errorAssertions(noInternals: (res: ApiResponse) => void) {
  function expectError(res: ApiResponse, status: number, error: string, reason?: string): void {
    expectErrorBody(res, status, error, reason);
    noInternals(res);
  }
  /** A 422 whose `details` name exactly these JSON pointers, each with a message. */
  function expectValidation(res: ApiResponse, paths: string[]): void {
    expectError(res, 422, "ValidationError");
    expect(Array.isArray(res.body.details), show(res)).toBe(true);
    for (const d of res.body.details) {
      expect(d, show(res)).toMatchObject({ path: expect.stringMatching(/^\//), message: expect.any(String) });
    }
    const got = [...new Set(res.body.details.map((d: { path: string }) => d.path))].sort();
    expect(got, show(res)).toEqual([...new Set(paths)].sort());
  }
  return { expectError, expectValidation };
}
