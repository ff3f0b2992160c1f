// Who may log in: the users of USERS_FILE and, when DEMO_USERS=true, the five
// demo users of the spec. Loaded once at start; lookups are by user name.
import { readFile } from "node:fs/promises";
import { idFrom, type Role, type User } from "@seed/platform";
import type { Config } from "@seed/platform/node";
import { type Static, Type as T } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { hashPassword, parsePasswordHash } from "./passwords.js";
import { RoleSchema } from "./roles.js";

export interface StoredUser extends User {
  passwordHash: string;
}

/** USERS_FILE: its entries may hold the `roles` the systems declare. `passwordHash` uses the format of passwords.ts. */
export const UsersFile = (roles: readonly Role[]) =>
  T.Array(
    T.Object(
      {
        id: T.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" }),
        username: T.String({ minLength: 1, maxLength: 100 }),
        roles: T.Array(RoleSchema(roles), { maxItems: roles.length }),
        passwordHash: T.String({ minLength: 1, maxLength: 1000 }),
      },
      { additionalProperties: false },
    ),
  );

const DEMO: ReadonlyArray<[string, Role[]]> = [
  ["alice", ["customer", "member"]],
  ["bob", ["seller"]],
  ["carol", ["cleaner"]],
  ["dave", ["admin", "manager"]],
  ["erin", ["customer", "member"]],
];

export const DEMO_PASSWORD = "demo";

/**
 * Demo user ids are derived from the name, not generated: data created by
 * alice stays hers across restarts and on every node. (A ULID with time 0.)
 */
export const demoUserId = (username: string): string => idFrom(`demo-user:${username}`, 0);

/** The demo users as the spec lists them, without passwords. */
export const demoUsers: readonly User[] = DEMO.map(([username, roles]) => ({
  id: demoUserId(username),
  username,
  roles,
}));

export class UserDirectory {
  private readonly byName = new Map<string, StoredUser>();

  constructor(users: StoredUser[] = []) {
    for (const u of users) this.add(u);
  }

  add(user: StoredUser): void {
    this.byName.set(user.username, user);
  }

  find(username: string): StoredUser | undefined {
    return this.byName.get(username);
  }

  get size(): number {
    return this.byName.size;
  }
}

async function readUsersFile(path: string, roles: readonly Role[]): Promise<StoredUser[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new Error(`USERS_FILE ${path}: ${(err as Error).message}`);
  }
  const schema = UsersFile(roles);
  const errors = [...Value.Errors(schema, parsed)].slice(0, 5);
  if (errors.length > 0) {
    throw new Error(`USERS_FILE ${path} is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}`);
  }
  const users = parsed as Static<typeof schema>;
  for (const u of users) {
    if (!parsePasswordHash(u.passwordHash)) {
      throw new Error(
        `USERS_FILE ${path}: user ${u.username} has a passwordHash not in the form scrypt$N$r$p$salt$hash`,
      );
    }
  }
  return users.map((u) => ({ ...u, roles: [...u.roles] }));
}

/**
 * Users from the config: USERS_FILE, then the demo users (a file entry of the
 * same name wins). `roles` are those the systems declare; a file entry may
 * hold no other.
 */
export async function loadUsers(
  config: Pick<Config, "USERS_FILE" | "DEMO_USERS">,
  roles: readonly Role[],
): Promise<UserDirectory> {
  const dir = new UserDirectory();
  if (config.DEMO_USERS === "true") {
    // Hashed at start: the repository holds no password hash, not even a demo one.
    const demo = await Promise.all(
      // A demo user holds the roles of the spec that the systems served here declare.
      demoUsers.map(async (u) => ({
        ...u,
        roles: u.roles.filter((r) => roles.includes(r)),
        passwordHash: await hashPassword(DEMO_PASSWORD),
      })),
    );
    for (const u of demo) dir.add(u);
  }
  if (config.USERS_FILE) for (const u of await readUsersFile(config.USERS_FILE, roles)) dir.add(u);
  return dir;
}
