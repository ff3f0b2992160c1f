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
  send(req, res, { status, headers, body: data === undefined ? "" : JSON.stringify(data) });
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
