// A node with an invalid slot configuration does not start, and says why.
import { startTestNode } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";

describe("MEETINGROOM_SLOTS and MEETINGROOM_TZ", () => {
  it.each([
    [
      "MEETINGROOM_SLOTS",
      "10:00-09:00",
      /invalid MEETINGROOM_SLOTS "10:00-09:00": "10:00-09:00" ends before it starts/,
    ],
    ["MEETINGROOM_SLOTS", "8am-10am", /invalid MEETINGROOM_SLOTS "8am-10am"/],
    ["MEETINGROOM_TZ", "Seoul", /invalid MEETINGROOM_TZ "Seoul"/],
  ])("%s=%s stops the node", async (name, value, message) => {
    await expect(startTestNode({ services: "meetingroom.reserve", config: { [name]: value } })).rejects.toThrow(
      message,
    );
  });
});
