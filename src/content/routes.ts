// Content and MLR over HTTP: claims and assets with their versions, the review workflow with
// electronic signatures, rendering, the withdrawal cascade, agents' notices and content metrics.
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { forbidden } from "../shared/errors.ts";
import { SignatureSchema } from "../auth/store.ts";
import { REVIEWER_ROLES } from "../shared/vocabulary.ts";
import { allow, reader } from "../server/guards.ts";
import {
  approveClaim, claimHistory, ClaimEditSchema, ClaimListQuerySchema, createClaim, editClaim, getClaim, getClaimVersion, listClaims,
  NewClaimSchema, rejectClaim, requestClaimChanges, startClaimReview, submitClaim,
} from "./claims.ts";
import {
  approveAsset, AssetEditSchema, assetHistory, AssetListQuerySchema, createAsset, editAsset, getAsset, listAssets, NewAssetSchema,
  recertifyAsset, rejectAsset, requestAssetChanges, startAssetReview, submitAsset,
} from "./assets.ts";
import { withdrawClaim } from "./withdrawal.ts";
import { campaignProgress, listCampaigns } from "./revision.ts";
import { listNotices, NoticeQuerySchema } from "./notices.ts";
import { contentMetrics } from "./metrics.ts";
import { InstantSchema, ReasonSchema } from "./lifecycle.ts";
import { FirstUseQuerySchema, FirstUseSubmissionSchema, firstUsesCsv, listFirstUses, markFirstUseSubmitted } from "./first-use.ts";

const IdParams = z.strictObject({ id: z.string().min(1).max(200) });
const VersionParams = z.strictObject({ id: z.string().min(1).max(200), version: z.coerce.number().int().min(1) });
const WithdrawalBodySchema = z.strictObject({
  reason: ReasonSchema,
  /** The successor claim: each asset the withdrawal blocks gets a new version with it, submitted for review. */
  replacedBy: z.string().min(1).max(200).optional(),
});
const ApprovalBodySchema = z.strictObject({ signature: SignatureSchema });
const ClosingBodySchema = z.strictObject({ reason: ReasonSchema, signature: SignatureSchema });
const RecertifyBodySchema = z.strictObject({ expiresAt: InstantSchema });
/** Submitting and taking into review carry no body (an empty object is accepted). */
const EmptyBodySchema = z.strictObject({}).nullish();
const FirstUseParams = z.strictObject({ assetId: z.string().min(1).max(200), version: z.coerce.number().int().min(1) });
const FirstUseBodySchema = FirstUseSubmissionSchema.extend({ signature: SignatureSchema });
/** Who follows FDA Form 2253 submissions. */
const FIRST_USE_READERS = ["mops", "reviewer:regulatory", "auditor"] as const;
const tags = ["content"];
const REVIEWERS = REVIEWER_ROLES;

