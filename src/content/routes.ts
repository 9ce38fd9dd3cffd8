// Content and MLR over HTTP: claims, assets, approvals with electronic signatures, the withdrawal cascade.
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { REVIEWER_ROLES_FOR_CONTENT } from "./roles.ts";
import { allow, reader } from "../server/guards.ts";
import { ApprovalBodySchema, approveClaim, ClaimListQuerySchema, createClaim, getClaim, listClaims, NewClaimSchema } from "./claims.ts";
import { approveAsset, AssetListQuerySchema, createAsset, getAsset, listAssets, NewAssetSchema, rejectAsset, RejectionBodySchema } from "./assets.ts";
import { withdrawClaim } from "./withdrawal.ts";
import { ReasonSchema } from "./lifecycle.ts";

const IdParams = z.strictObject({ id: z.string().min(1).max(200) });
const WithdrawalBodySchema = z.strictObject({ reason: ReasonSchema });
/** Submitting moves a draft into review; this minimal workflow has no separate step (a no-op answer). */
const SubmitBodySchema = z.strictObject({}).nullish();
const tags = ["content"];
const REVIEWERS = REVIEWER_ROLES_FOR_CONTENT;


export const contentRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  const now = () => ctx.clock.now();

  // ---- claims
  app.post("/claims", { preValidation: allow("mops"), schema: { tags, body: NewClaimSchema } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "mops");
    return reply.code(201).send({ claim: await createClaim(ctx, actorOf(user), req.body) });
  });

  app.get("/claims", { preValidation: reader, schema: { tags, querystring: ClaimListQuerySchema } }, async (req) => {
    return { claims: await listClaims(ctx.store.db, req.query, now()) };
  });

  app.get("/claims/:id", { preValidation: reader, schema: { tags, params: IdParams } }, async (req) => {
    return { claim: await getClaim(ctx.store.db, req.params.id, now()) };
  });

  app.post("/claims/:id/submit", { preValidation: allow("mops", ...REVIEWERS), schema: { tags, params: IdParams, body: SubmitBodySchema } }, async (req) => {
    return { claim: await getClaim(ctx.store.db, req.params.id, now()) };
  });

  app.post("/claims/:id/approve", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ApprovalBodySchema } }, async (req) => {
    const user = requireRole(callerOf(req), ...REVIEWERS);
    return { claim: await approveClaim(ctx, user, req.params.id, req.body.signature) };
  });

  app.post("/claims/:id/withdraw", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: WithdrawalBodySchema } }, async (req) => {
    const user = requireRole(callerOf(req), ...REVIEWERS);
    return withdrawClaim(ctx, actorOf(user), req.params.id, req.body.reason);
  });

  // ---- assets
  app.post("/assets", { preValidation: allow("mops"), schema: { tags, body: NewAssetSchema } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "mops");
    return reply.code(201).send({ asset: await createAsset(ctx, actorOf(user), req.body) });
  });

  app.get("/assets", { preValidation: reader, schema: { tags, querystring: AssetListQuerySchema } }, async (req) => {
    return { assets: await listAssets(ctx.store.db, req.query, now()) };
  });

  app.get("/assets/:id", { preValidation: reader, schema: { tags, params: IdParams } }, async (req) => {
    return { asset: await getAsset(ctx.store.db, req.params.id, now()) };
  });

  app.post("/assets/:id/submit", { preValidation: allow("mops", ...REVIEWERS), schema: { tags, params: IdParams, body: SubmitBodySchema } }, async (req) => {
    return { asset: await getAsset(ctx.store.db, req.params.id, now()) };
  });

  app.post("/assets/:id/approve", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ApprovalBodySchema } }, async (req) => {
    const user = requireRole(callerOf(req), ...REVIEWERS);
    return { asset: await approveAsset(ctx, user, req.params.id, req.body.signature) };
  });

  app.post("/assets/:id/reject", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: RejectionBodySchema } }, async (req) => {
    const user = requireRole(callerOf(req), ...REVIEWERS);
    return { asset: await rejectAsset(ctx, user, req.params.id, req.body.reason, req.body.signature) };
  });
};
