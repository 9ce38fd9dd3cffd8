import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { requireUser } from "../auth/principal.ts";
import { SignatureSchema } from "../auth/store.ts";
import { REVIEWER_ROLES } from "../shared/vocabulary.ts";
import { approveReview, getReview, listReviews, rejectReview } from "./queue.ts";
import { reader } from "../server/guards.ts";
import { ok, responses } from "../server/openapi.ts";
import { ReviewClosingResponse, ReviewListResponse, ReviewResponse } from "./responses.ts";

const tags = ["reviews"];
const IdParams = z.strictObject({ id: z.string().min(1).max(200) });

export const reviewRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  app.get("/reviews", {
    schema: {
      tags,
      querystring: z.strictObject({
        status: z.enum(["open", "approved", "rejected", "cancelled"]).optional(),
        role: z.enum(REVIEWER_ROLES as [string, ...string[]]).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(200),
      }),
      operationId: "listReviews", summary: "List reviews of escalated decisions",
      response: responses({ 200: ok(ReviewListResponse, "Matching reviews") }, 400, 401, 403),
    },
  }, async (req) => {
    requireUser(callerOf(req));
    return { reviews: await listReviews(ctx.store.db, req.query as Parameters<typeof listReviews>[1]) };
  });

  app.get("/reviews/:id", { schema: { tags, params: IdParams, operationId: "getReview", summary: "Read one review", response: responses({ 200: ok(ReviewResponse, "The review") }, 400, 401, 403, 404) } }, async (req) => {
    requireUser(callerOf(req));
    return { review: await getReview(ctx.store.db, req.params.id) };
  });

  app.post("/reviews/:id/approve", { preValidation: reader, schema: { tags, params: IdParams, body: z.strictObject({ signature: SignatureSchema }), operationId: "approveReview", summary: "Sign a review as approved; the last required role re-checks and resolves the decision", response: responses({ 200: ok(ReviewClosingResponse, "The review and, once resolved, the decision") }, 400, 401, 403, 404, 409, 413, 415) } }, async (req) => {
    return approveReview(ctx, requireUser(callerOf(req)), req.params.id, req.body.signature);
  });

  app.post("/reviews/:id/reject", {
    preValidation: reader,
    schema: { tags, params: IdParams, body: z.strictObject({ reason: z.string().trim().min(3).max(2000), signature: SignatureSchema }), operationId: "rejectReview", summary: "Reject a review, signed: the decision is rejected", response: responses({ 200: ok(ReviewClosingResponse, "The closed review and the rejected decision") }, 400, 401, 403, 404, 409, 413, 415) },
  }, async (req) => {
    return rejectReview(ctx, requireUser(callerOf(req)), req.params.id, req.body.reason, req.body.signature);
  });
};
