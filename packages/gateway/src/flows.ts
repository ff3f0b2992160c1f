// `GET /flows/<correlationId>`: one business flow's steps in order across
// services (observability/flow.ts) and, with tracing on, its calls, for staff
// and the dashboard's flow page.
// It reads the systems' streams, so it is an operator's look-up: staff only,
// and rate limited like every authenticated call.
import { notFound, validationError } from "@seed/platform";
import { type EventStore, readFlow, readFlowCalls } from "@seed/platform/operations";
import type { ServiceBroker } from "moleculer";
import { authenticate, authorize } from "./auth/authenticate.js";
import type { GatewayCore } from "./core.js";
import { type AliasHandler, pathParam } from "./request.js";
import { sendJson } from "./respond.js";

/** Who may read any flow: the flows of every customer pass through them. */
export const FLOW_ROLES = ["admin", "manager", "seller"] as const;
export const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function flowAliases(
  gw: GatewayCore,
  broker: ServiceBroker,
  events: EventStore,
  systems: Array<{ name: string }>,
): Record<string, AliasHandler> {
  const names = systems.map((s) => s.name);
  return {
    "GET /:correlationId": gw.handler(async (req, res) => {
      const { tokens } = await gw.identity();
      const user = await authenticate(tokens, req, [...FLOW_ROLES]);
      authorize(user, [...FLOW_ROLES]);
      if (user) gw.limiter.take(`user:${user.id}`);
      const id = pathParam(req, "correlationId");
      if (typeof id !== "string" || !CORRELATION_ID.test(id)) {
        throw validationError("not a correlation id", [
          { path: "/correlationId", message: `must match ${CORRELATION_ID.source}` },
        ]);
      }
      const steps = await readFlow(events, names, id);
      if (steps.length === 0) throw notFound("flow", id);
      // With tracing on, the calls too (each node's recorded spans of the flow's traces).
      const calls = await readFlowCalls(broker, steps);
      sendJson(req, res, 200, { correlationId: id, steps, calls });
    }),
  };
}
