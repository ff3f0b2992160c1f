import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { TokenService } from "../../src/auth/tokens.js";

const base = { JWT_SECRET: "a-test-secret-of-some-length", JWT_PUBLIC_KEY: "", JWT_TTL_SECONDS: 600 };
const ROLES = ["customer", "seller"];
const alice = { id: "U1", username: "alice", roles: ["customer" as const] };

describe("HS256 tokens", () => {
  it("round-trip the user and expire after the TTL", async () => {
    const tokens = await TokenService.create(base, ROLES);
    const { token, expiresAt } = await tokens.issue(alice);
    expect(await tokens.verify(token)).toEqual(alice);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(590_000);
    const old = await tokens.issue(alice, Date.now() - 3_600_000);
    await expect(tokens.verify(old.token)).rejects.toMatchObject({ code: 401, message: "token expired" });
  });

  it("reject another secret, a tampered token and garbage", async () => {
    const tokens = await TokenService.create(base, ROLES);
    const other = await TokenService.create({ ...base, JWT_SECRET: "another-test-secret-of-length" }, ROLES);
    const { token } = await other.issue(alice);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 401, type: "Unauthorized" });
    const [h, , s] = (await tokens.issue(alice)).token.split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "U1", roles: ["admin"], exp: 9e9 })).toString("base64url");
    await expect(tokens.verify(`${h}.${forged}.${s}`)).rejects.toMatchObject({ code: 401 });
    await expect(tokens.verify("abc")).rejects.toMatchObject({ code: 401 });
  });

  it("drop roles it does not know", async () => {
    const tokens = await TokenService.create(base, ROLES);
    const token = await new SignJWT({ roles: ["customer", "root"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("U2")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(base.JWT_SECRET));
    expect((await tokens.verify(token)).roles).toEqual(["customer"]);
  });
});

describe("RS256 verification (JWT_PUBLIC_KEY)", () => {
  it("accepts tokens of the key's owner, refuses HS256 and cannot issue", async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const tokens = await TokenService.create({ ...base, JWT_PUBLIC_KEY: await exportSPKI(publicKey) }, ROLES);
    expect(tokens.canIssue).toBe(false);
    const rs = await new SignJWT({ username: "idp-user", roles: ["seller"] })
      .setProtectedHeader({ alg: "RS256" })
      .setSubject("ext-7")
      .setExpirationTime("1h")
      .sign(privateKey);
    expect(await tokens.verify(rs)).toEqual({ id: "ext-7", username: "idp-user", roles: ["seller"] });
    const hs = await (await TokenService.create(base, ROLES)).issue(alice);
    await expect(tokens.verify(hs.token)).rejects.toMatchObject({ code: 401 });
    await expect(tokens.issue(alice)).rejects.toThrow();
  });
});
