// Trace ids as tracing backends and log lines show them.
import { createHash } from "node:crypto";

/**
 * A trace id as exporters and logs show it: Zipkin and Jaeger take 16 or 32
 * hex digits. Moleculer's ids are UUIDs (their first 16 hex digits, as its own
 * Zipkin exporter does); a request id the client chose (X-Request-Id) is
 * hashed, so the same request always gets the same trace id.
 */
export function exportedId(id: string): string {
  const hex = id.replaceAll("-", "").toLowerCase();
  if (/^[0-9a-f]{16,}$/.test(hex)) return hex.slice(0, 16);
  return createHash("sha256").update(id).digest("hex").slice(0, 16);
}
