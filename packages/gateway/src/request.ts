// The parts of a moleculer-web request the gateway reads. moleculer-web adds
// these fields to Node's IncomingMessage at run time; naming them here keeps
// the rest of the gateway typed without `any`.

import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestMeta } from "@seed/platform";
import type { Context } from "moleculer";

/** What moleculer-web's alias object offers (a subset). */
export interface MatchedAlias {
  method: string;
  fullPath: string;
}

/** A path's parameters, as moleculer-web decoded them when it matched the alias. */
export type PathParams = Record<string, string | string[]>;

export type GatewayContext = Context<unknown, RequestMeta & Record<string, unknown>>;

export interface GatewayRequest extends IncomingMessage {
  /** Context of the `api.rest` action that serves this request. */
  $ctx?: GatewayContext;
  $alias?: MatchedAlias;
  /** What moleculer-web matched; every route has `mergeParams: false` (routes.ts), so the path's own parameters stay apart. */
  $params?: { params?: PathParams };
  /** Set by body-parser when the body was JSON; undefined otherwise. */
  body?: unknown;
  /** Parsed query string (qs). */
  query?: Record<string, unknown>;
  /** URL path without the query string and trailing slash. */
  parsedUrl?: string;
  originalUrl?: string;
  $startTime?: [number, number];
  /** The id made for a request that failed before it had a context (see requestIdOf). */
  $requestId?: string;
}

export type GatewayResponse = ServerResponse;

/** A function that serves one alias; it always answers and never throws. */
export type AliasHandler = (req: GatewayRequest, res: GatewayResponse) => void;

// A client may send its own id to correlate logs, but only a short, plain one:
// it is echoed in headers and bodies, so it must not carry anything else.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-Id (or X-Correlation-Id) when it is safe to echo; undefined otherwise. */
export function clientRequestId(req: IncomingMessage): string | undefined {
  const raw = req.headers["x-request-id"] ?? req.headers["x-correlation-id"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value !== undefined && REQUEST_ID.test(value) ? value : undefined;
}

/**
 * The id of this request, as the `api.rest` context knows it: the client's,
 * or else the context's own id. A request refused before it had a context
 * gets one made here, once, so its log line and its answer name the same id.
 */
export function requestIdOf(req: GatewayRequest): string {
  const id = req.$ctx?.requestID;
  if (typeof id === "string" && id !== "") return id;
  req.$requestId ??= clientRequestId(req) ?? randomUUID();
  return req.$requestId;
}

/** The parameters of the request's path (`/orders/:id` → `{ id }`), matched once, by moleculer-web. */
export function pathParams(req: GatewayRequest): PathParams {
  return req.$params?.params ?? {};
}

/** One parameter of the request's path, when it is a single value. */
export function pathParam(req: GatewayRequest, name: string): string | undefined {
  const value = pathParams(req)[name];
  return typeof value === "string" ? value : undefined;
}

/** Request path without query string. */
export function pathOf(req: GatewayRequest): string {
  if (req.parsedUrl) return req.parsedUrl;
  const url = req.originalUrl ?? req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** Address of the peer; behind a proxy this is the proxy (X-Forwarded-For can be forged). */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

/** First value of a header. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
