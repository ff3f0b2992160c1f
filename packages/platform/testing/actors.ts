// The demo users, logged in, as every system's integration tests use them.
import { expect } from "vitest";
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
