// Writing responses. Every JSON answer goes out through `sendJson`, so the
// content type, request id header and encoding are the same everywhere.
import type { GatewayRequest, GatewayResponse } from "./request.js";
import { requestIdOf } from "./request.js";

export const JSON_TYPE = "application/json; charset=utf-8";

/** A response that has been fully decided (what idempotency stores and replays). */
export interface PreparedResponse {
  status: number;
  headers: Record<string, string>;
  /** Encoded JSON body, or "" for none. */
  body: string;
}

/**
 * A value's JSON. A frozen value cannot change, so its JSON is made once and
 * kept as long as the value lives: the rows a store keeps in memory are
 * frozen all the way down, and a row read again and again (a client polling
 * its order's status) is encoded on its first read only. Anything else is
 * encoded each time, as it may have changed.
 */
const encodedOnce = new WeakMap<object, string>();

export function encodeJson(value: unknown): string {
  if (typeof value !== "object" || value === null || !Object.isFrozen(value)) return JSON.stringify(value);
  let json = encodedOnce.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    encodedOnce.set(value, json);
  }
  return json;
}

export function send(req: GatewayRequest, res: GatewayResponse, r: PreparedResponse): void {
  if (res.headersSent) return;
  res.statusCode = r.status;
  res.setHeader("X-Request-Id", requestIdOf(req));
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  if (r.body === "" || r.status === 204 || r.status === 304) {
    res.end();
    return;
  }
  res.setHeader("Content-Type", JSON_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(r.body));
  res.end(req.method === "HEAD" ? undefined : r.body);
}

export function sendJson(
  req: GatewayRequest,
  res: GatewayResponse,
  status: number,
  data: unknown,
  headers: Record<string, string> = {},
): void {
  send(req, res, { status, headers, body: data === undefined ? "" : encodeJson(data) });
}

export function sendText(
  req: GatewayRequest,
  res: GatewayResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader("X-Request-Id", requestIdOf(req));
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(req.method === "HEAD" ? undefined : body);
}
