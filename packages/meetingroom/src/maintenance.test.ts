// Maintenance: started once, ended once.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { maintenanceDecider } from "./maintenance.js";
import { MeetingroomEventSchemas } from "./schemas.js";

const { given, history } = deciderSpec(maintenanceDecider, MeetingroomEventSchemas);
const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const start = { type: "Start" as const, maintenanceId: id(31), roomId: id(1) };

describe("Maintenance", () => {
  it("starts once and ends once", () => {
    const started = given([])
      .when(start)
      .then([{ type: "MaintStarted", data: { maintenanceId: id(31), roomId: id(1) } }]);
    expect(started.status).toBe("Started");
    given(history(start)).when(start).thenNothing();
    given(history(start))
      .when({ type: "End" })
      .then([{ type: "MaintEnded", data: { maintenanceId: id(31), roomId: id(1) } }]);
    given(history(start, { type: "End" }))
      .when({ type: "End" })
      .thenNothing();
    given([]).when({ type: "End" }).thenRefuses(404, "NotFound");
  });
});
