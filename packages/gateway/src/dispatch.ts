// Serving one RouteSpec: authenticate → rate limit → authorize → build and
// check params → Idempotency-Key → call the action → answer. Every step that
// refuses throws an ApiError; GatewayCore.handler turns it into the answer.
import type { RequestMeta, RouteSpec } from "@seed/platform";
import { authenticate, authorize } from "./auth/authenticate.js";
import type { GatewayCore } from "./core.js";
import { problemResponse } from "./http-errors.js";
import { type Claim, checkKey, fingerprint } from "./idempotency.js";
import { buildParams } from "./params.js";
import {
  type AliasHandler,
  clientAddress,
  type GatewayRequest,
  header,
  pathOf,
  pathParams,
  requestIdOf,
} from "./request.js";
import { encodeJson, type PreparedResponse, send } from "./respond.js";

// Headers an action may not set through ctx.meta.$responseHeaders: the gateway owns them.
const RESERVED_HEADERS = new Set(["content-type", "content-length", "x-request-id", "transfer-encoding", "set-cookie"]);

function successResponse(route: RouteSpec, req: GatewayRequest, meta: RequestMeta, result: unknown): PreparedResponse {
  let status = typeof meta.$statusCode === "number" ? meta.$statusCode : (route.status ?? 200);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.$responseHeaders ?? {})) {
    if (!RESERVED_HEADERS.has(k.toLowerCase()) && typeof v === "string") headers[k] = v;
  }
  if (status === 201 && !Object.keys(headers).some((k) => k.toLowerCase() === "location")) {
    const id =
      typeof result === "object" && result !== null
        ? (result as Record<string, unknown>)[route.locationKey ?? "id"]
        : undefined;
    if (typeof id === "string" || typeof id === "number")
      headers.Location = `${pathOf(req)}/${encodeURIComponent(String(id))}`;
  }
  // An action that returns nothing has nothing to show: 204 instead of an empty 200.
  if (result === undefined && status === 200) status = 204;
  return { status, headers, body: result === undefined ? "" : encodeJson(result) };
}

export function routeHandler(gw: GatewayCore, route: RouteSpec): AliasHandler {
  return gw.handler(async (req, res) => {
    const ctx = req.$ctx;
    if (!ctx) throw new Error("request without api.rest context");
    const { tokens } = await gw.identity();
    const user = await authenticate(tokens, req, route.roles);
    const caller = user ? `user:${user.id}` : `ip:${clientAddress(req)}`;
    gw.limiter.take(caller);
    authorize(user, route.roles);

    const input = buildParams(route, req, pathParams(req));
    const requestId = requestIdOf(req);
    const meta: RequestMeta = { requestId, lang: input.lang };
    if (user) meta.user = user;

    let claim: Claim | undefined;
    const key = route.method === "POST" ? header(req, "idempotency-key") : undefined;
    if (key !== undefined) {
      checkKey(key);
      meta.idempotencyKey = key;
      const print = fingerprint(route.method, pathOf(req), input.query, input.body);
      const claimed = await gw.idempotency.claim(caller, key, print);
      if (claimed.outcome === "replay") {
        send(req, res, {
          ...claimed.response,
          headers: { ...claimed.response.headers, "Idempotent-Replayed": "true" },
        });
        return;
      }
      claim = claimed.claim;
      meta.idempotencyTime = claim.firstSeen;
    }

    let response: PreparedResponse;
    try {
      const result: unknown = await ctx.call(route.action, input.params, { meta });
      response = successResponse(route, req, ctx.meta, result);
    } catch (err) {
      if (!claim) throw err;
      const problem = gw.report(req, err);
      if (problem.status >= 500) {
        // Not an answer (the callee was down, or its outcome is unknown after a
        // timeout): the client may retry with the same key, and the ids the
        // service derives from key and first-seen time land it on the same resource.
        await gw.idempotency.release(claim);
        send(req, res, problemResponse(problem, requestId));
        return;
      }
      // A refusal is the answer to this request: a retry gets it again.
      response = problemResponse(problem, requestId);
    }
    if (claim && !(await gw.idempotency.complete(claim, response))) {
      gw.warn(`${req.method} ${pathOf(req)} [${requestId}]: response not stored for its Idempotency-Key`);
    }
    send(req, res, response);
  });
}
