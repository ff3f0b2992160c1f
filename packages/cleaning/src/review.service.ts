// cleaning.review — owns Review.
// Offers: complete (a cleaner reviews the customer of a finished cleaning), get, list.
// Reacts to: nothing.
// Calls: cleaning.clean.byRequest synchronously on complete — the review needs a
//        finished cleaning, and only the clean service knows that for sure. Clean
//        down, slow or its breaker open: 503 + Retry-After and nothing stored.

import {
  caller,
  correlateBy,
  endpoint,
  isClientError,
  ListQuery,
  ownedReadActions,
  PageOf,
  type RequestMeta,
  type Runtime,
  ServiceKit,
} from "@seed/platform";
import { type Static, Type as T } from "@sinclair/typebox";
import type { Context, ServiceSchema } from "moleculer";
import { reviewIdOf } from "./ids.js";
import { reviewDecider, reviewView } from "./review.js";
import { ByIdParams, CleaningEvents, CompleteReviewBody, Id, Review as ReviewResource } from "./schemas.js";

const ReviewListQuery = ListQuery({
  requestId: T.Optional(Id),
  cleanerId: T.Optional(T.String({ maxLength: 100 })),
});

export function reviewService(rt: Runtime): ServiceSchema {
  const kit = new ServiceKit(rt, "cleaning.review", { events: CleaningEvents });
  const reviews = kit.aggregate(reviewDecider, {
    correlation: correlateBy("requestId"),
    indexes: ["requestId", "cleanerId"],
  });

  /** Who finished the request's cleaning; undefined when it is not finished. Other failures propagate (503). */
  async function cleanedBy(ctx: Context, requestId: string): Promise<string | undefined> {
    try {
      const clean = await ctx.call<{ cleanerId: string }, { requestId: string }>("cleaning.clean.byRequest", {
        requestId,
      });
      return clean.cleanerId;
    } catch (err) {
      if (isClientError(err) && err.code === 404) return undefined;
      throw err;
    }
  }

  return {
    name: "cleaning.review",
    mixins: [kit.mixin()],
    actions: {
      /** One review per request (a second is 409), only once its cleaning is finished. */
      complete: endpoint({
        http: {
          method: "POST",
          path: "/cleaning/reviews",
          roles: ["cleaner"],
          summary:
            "Review the customer of a finished cleaning; 409 unless it is finished or when already reviewed; 503 when the clean service is unavailable",
          input: "body",
          status: 201,
          response: ReviewResource,
          errors: [409, 503],
          example: { requestId: "01JD0000000000000000000000", content: "Kind customer, tidy home", score: 5 },
          reasons: { 403: ["NotTheCleaner"], 409: ["AlreadyReviewed", "CleaningNotFinished"] },
        },
        params: CompleteReviewBody,
        async handler(ctx: Context<Static<typeof CompleteReviewBody>>) {
          const user = caller(ctx);
          const { requestId, content, score } = ctx.params;
          const reviewId = reviewIdOf(requestId);
          const { state } = await reviews.execute(reviewId, {
            type: "Complete",
            reviewId,
            requestId,
            content,
            score,
            cleanerId: user.id,
            cleanedBy: await cleanedBy(ctx, requestId),
            retry: Boolean((ctx.meta as RequestMeta).idempotencyKey),
          });
          return reviewView(state);
        },
      }),

      // Reviews are open to every signed-in user.
      ...ownedReadActions({
        name: "review",
        load: (id) => reviews.getLatest(id),
        page: (q) => reviews.page(q),
        ownerOf: (r) => r.cleanerId,
        ownerIndex: "cleanerId",
        staff: "any",
        present: reviewView,
        getParams: ByIdParams,
        listQuery: ReviewListQuery,
        filters: ["requestId", "cleanerId"],
        http: {
          get: {
            method: "GET",
            path: "/cleaning/reviews/:id",
            roles: "any",
            summary: "One review",
            response: ReviewResource,
            errors: [404],
          },
          list: {
            method: "GET",
            path: "/cleaning/reviews",
            roles: "any",
            summary: "List reviews (?requestId=, ?cleanerId=)",
            response: PageOf(ReviewResource),
          },
        },
      }),
    },
  };
}
