// The clean's side of the cleaning saga: a recorded cleaning is finished.
import { execute } from "@seed/platform";
import { effectsOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { cleanDecider } from "./clean.js";
import { cleanPolicy } from "./clean.policy.js";
import { cleanIdOf } from "./ids.js";

const REQUEST = `01HZX${"101".padStart(21, "0")}`;
const CLEAN = cleanIdOf(REQUEST);

describe("clean policy", () => {
  it("given CleaningRecorded → finishes the cleaning as recorded (stores a CleaningFinished a dead node missed)", async () => {
    const recorded = { cleanId: CLEAN, requestId: REQUEST, cleanDate: "2025-01-02", cleanerId: "cleaner-1" };
    expect(await effectsOf(cleanPolicy, { type: "CleaningRecorded", data: recorded })).toEqual([
      execute(cleanDecider, CLEAN, {
        type: "Finish",
        cleanId: CLEAN,
        requestId: REQUEST,
        cleanDate: "2025-01-02",
        cleanerId: "cleaner-1",
      }),
    ]);
  });
});
