// Bearer tokens (JWT). HS256 with JWT_SECRET by default: the gateway both
// issues and verifies. With JWT_PUBLIC_KEY set, tokens come from an outside
// identity provider and are verified with RS256 only — accepting a single
// algorithm is what prevents algorithm-confusion attacks.
import { type Role, type User, unauthorized } from "@seed/platform";
import type { Config } from "@seed/platform/node";
import { errors, importSPKI, type JWTPayload, jwtVerify, SignJWT } from "jose";
import QuickLRU from "quick-lru";

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

type VerifyKey = Awaited<ReturnType<typeof importSPKI>>;

const CLOCK_TOLERANCE_SECONDS = 5;
/**
 * Tokens verified recently, so a client's every request does not pay for a
 * signature check: the last 5,000 to 10,000 used (two generations).
 */
const VERIFIED_GENERATION = 5_000;

export class TokenService {
  private readonly verified = new QuickLRU<string, { user: User; exp: number }>({ maxSize: VERIFIED_GENERATION });

  private constructor(
    private readonly alg: "HS256" | "RS256",
    private readonly key: VerifyKey,
    private readonly ttlSeconds: number,
    /** The roles the systems declare: a token's other roles are ignored. */
    private readonly roles: readonly Role[],
  ) {}

  static async create(
    config: Pick<Config, "JWT_SECRET" | "JWT_PUBLIC_KEY" | "JWT_TTL_SECONDS">,
    roles: readonly Role[],
  ): Promise<TokenService> {
    if (config.JWT_PUBLIC_KEY) {
      // Env values often carry "\n" escapes instead of line breaks.
      const pem = config.JWT_PUBLIC_KEY.replaceAll("\\n", "\n");
      return new TokenService("RS256", await importSPKI(pem, "RS256"), config.JWT_TTL_SECONDS, roles);
    }
    // Imported once: given raw bytes, jose would import the key again on every verify.
    const secret = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(config.JWT_SECRET),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    return new TokenService("HS256", secret, config.JWT_TTL_SECONDS, roles);
  }

  /** False when tokens are issued elsewhere (RS256: we hold only the public key). */
  get canIssue(): boolean {
    return this.alg === "HS256";
  }

  async issue(user: User, now = Date.now()): Promise<IssuedToken> {
    if (!this.canIssue) throw new Error("this gateway only verifies tokens (JWT_PUBLIC_KEY is set)");
    const iat = Math.floor(now / 1000);
    const exp = iat + this.ttlSeconds;
    const token = await new SignJWT({ username: user.username, roles: user.roles })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(user.id)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The user a token names; 401 for anything that is not a valid, current token. */
  async verify(token: string): Promise<User> {
    const known = this.verified.get(token);
    if (known && known.exp > Date.now() / 1000 - CLOCK_TOLERANCE_SECONDS) return known.user;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [this.alg],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["sub", "exp"],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthorized("token expired");
      if (err instanceof errors.JWSSignatureVerificationFailed) throw unauthorized("token signature is invalid");
      if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) throw unauthorized("malformed token");
      throw unauthorized("invalid token");
    }
    const user = userFromClaims(payload, this.roles);
    this.verified.set(token, { user, exp: payload.exp as number });
    return user;
  }
}

function userFromClaims(payload: JWTPayload, known: readonly Role[]): User {
  const sub = payload.sub;
  if (typeof sub !== "string" || sub === "" || sub.length > 128) throw unauthorized("token has no subject");
  const rawRoles = Array.isArray(payload.roles) ? payload.roles : [];
  // Unknown roles from a foreign issuer are ignored rather than trusted.
  const roles = rawRoles.filter((r): r is Role => typeof r === "string" && known.includes(r));
  const username =
    typeof payload.username === "string"
      ? payload.username
      : typeof payload.preferred_username === "string"
        ? payload.preferred_username
        : sub;
  return { id: sub, username, roles };
}
