// Routes of the platform itself: health probes, metrics, the OpenAPI
// document and its viewer. None needs a token — probes and scrapers have
// none — and none is rate limited, so a busy client cannot fail a probe.
import { notFound } from "@seed/platform";
import type { GatewayCore } from "./core.js";
import { docsAsset } from "./docs.js";
import { PROMETHEUS_TYPE } from "./metrics.js";
import { buildOpenApi } from "./openapi.js";
import { type AliasHandler, pathParam } from "./request.js";
import { JSON_TYPE, sendJson, sendText } from "./respond.js";
import type { RoutedSystem } from "./routed-systems.js";

export function platformAliases(gw: GatewayCore, systems: RoutedSystem[]): Record<string, AliasHandler> {
  let openapi: string | undefined;
  return {
    "GET /health/live": gw.handler(async (req, res) => {
      const r = gw.health.liveness();
      sendJson(req, res, r.live ? 200 : 503, { status: r.live ? "ok" : "failing", ...r });
    }),
    "GET /health/ready": gw.handler(async (req, res) => {
      const r = gw.health.readiness();
      sendJson(req, res, r.ready ? 200 : 503, r);
    }),
    "GET /metrics": gw.handler(async (req, res) => sendText(req, res, 200, PROMETHEUS_TYPE, gw.metrics.render())),
    "GET /openapi.json": gw.handler(async (req, res) => {
      openapi ??= JSON.stringify(buildOpenApi(systems, {}, gw.roles));
      sendText(req, res, 200, JSON_TYPE, openapi);
    }),
    "GET /docs": gw.handler(async (req, res) => {
      const page = await docsAsset("");
      if (page) sendText(req, res, 200, page.type, page.body);
    }),
    "GET /docs/:file": gw.handler(async (req, res) => {
      const file = pathParam(req, "file") ?? "";
      const asset = docsAsset(file);
      if (!asset) throw notFound("file");
      const { type, body } = await asset;
      // The viewer is pinned by version: browsers may keep it for a day.
      res.setHeader("Cache-Control", "public, max-age=86400");
      sendText(req, res, 200, type, body);
    }),
  };
}
