// Who is calling, and may they. Identity comes only from the bearer token;
// roles from RouteSpec decide access, finer checks (ownership) are the
// service's, which finds the caller in ctx.meta.user.
import { forbidden, type RouteSpec, type User, unauthorized } from "@seed/platform";
import type { GatewayRequest } from "../request.js";
import { header } from "../request.js";
import type { TokenService } from "./tokens.js";

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i;

/** The bearer token, undefined when there is no Authorization header; 401 when it is not a bearer token. */
export function bearerToken(req: GatewayRequest): string | undefined {
  const value = header(req, "authorization");
  if (value === undefined || value === "") return undefined;
  const m = BEARER.exec(value);
  if (!m?.[1]) throw unauthorized("Authorization header must be `Bearer <token>`");
  return m[1];
}

/**
 * The caller of a route. Public routes accept anonymous callers, but a token
 * that is sent must be valid: a client with a broken token should learn so.
 */
export async function authenticate(
  tokens: TokenService,
  req: GatewayRequest,
  roles: RouteSpec["roles"],
): Promise<User | undefined> {
  const token = bearerToken(req);
  if (token === undefined) {
    if (roles === "public") return undefined;
    throw unauthorized("missing bearer token");
  }
  return tokens.verify(token);
}

export function authorize(user: User | undefined, roles: RouteSpec["roles"]): void {
  if (roles === "public" || roles === "any") return;
  if (!user?.roles.some((r) => roles.includes(r))) {
    throw forbidden("RoleRequired", `requires one of the roles: ${roles.join(", ")}`);
  }
}
