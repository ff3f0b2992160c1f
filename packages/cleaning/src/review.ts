// Review: the cleaner's review of the customer, one per request, only after
// the cleaning was finished (the clean service's answer, asked synchronously).
import { type Decider, type Empty, refuse } from "@seed/platform/domain";
import type { Static } from "@sinclair/typebox";
import type { CleaningEvent, Review } from "./schemas.js";

/** A review is what its resource shows. */
export type ReviewState = Static<typeof Review>;

export type ReviewCommand = {
  type: "Complete";
  reviewId: string;
  requestId: string;
  content: string;
  score: number;
  cleanerId: string;
  /** Who finished the request's cleaning; undefined when it is not finished. */
  cleanedBy: string | undefined;
  /** The request carries an Idempotency-Key: the same review repeated gets the review it made. */
  retry: boolean;
};

type ReviewEvent = Extract<CleaningEvent, { type: "ReviewCompleted" }>;

export const reviewDecider: Decider<Empty | ReviewState, ReviewCommand, ReviewEvent> = {
  name: "review",
  initialState: { status: "Empty" },

  decide(state, cmd) {
    if (state.status !== "Empty") {
      const same = state.cleanerId === cmd.cleanerId && state.content === cmd.content && state.score === cmd.score;
      if (cmd.retry && same) return [];
      throw refuse.conflict("AlreadyReviewed", "this request was already reviewed");
    }
    if (cmd.cleanedBy === undefined)
      throw refuse.conflict("CleaningNotFinished", "the cleaning of this request is not finished");
    if (cmd.cleanedBy !== cmd.cleanerId)
      throw refuse.forbidden("NotTheCleaner", "only the cleaner who cleaned may review");
    const { reviewId, requestId, content, score, cleanerId } = cmd;
    return [{ type: "ReviewCompleted", data: { reviewId, requestId, content, score, cleanerId } }];
  },

  evolve(_state, event, { at }) {
    const { reviewId, requestId, content, score, cleanerId } = event.data;
    return {
      id: reviewId,
      requestId,
      content,
      score,
      cleanerId,
      status: "ReviewCompleted",
      createdAt: at,
      updatedAt: at,
    };
  },
};

export const reviewView = (s: ReviewState) => ({
  id: s.id,
  requestId: s.requestId,
  content: s.content,
  score: s.score,
  cleanerId: s.cleanerId,
  status: s.status,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
