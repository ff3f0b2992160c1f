import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../src/auth/passwords.js";
import { demoUserId, loadUsers } from "../../src/auth/users.js";

/** The roles of the systems the gateway serves. */
const ROLES = ["customer", "seller", "cleaner", "admin", "manager", "member"];

describe("users", () => {
  it("demo users have stable ids and password demo", async () => {
    const dir = await loadUsers({ USERS_FILE: "", DEMO_USERS: "true" }, ROLES);
    expect(dir.size).toBe(5);
    const dave = dir.find("dave");
    expect(dave).toMatchObject({ id: demoUserId("dave"), roles: ["admin", "manager"] });
    expect(demoUserId("dave")).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(demoUserId("dave")).toBe(demoUserId("dave"));
    expect(demoUserId("dave")).not.toBe(demoUserId("erin"));
    expect(await verifyPassword("demo", dave?.passwordHash ?? "")).toBe(true);
  });

  it("demo users hold only the roles the systems served declare", async () => {
    const dir = await loadUsers({ USERS_FILE: "", DEMO_USERS: "true" }, ["customer", "admin"]);
    expect(dir.find("alice")?.roles).toEqual(["customer"]);
    expect(dir.find("dave")?.roles).toEqual(["admin"]);
    expect(dir.find("carol")?.roles).toEqual([]);
  });

  it("no demo users unless asked", async () => {
    expect((await loadUsers({ USERS_FILE: "", DEMO_USERS: "false" }, ROLES)).size).toBe(0);
  });

  it("reads USERS_FILE and rejects a bad one", async () => {
    const dir = tempDir();
    const good = join(dir, "users.json");
    const passwordHash = await hashPassword("pw", { N: 1024, r: 8, p: 1 });
    writeFileSync(good, JSON.stringify([{ id: "u-1", username: "zed", roles: ["seller"], passwordHash }]));
    const users = await loadUsers({ USERS_FILE: good, DEMO_USERS: "false" }, ROLES);
    expect(users.find("zed")).toMatchObject({ id: "u-1", roles: ["seller"] });

    const badRole = join(dir, "bad-role.json");
    writeFileSync(badRole, JSON.stringify([{ id: "u-1", username: "zed", roles: ["root"], passwordHash }]));
    await expect(loadUsers({ USERS_FILE: badRole, DEMO_USERS: "false" }, ROLES)).rejects.toThrow(/invalid/);
    const badHash = join(dir, "bad-hash.json");
    writeFileSync(badHash, JSON.stringify([{ id: "u-1", username: "zed", roles: [], passwordHash: "plain" }]));
    await expect(loadUsers({ USERS_FILE: badHash, DEMO_USERS: "false" }, ROLES)).rejects.toThrow(/scrypt/);
    await expect(loadUsers({ USERS_FILE: join(dir, "missing.json"), DEMO_USERS: "false" }, ROLES)).rejects.toThrow(
      /USERS_FILE/,
    );
  });
});
