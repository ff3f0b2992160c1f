// Room: added once.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { roomDecider } from "./room.js";
import { MeetingroomEventSchemas } from "./schemas.js";

const { given, history } = deciderSpec(roomDecider, MeetingroomEventSchemas);
const ROOM = `01HZX${"1".padStart(21, "0")}`;

describe("Room", () => {
  it("is added once", () => {
    const add = { type: "Add" as const, roomId: ROOM, name: "Room A", capacity: 8 };
    const state = given([])
      .when(add)
      .then([{ type: "RoomAdded", data: { roomId: ROOM, name: "Room A", capacity: 8 } }]);
    expect(state).toMatchObject({ id: ROOM, name: "Room A", capacity: 8 });
    given(history(add)).when(add).thenNothing();
  });
});
