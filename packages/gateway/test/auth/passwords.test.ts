import { describe, expect, it } from "vitest";
import { hashPassword, parsePasswordHash, verifyPassword } from "../../src/auth/passwords.js";

const FAST = { N: 1024, r: 8, p: 1 };

describe("password hashes", () => {
  it("have the documented self-describing format", async () => {
    const h = await hashPassword("s3cret", FAST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(parsePasswordHash(h)).toMatchObject({ N: 1024, r: 8, p: 1 });
  });

  it("verify the right password only", async () => {
    const h = await hashPassword("s3cret", FAST);
    expect(await verifyPassword("s3cret", h)).toBe(true);
    expect(await verifyPassword("s3cret ", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("salt every hash", async () => {
    expect(await hashPassword("same", FAST)).not.toBe(await hashPassword("same", FAST));
  });

  it("never match a malformed hash", async () => {
    for (const bad of [
      "",
      "plain",
      "bcrypt$x",
      "scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
      "scrypt$1024$0$1$c2FsdHNhbHQ=$aGFzaA==",
    ]) {
      expect(parsePasswordHash(bad)).toBeUndefined();
      expect(await verifyPassword("x", bad)).toBe(false);
    }
  });
});
