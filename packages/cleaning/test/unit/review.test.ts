// Review: one per request, only after its cleaning was finished, by its cleaner.
import { aggregateHarness, refusalOf } from "@seed/platform/testing";
import { describe, expect, it } from "vitest";
import { reviewIdOf } from "../../src/ids.js";
import { type ReviewCommand, type ReviewState, reviewDecider, reviewView } from "../../src/review.js";
import { CleaningEventSchemas } from "../../src/schemas.js";

const { ctx, at, run } = aggregateHarness(reviewDecider, CleaningEventSchemas);
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
const reviewed = () => run(undefined, complete()).state as ReviewState;

describe("Review.decide Complete", () => {
  it("completes the review of a finished cleaning", () => {
    const { events, state } = run(undefined, complete());
    expect(events).toEqual([
      {
        type: "ReviewCompleted",
        data: { reviewId: REVIEW, requestId: REQUEST, content: "Kind and tidy", score: 5, cleanerId: "cleaner-1" },
      },
    ]);
    expect(reviewView(state as ReviewState)).toEqual({
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
    const r = refusalOf(() => reviewDecider.decide(undefined, complete({ cleanedBy: undefined }), ctx));
    expect([r.status, r.rule]).toEqual([409, "CleaningNotFinished"]);
  });

  it("refuses a cleaner who did not clean this request (403)", () => {
    const r = refusalOf(() => reviewDecider.decide(undefined, complete({ cleanedBy: "cleaner-2" }), ctx));
    expect(r.status).toBe(403);
  });

  it("refuses a second review of the same request (409 AlreadyReviewed)", () => {
    for (const o of [{}, { content: "other" }, { score: 1 }] as Array<Partial<ReviewCommand>>) {
      const r = refusalOf(() => reviewDecider.decide(reviewed(), complete(o), ctx));
      expect([r.status, r.rule]).toEqual([409, "AlreadyReviewed"]);
    }
  });

  it("a keyed retry of the same review gets the review it made; a different one is 409", () => {
    expect(reviewDecider.decide(reviewed(), complete({ retry: true }), ctx)).toEqual([]);
    expect(refusalOf(() => reviewDecider.decide(reviewed(), complete({ retry: true, score: 4 }), ctx)).status).toBe(
      409,
    );
  });
});
