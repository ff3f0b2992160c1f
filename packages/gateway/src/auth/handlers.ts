// POST /auth/login and GET /auth/me.
import { ApiError, unauthorized } from "@seed/platform";
import type { Static } from "@sinclair/typebox";
import type { GatewayCore } from "../core.js";
import { check, readJsonObject } from "../params.js";
import { type AliasHandler, clientAddress } from "../request.js";
import { sendJson } from "../respond.js";
import { authenticate } from "./authenticate.js";
import { verifyPassword } from "./passwords.js";
import { LoginBody } from "./schemas.js";

export function loginHandler(gw: GatewayCore): AliasHandler {
  return gw.handler(async (req, res) => {
    // Keyed by address: this is where password guessing would happen.
    gw.limiter.take(`ip:${clientAddress(req)}`);
    const body = readJsonObject(req) ?? {};
    check(LoginBody, body);
    const { username, password } = body as Static<typeof LoginBody>;
    const { tokens, users, decoyHash } = await gw.identity();
    if (!tokens.canIssue) {
      throw new ApiError(404, "NotFound", "password login is disabled: tokens are issued by the identity provider");
    }
    const user = users.find(username);
    // An unknown name costs one scrypt too, so timing does not tell which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? decoyHash);
    if (!user || !ok) throw unauthorized("invalid user name or password");
    const { token, expiresAt } = await tokens.issue(user);
    sendJson(req, res, 200, { token, expiresAt, user: { id: user.id, username: user.username, roles: user.roles } });
  });
}

export function meHandler(gw: GatewayCore): AliasHandler {
  return gw.handler(async (req, res) => {
    const { tokens } = await gw.identity();
    const user = await authenticate(tokens, req, "any");
    if (!user) throw unauthorized();
    gw.limiter.take(`user:${user.id}`);
    sendJson(req, res, 200, { id: user.id, username: user.username, roles: user.roles });
  });
}
