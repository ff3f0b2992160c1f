// Review: one per request, only after its cleaning was finished, by its cleaner.
import { deciderSpec } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { reviewIdOf } from "./ids.js";
import { type ReviewCommand, reviewDecider, reviewView } from "./review.js";
import { CleaningEventSchemas } from "./schemas.js";

const { given, history, at } = deciderSpec(reviewDecider, CleaningEventSchemas);
const REQUEST = `01HZX${"5".padStart(21, "0")}`;
const REVIEW = reviewIdOf(REQUEST);

const complete = (o: Partial<ReviewCommand> = {}): ReviewCommand => ({
  type: "Complete",
  reviewId: REVIEW,
  requestId: REQUEST,
  content: "Kind and tidy",
  score: 5,
  cleanerId: "cleaner-1",
  cleanedBy: "cleaner-1",
  retry: false,
  ...o,
});
const reviewed = history(complete());

describe("Review Complete", () => {
  it("completes the review of a finished cleaning", () => {
    const state = given([])
      .when(complete())
      .then([
        {
          type: "ReviewCompleted",
          data: { reviewId: REVIEW, requestId: REQUEST, content: "Kind and tidy", score: 5, cleanerId: "cleaner-1" },
        },
      ]);
    expect(reviewView(state)).toEqual({
      id: REVIEW,
      requestId: REQUEST,
      content: "Kind and tidy",
      score: 5,
      cleanerId: "cleaner-1",
      status: "ReviewCompleted",
      createdAt: at(0),
      updatedAt: at(0),
    });
  });

  it("refuses while the cleaning is not finished (409 CleaningNotFinished)", () => {
    given([])
      .when(complete({ cleanedBy: undefined }))
      .thenRefuses(409, "CleaningNotFinished");
  });

  it("refuses a cleaner who did not clean this request (403)", () => {
    given([])
      .when(complete({ cleanedBy: "cleaner-2" }))
      .thenRefuses(403, "NotTheCleaner");
  });

  it("refuses a second review of the same request (409 AlreadyReviewed)", () => {
    for (const o of [{}, { content: "other" }, { score: 1 }] as Array<Partial<ReviewCommand>>) {
      given(reviewed).when(complete(o)).thenRefuses(409, "AlreadyReviewed");
    }
  });

  it("a keyed retry of the same review gets the review it made; a different one is 409", () => {
    given(reviewed)
      .when(complete({ retry: true }))
      .thenNothing();
    given(reviewed)
      .when(complete({ retry: true, score: 4 }))
      .thenRefuses(409, "AlreadyReviewed");
  });
});
