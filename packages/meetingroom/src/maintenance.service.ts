// meetingroom.maintenance — owns Maintenance (maintenance.ts).
// Offers: start, end, get, list (admins).
// Reacts to: nothing.
// Calls: meetingroom.reserve.holdForMaintenance synchronously before a
//        maintenance starts — the room holding decides whether the room is
//        free, so a reservation and a maintenance racing never both win (409;
//        503 when reserve is unavailable: nothing is stored) — the maintenance
//        is stored within a window of that hold or never (after it, the
//        reconciliation of meetingroom.reserve gives the room back); and
//        meetingroom.reserve.release after an end (best effort: reserve also
//        releases the room when it reads MaintEnded).

import {
  caller,
  conflict,
  correlateBy,
  creationId,
  endpoint,
  ListQuery,
  notFound,
  ownedReadActions,
  ownerStoreBy,
  PageOf,
  type RequestMeta,
  type Role,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { type MaintenanceState, maintenanceDecider } from "./maintenance.js";
import { nowIso } from "./now.js";
import type { MaintenanceHold } from "./reserve.service.js";
import {
  ByIdParams,
  Id,
  Maintenance as MaintenanceResource,
  MeetingroomEvents,
  StartMaintenanceBody,
} from "./schemas.js";
import { settings } from "./settings.js";

const MaintenanceListQuery = ListQuery({
  roomId: T.Optional(Id),
  status: T.Optional(T.Union([T.Literal("Started"), T.Literal("Ended")])),
});

export const maintenanceView = ({ id, roomId, status, createdAt, updatedAt }: MaintenanceState) => ({
  id,
  roomId,
  status,
  createdAt,
  updatedAt,
});

/** Who sees every maintenance (and only they see any). */
const staff: Role[] = ["admin"];

export function maintenanceService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "meetingroom.maintenance", { events: MeetingroomEvents });
  const maintenances = kit.aggregate(maintenanceDecider, {
    correlation: correlateBy("roomId"),
    indexes: ["roomId", "status"],
  });
  const afterMs = settings.of(rt.config).MEETINGROOM_RECONCILE_AFTER_MS;

  return {
    name: "meetingroom.maintenance",
    mixins: [kit.mixin()],
    actions: {
      start: endpoint({
        http: {
          method: "POST",
          path: "/meetingroom/maintenances",
          roles: ["admin"],
          summary:
            "Put a free room under maintenance; 409 when it is reserved or in a meeting; 503 when reserve is unavailable",
          input: "body",
          status: 201,
          response: MaintenanceResource,
          errors: [404, 409, 503],
          example: { roomId: "01JD0000000000000000000000" },
          reasons: { 409: ["UnderMaintenance", "InConference", "RoomReserved", "StartTooLate", "HoldReleased"] },
        },
        params: StartMaintenanceBody,
        async handler(ctx: Context<Static<typeof StartMaintenanceBody>>) {
          caller(ctx);
          const { roomId } = ctx.params;
          const maintenanceId = creationId(ctx, "maintenance");
          // Under an Idempotency-Key a retry finds the maintenance the first try stored, even once it ended.
          const stored = (ctx.meta as RequestMeta).idempotencyKey
            ? await maintenances.getLatest(maintenanceId)
            : undefined;
          if (stored) return maintenanceView(stored);
          const { heldAt } = await ctx.call<MaintenanceHold, object>("meetingroom.reserve.holdForMaintenance", {
            roomId,
            maintenanceId,
          });
          const storeBy = ownerStoreBy(Date.parse(heldAt), afterMs, kit.clock);
          if (storeBy === undefined)
            throw conflict("StartTooLate", "this maintenance was not started in time and its room is being given back");
          const { state } = await maintenances.execute(
            maintenanceId,
            { type: "Start", maintenanceId, roomId },
            { storeBy, now: nowIso(kit) },
          );
          return maintenanceView(state);
        },
      }),

      end: endpoint({
        http: {
          method: "POST",
          path: "/meetingroom/maintenances/:id/end",
          roles: ["admin"],
          summary: "End a maintenance: the room can be reserved again",
          response: MaintenanceResource,
          errors: [404],
        },
        params: ByIdParams,
        async handler(ctx: Context<Static<typeof ByIdParams>>) {
          caller(ctx);
          const found = await maintenances.getLatest(ctx.params.id);
          if (!found) throw notFound("maintenance", ctx.params.id);
          const { state } = await maintenances.execute(found.id, { type: "End" }, { now: nowIso(kit) });
          try {
            await ctx.call("meetingroom.reserve.release", { roomId: state.roomId, maintenanceId: state.id });
          } catch {
            // eventually released by meetingroom.reserve's policy
          }
          return maintenanceView(state);
        },
      }),

      ...ownedReadActions({
        name: "maintenance",
        load: (id) => maintenances.getLatest(id),
        page: (q) => maintenances.page(q),
        // Maintenance belongs to no customer: only staff see it.
        ownerOf: () => "",
        staff,
        present: maintenanceView,
        getParams: ByIdParams,
        listQuery: MaintenanceListQuery,
        filters: ["roomId", "status"],
        http: {
          get: {
            method: "GET",
            path: "/meetingroom/maintenances/:id",
            roles: staff,
            summary: "One maintenance",
            response: MaintenanceResource,
            errors: [404],
          },
          list: {
            method: "GET",
            path: "/meetingroom/maintenances",
            roles: staff,
            summary: "List maintenances (?roomId= ?status=)",
            response: PageOf(MaintenanceResource),
          },
        },
      }),
    },
  };
}
