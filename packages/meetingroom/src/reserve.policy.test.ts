// The reserve's policy: an ended meeting or maintenance gives its room back
// (when the synchronous release was lost); a room never held is left alone.
import { execute } from "@seed/platform";
import { effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type HoldingState, roomHoldingDecider } from "./holding.js";
import { type ReserveReads, reservePolicy } from "./reserve.policy.js";

const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const ROOM = id(1);
const CONFERENCE = id(201);
const RESERVE = id(101);
const MAINTENANCE = id(301);

/** The service's copy of the holdings: `held` rooms have one. */
const holdings = (...held: string[]): ReserveReads => ({
  holding: async (roomId): Promise<HoldingState | undefined> =>
    held.includes(roomId) ? { status: "Tracked", roomId, updatedAt: "2025-01-01T00:00:00.000Z" } : undefined,
});

describe("reserve policy", () => {
  it("given ConferenceEnded → releases the room's hold of that meeting", async () => {
    const ended = { conferenceId: CONFERENCE, reserveId: RESERVE, roomId: ROOM };
    expect(await effectsOf(reservePolicy, { type: "ConferenceEnded", data: ended }, holdings(ROOM))).toEqual([
      execute(roomHoldingDecider, ROOM, { type: "Release", conferenceId: CONFERENCE, reserveId: RESERVE }),
    ]);
  });

  it("given MaintEnded → releases the room's hold of that maintenance", async () => {
    const ended = { maintenanceId: MAINTENANCE, roomId: ROOM };
    expect(await effectsOf(reservePolicy, { type: "MaintEnded", data: ended }, holdings(ROOM))).toEqual([
      execute(roomHoldingDecider, ROOM, { type: "Release", maintenanceId: MAINTENANCE }),
    ]);
  });

  it("given an end in a room never held → does nothing", async () => {
    const ended = { conferenceId: CONFERENCE, reserveId: RESERVE, roomId: ROOM };
    expect(await effectsOf(reservePolicy, { type: "ConferenceEnded", data: ended }, holdings())).toEqual([]);
    const maint = { maintenanceId: MAINTENANCE, roomId: ROOM };
    expect(await effectsOf(reservePolicy, { type: "MaintEnded", data: maint }, holdings())).toEqual([]);
  });
});
