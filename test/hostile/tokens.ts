// Bearer tokens an attacker can make. Honest-looking ones are signed with
// jose, the library the gateway verifies with (taken from the gateway's own
// dependencies, so both sides run the same code); the forms jose refuses to
// produce — an HMAC signature under an RS256 header, a re-encoded payload
// under an old signature — are put together by hand.
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

type Jose = typeof import("../../packages/gateway/node_modules/jose/dist/types/index.js");

const fromGateway = createRequire(new URL("../../packages/gateway/package.json", import.meta.url));
const jose: Jose = await import(pathToFileURL(fromGateway.resolve("jose")).href);

export interface Claims {
  sub?: string;
  username?: string;
  roles?: string[];
  iat?: number;
  exp?: number;
  nbf?: number;
  [claim: string]: unknown;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const hmac = (secret: string, data: string) => createHmac("sha256", secret).update(data).digest("base64url");

/** An HS256 token signed by jose with `secret` (the right one, or not). */
export async function hs256(claims: Claims, secret: string, header: Record<string, unknown> = {}): Promise<string> {
  const { iat, exp, nbf, ...rest } = claims;
  let jwt = new jose.SignJWT(rest).setProtectedHeader({ alg: "HS256", typ: "JWT", ...header });
  if (iat !== undefined) jwt = jwt.setIssuedAt(iat);
  if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
  if (nbf !== undefined) jwt = jwt.setNotBefore(nbf);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** A token of another algorithm, signed properly with its own key (the gateway accepts only HS256). */
export async function otherAlgorithm(claims: Claims, alg: "RS256" | "HS512", secret: string): Promise<string> {
  const { iat, exp, ...rest } = claims;
  const key =
    alg === "HS512"
      ? new TextEncoder().encode(`${secret}${secret}${secret}`.slice(0, 64))
      : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  let jwt = new jose.SignJWT(rest).setProtectedHeader({ alg, typ: "JWT" });
  if (iat !== undefined) jwt = jwt.setIssuedAt(iat);
  if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(key);
}

/** `alg: none` with no signature (jose's UnsecuredJWT), and hand-made variants of it. */
export function unsigned(claims: Claims): string[] {
  const { iat, exp, ...rest } = claims;
  let jwt = new jose.UnsecuredJWT(rest);
  if (iat !== undefined) jwt = jwt.setIssuedAt(iat);
  if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
  const body = b64(claims);
  return [
    jwt.encode(),
    `${b64({ alg: "None", typ: "JWT" })}.${body}.`,
    `${b64({ alg: "NONE" })}.${body}.`,
    `${b64({ alg: "none" })}.${body}`,
    `${b64({ typ: "JWT" })}.${body}.`,
  ];
}

/**
 * Algorithm confusion: the header says RS256 (or ES256, PS256) but the
 * signature is an HMAC with the HS256 secret — what a verifier that takes
 * the algorithm from the token would accept.
 */
export function confused(claims: Claims, secret: string): string[] {
  return ["RS256", "ES256", "PS256", "HS384"].map((alg) => {
    const data = `${b64({ alg, typ: "JWT" })}.${b64(claims)}`;
    return `${data}.${hmac(secret, data)}`;
  });
}

/** A real token whose payload was edited (roles raised), keeping its signature. */
export function tampered(token: string, edit: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  edit(claims);
  return `${header}.${b64(claims)}.${signature}`;
}
