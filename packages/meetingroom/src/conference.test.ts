// Conference: started once with UserChecked, ended once (by its member or at its slot's end).
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { type ConferenceCommand, conferenceDecider } from "./conference.js";
import { MeetingroomEventSchemas } from "./schemas.js";

const { given, history } = deciderSpec(conferenceDecider, MeetingroomEventSchemas);
const id = (n: number) => `01HZX${String(n).padStart(21, "0")}`;
const slot = { slotStart: "2025-03-10T01:00:00.000Z", slotEnd: "2025-03-10T02:50:00.000Z" };
const start: ConferenceCommand = {
  type: "Start",
  conferenceId: id(21),
  reserveId: id(11),
  roomId: id(1),
  userId: "alice",
  ...slot,
};
const conferenceEnded = {
  type: "ConferenceEnded" as const,
  data: { conferenceId: id(21), reserveId: id(11), roomId: id(1) },
};
const started = history(start);

describe("Conference", () => {
  it("starts with UserChecked, once", () => {
    const state = given([])
      .when(start)
      .then([
        {
          type: "UserChecked",
          data: { conferenceId: id(21), reserveId: id(11), roomId: id(1), userId: "alice", ...slot },
        },
      ]);
    expect(state.status).toBe("Started");
    given(started).when(start).thenNothing();
  });

  it("ends once", () => {
    const state = given(started).when({ type: "End" }).then([conferenceEnded]);
    expect(state.status).toBe("Ended");
    given(history(start, { type: "End" }))
      .when({ type: "End" })
      .thenNothing();
  });

  it("at the slot's end, not before; a second ticker changes nothing", () => {
    const end = Date.parse(slot.slotEnd);
    given(started)
      .when({ type: "EndAtSlotEnd", now: end - 1 })
      .thenNothing();
    given(started).when({ type: "EndAtSlotEnd", now: end }).then([conferenceEnded]);
    given(history(start, { type: "EndAtSlotEnd", now: end }))
      .when({ type: "EndAtSlotEnd", now: end })
      .thenNothing();
  });

  it("an unknown conference: 404", () => {
    given([]).when({ type: "End" }).thenRefuses(404, "NotFound");
  });
});