export const contentRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  const now = () => ctx.clock.now();
  const reviewer = (req: Parameters<typeof callerOf>[0]) => requireRole(callerOf(req), ...REVIEWERS);

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

  app.put("/claims/:id", { preValidation: allow("mops"), schema: { tags, params: IdParams, body: ClaimEditSchema } }, async (req) => {
    const user = requireRole(callerOf(req), "mops");
    return { claim: await editClaim(ctx, actorOf(user), req.params.id, req.body) };
  });

  app.get("/claims/:id/versions", { preValidation: reader, schema: { tags, params: IdParams } }, async (req) => {
    return { versions: await claimHistory(ctx.store.db, req.params.id, now()) };
  });

  app.get("/claims/:id/versions/:version", { preValidation: reader, schema: { tags, params: VersionParams } }, async (req) => {
    return { claim: await getClaimVersion(ctx.store.db, req.params.id, req.params.version, now()) };
  });

  app.post("/claims/:id/submit", { preValidation: allow("mops", ...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema } }, async (req) => {
    return { claim: await submitClaim(ctx, actorOf(callerOf(req)), req.params.id) };
  });

  app.post("/claims/:id/start-review", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema } }, async (req) => {
    return { claim: await startClaimReview(ctx, reviewer(req), req.params.id) };
  });

  app.post("/claims/:id/approve", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ApprovalBodySchema } }, async (req) => {
    return { claim: await approveClaim(ctx, reviewer(req), req.params.id, req.body.signature) };
  });

  app.post("/claims/:id/request-changes", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema } }, async (req) => {
    return { claim: await requestClaimChanges(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/claims/:id/reject", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema } }, async (req) => {
    return { claim: await rejectClaim(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/claims/:id/withdraw", { preValidation: allow("reviewer:medical", "reviewer:legal", "reviewer:regulatory"), schema: { tags, params: IdParams, body: WithdrawalBodySchema } }, async (req) => {
    const user = requireRole(callerOf(req), "reviewer:medical", "reviewer:legal", "reviewer:regulatory");
    return withdrawClaim(ctx, actorOf(user), req.params.id, req.body.reason, req.body.replacedBy);
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

  app.put("/assets/:id", { preValidation: allow("mops"), schema: { tags, params: IdParams, body: AssetEditSchema } }, async (req) => {
    const user = requireRole(callerOf(req), "mops");
    return { asset: await editAsset(ctx, actorOf(user), req.params.id, req.body) };
  });

  app.get("/assets/:id/versions", { preValidation: reader, schema: { tags, params: IdParams } }, async (req) => {
    return { versions: await assetHistory(ctx.store.db, req.params.id, now()) };
  });

  app.get("/assets/:id/render", { preValidation: reader, schema: { tags, params: IdParams } }, async (req) => {
    const asset = await getAsset(ctx.store.db, req.params.id, now());
    return { id: asset.id, version: asset.version, subject: asset.subject, text: asset.rendered };
  });

  app.post("/assets/:id/submit", { preValidation: allow("mops", ...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema } }, async (req) => {
    return { asset: await submitAsset(ctx, actorOf(callerOf(req)), req.params.id) };
  });

  app.post("/assets/:id/start-review", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema } }, async (req) => {
    return { asset: await startAssetReview(ctx, reviewer(req), req.params.id) };
  });

  app.post("/assets/:id/approve", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ApprovalBodySchema } }, async (req) => {
    return { asset: await approveAsset(ctx, reviewer(req), req.params.id, req.body.signature) };
  });

  app.post("/assets/:id/request-changes", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema } }, async (req) => {
    return { asset: await requestAssetChanges(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/assets/:id/reject", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema } }, async (req) => {
    return { asset: await rejectAsset(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/assets/:id/recertify", { preValidation: allow("mops"), schema: { tags, params: IdParams, body: RecertifyBodySchema } }, async (req) => {
    const user = requireRole(callerOf(req), "mops");
    return { asset: await recertifyAsset(ctx, actorOf(user), req.params.id, req.body.expiresAt) };
  });

  // ---- reuse and readiness
  app.get("/content/metrics", { preValidation: reader, schema: { tags } }, async () => {
    return contentMetrics(ctx.store.db, now(), await ctx.governance.refresh(ctx.store.db));
  });

  // ---- revision campaigns (a withdrawal with a successor)
  app.get("/content/revisions", { preValidation: reader, schema: { tags } }, async () => {
    return { campaigns: await listCampaigns(ctx.store.db) };
  });

  app.get("/content/revisions/:id", { preValidation: reader, schema: { tags, params: IdParams } }, async (req) => {
    return { campaign: await campaignProgress(ctx.store.db, req.params.id, now()) };
  });

  // ---- first use (US, FDA Form 2253)
  app.get("/content/first-use", { preValidation: allow(...FIRST_USE_READERS), schema: { tags, querystring: FirstUseQuerySchema } }, async (req, reply) => {
    const items = await listFirstUses(ctx.store.db, req.query, now());
    if (req.query.format === "csv") return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="first-use.csv"').send(firstUsesCsv(items));
    return { items };
  });

  app.get("/content/first-use.csv", { preValidation: allow(...FIRST_USE_READERS), schema: { tags, querystring: FirstUseQuerySchema.omit({ format: true }) } }, async (req, reply) => {
    const items = await listFirstUses(ctx.store.db, req.query, now());
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="first-use.csv"').send(firstUsesCsv(items));
  });

  app.post("/content/first-use/:assetId/:version/submitted", { preValidation: allow("mops", "reviewer:regulatory"), schema: { tags, params: FirstUseParams, body: FirstUseBodySchema } }, async (req) => {
    const user = requireRole(callerOf(req), "mops", "reviewer:regulatory");
    return { item: await markFirstUseSubmitted(ctx, user, req.params.assetId, req.params.version, req.body.reference, req.body.signature) };
  });

  // ---- what agents must know
  app.get("/agents/:id/notices", { schema: { tags, params: IdParams, querystring: NoticeQuerySchema } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind === "agent" && caller.id !== req.params.id) throw forbidden("an agent may read only its own notices");
    if (caller.kind === "user") requireUser(caller);
    return { notices: await listNotices(ctx.store.db, req.params.id, req.query) };
  });
};
