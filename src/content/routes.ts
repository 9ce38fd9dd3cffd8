// Content and MLR over HTTP: claims and assets with their versions, the review workflow with
// electronic signatures, rendering, the withdrawal cascade, agents' notices and content metrics.
import { z } from "zod";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Context } from "../shared/context.ts";
import { callerOf } from "../server/app.ts";
import { actorOf, requireRole, requireUser } from "../auth/principal.ts";
import { forbidden, invalid } from "../shared/errors.ts";
import { usableAssets } from "./usable.ts";
import { getAgent } from "../agents/portfolio.ts";
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
import { INT32_MAX } from "../shared/int32.ts";
import { ok, responses } from "../server/openapi.ts";
import {
  AssetListResponse, AssetResponse, AssetVersionsResponse, ClaimListResponse, ClaimResponse, ClaimVersionsResponse, ContentMetricsResponse, NoticeListResponse,
  RenderResponse, WithdrawalResponse, CampaignListResponse, CampaignResponse, FirstUseListResponse, FirstUseItemResponse,
} from "./responses.ts";
import { previewAsset } from "./preview.ts";
import { FirstUseQuerySchema, FirstUseSubmissionSchema, firstUsesCsv, listFirstUses, markFirstUseSubmitted } from "./first-use.ts";

const IdParams = z.strictObject({ id: z.string().min(1).max(200) });
const RenderQuerySchema = z.strictObject({ hcpId: z.string().min(1).max(200).optional() });
const VersionParams = z.strictObject({ id: z.string().min(1).max(200), version: z.coerce.number().int().min(1).max(INT32_MAX) });
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

export const AssetQuerySchema = AssetListQuerySchema.extend({
  usable: z.enum(["true", "false"]).optional().describe("true: only the approved assets the agent may send now"),
  agentId: z.string().min(1).max(200).optional().describe("With usable=true and a user token: the agent whose usable assets to list"),
});

export const contentRoutes = (ctx: Context): FastifyPluginAsyncZod => async (app) => {
  const now = () => ctx.clock.now();
  const reviewer = (req: Parameters<typeof callerOf>[0]) => requireRole(callerOf(req), ...REVIEWERS);

  // ---- claims
  app.post("/claims", { preValidation: allow("mops"), schema: { tags, body: NewClaimSchema, operationId: "createClaim", summary: "Create a claim (draft)", response: responses({ 201: ok(ClaimResponse, "The new claim") }, 400, 401, 403, 409, 413, 415, 422) } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "mops");
    return reply.code(201).send({ claim: await createClaim(ctx, actorOf(user), req.body) });
  });

  app.get("/claims", { preValidation: reader, schema: { tags, querystring: ClaimListQuerySchema, operationId: "listClaims", summary: "List claims", response: responses({ 200: ok(ClaimListResponse, "Matching claims") }, 400, 401, 403) } }, async (req) => {
    return { claims: await listClaims(ctx.store.db, req.query, now()) };
  });

  app.get("/claims/:id", { preValidation: reader, schema: { tags, params: IdParams, operationId: "getClaim", summary: "Read a claim (its newest version)", response: responses({ 200: ok(ClaimResponse, "The claim") }, 400, 401, 403, 404) } }, async (req) => {
    return { claim: await getClaim(ctx.store.db, req.params.id, now()) };
  });

  app.put("/claims/:id", { preValidation: allow("mops"), schema: { tags, params: IdParams, body: ClaimEditSchema, operationId: "editClaim", summary: "Edit a claim (a new version)", response: responses({ 200: ok(ClaimResponse, "The claim's new version") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    const user = requireRole(callerOf(req), "mops");
    return { claim: await editClaim(ctx, actorOf(user), req.params.id, req.body) };
  });

  app.get("/claims/:id/versions", { preValidation: reader, schema: { tags, params: IdParams, operationId: "listClaimVersions", summary: "Every version of a claim", response: responses({ 200: ok(ClaimVersionsResponse, "The versions, oldest first") }, 400, 401, 403, 404) } }, async (req) => {
    return { versions: await claimHistory(ctx.store.db, req.params.id, now()) };
  });

  app.get("/claims/:id/versions/:version", { preValidation: reader, schema: { tags, params: VersionParams, operationId: "getClaimVersion", summary: "Read one version of a claim", response: responses({ 200: ok(ClaimResponse, "That version") }, 400, 401, 403, 404) } }, async (req) => {
    return { claim: await getClaimVersion(ctx.store.db, req.params.id, req.params.version, now()) };
  });

  app.post("/claims/:id/submit", { preValidation: allow("mops", ...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema, operationId: "submitClaim", summary: "Submit a claim for MLR review", response: responses({ 200: ok(ClaimResponse, "The submitted claim") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { claim: await submitClaim(ctx, actorOf(callerOf(req)), req.params.id) };
  });

  app.post("/claims/:id/start-review", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema, operationId: "startClaimReview", summary: "Take a submitted claim into review", response: responses({ 200: ok(ClaimResponse, "The claim, in review") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { claim: await startClaimReview(ctx, reviewer(req), req.params.id) };
  });

  app.post("/claims/:id/approve", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ApprovalBodySchema, operationId: "approveClaim", summary: "Approve a claim with an electronic signature", response: responses({ 200: ok(ClaimResponse, "The claim with the signature recorded") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { claim: await approveClaim(ctx, reviewer(req), req.params.id, req.body.signature) };
  });

  app.post("/claims/:id/request-changes", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema, operationId: "requestClaimChanges", summary: "Send a claim back for changes, signed", response: responses({ 200: ok(ClaimResponse, "The claim, changes requested") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { claim: await requestClaimChanges(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/claims/:id/reject", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema, operationId: "rejectClaim", summary: "Reject a claim, signed", response: responses({ 200: ok(ClaimResponse, "The rejected claim") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { claim: await rejectClaim(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/claims/:id/withdraw", { preValidation: allow("reviewer:medical", "reviewer:legal", "reviewer:regulatory"), schema: { tags, params: IdParams, body: WithdrawalBodySchema, operationId: "withdrawClaim", summary: "Withdraw a claim: block its assets, cancel pending actions, notify agents", response: responses({ 200: ok(WithdrawalResponse, "The withdrawn claim and what the cascade did") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    const user = requireRole(callerOf(req), "reviewer:medical", "reviewer:legal", "reviewer:regulatory");
    return withdrawClaim(ctx, actorOf(user), req.params.id, req.body.reason, req.body.replacedBy);
  });

  // ---- assets
  app.post("/assets", { preValidation: allow("mops"), schema: { tags, body: NewAssetSchema, operationId: "createAsset", summary: "Create an asset from copy and claim modules (draft)", response: responses({ 201: ok(AssetResponse, "The new asset") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req, reply) => {
    const user = requireRole(callerOf(req), "mops");
    return reply.code(201).send({ asset: await createAsset(ctx, actorOf(user), req.body) });
  });

  // An agent lists only what it may send (usable=true); a person lists everything, or what an agent may send.
  app.get("/assets", { schema: { tags, querystring: AssetQuerySchema, operationId: "listAssets", summary: "List assets; usable=true: the approved assets an agent may send now (its markets, its actions' channels, no withdrawn or expired claim)", response: responses({ 200: ok(AssetListResponse, "Matching assets") }, 400, 401, 403, 404) } }, async (req) => {
    const caller = callerOf(req);
    const { usable, agentId, ...query } = req.query;
    if (caller.kind === "agent") {
      if (usable !== "true") throw forbidden("an agent lists only the assets it may send: add usable=true");
      if (agentId !== undefined && agentId !== caller.id) throw forbidden("an agent may list only its own usable assets");
    } else requireUser(caller);
    if (usable !== "true") return { assets: await listAssets(ctx.store.db, query, now()) };
    const id = caller.kind === "agent" ? caller.id : agentId;
    if (id === undefined) throw invalid("usable=true asks which agent may send: name it with agentId", [{ field: "agentId", message: "required with usable=true" }]);
    return { assets: await usableAssets(ctx.store.db, await getAgent(ctx.store.db, id), { market: query.market, channel: query.channel }, now()) };
  });

  app.get("/assets/:id", { preValidation: reader, schema: { tags, params: IdParams, operationId: "getAsset", summary: "Read an asset (its newest version)", response: responses({ 200: ok(AssetResponse, "The asset") }, 400, 401, 403, 404) } }, async (req) => {
    return { asset: await getAsset(ctx.store.db, req.params.id, now()) };
  });

  app.put("/assets/:id", { preValidation: allow("mops"), schema: { tags, params: IdParams, body: AssetEditSchema, operationId: "editAsset", summary: "Edit an asset (a new version)", response: responses({ 200: ok(AssetResponse, "The asset's new version") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    const user = requireRole(callerOf(req), "mops");
    return { asset: await editAsset(ctx, actorOf(user), req.params.id, req.body) };
  });

  app.get("/assets/:id/versions", { preValidation: reader, schema: { tags, params: IdParams, operationId: "listAssetVersions", summary: "Every version of an asset", response: responses({ 200: ok(AssetVersionsResponse, "The versions, oldest first") }, 400, 401, 403, 404) } }, async (req) => {
    return { versions: await assetHistory(ctx.store.db, req.params.id, now()) };
  });

  app.get("/assets/:id/render", { preValidation: reader, schema: { tags, params: IdParams, querystring: RenderQuerySchema, operationId: "renderAsset", summary: "The approved render of an asset (tokens unfilled), or the message one HCP would receive (?hcpId=)", response: responses({ 200: ok(RenderResponse, "Subject and rendered text") }, 400, 401, 403, 404) } }, async (req) => {
    const asset = await getAsset(ctx.store.db, req.params.id, now());
    return previewAsset(ctx.store.db, asset, req.query.hcpId ?? null);
  });

  app.post("/assets/:id/submit", { preValidation: allow("mops", ...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema, operationId: "submitAsset", summary: "Submit an asset for MLR review", response: responses({ 200: ok(AssetResponse, "The submitted asset") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { asset: await submitAsset(ctx, actorOf(callerOf(req)), req.params.id) };
  });

  app.post("/assets/:id/start-review", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: EmptyBodySchema, operationId: "startAssetReview", summary: "Take a submitted asset into review", response: responses({ 200: ok(AssetResponse, "The asset, in review") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { asset: await startAssetReview(ctx, reviewer(req), req.params.id) };
  });

  app.post("/assets/:id/approve", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ApprovalBodySchema, operationId: "approveAsset", summary: "Approve an asset with an electronic signature", response: responses({ 200: ok(AssetResponse, "The asset with the signature recorded") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { asset: await approveAsset(ctx, reviewer(req), req.params.id, req.body.signature) };
  });

  app.post("/assets/:id/request-changes", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema, operationId: "requestAssetChanges", summary: "Send an asset back for changes, signed", response: responses({ 200: ok(AssetResponse, "The asset, changes requested") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { asset: await requestAssetChanges(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/assets/:id/reject", { preValidation: allow(...REVIEWERS), schema: { tags, params: IdParams, body: ClosingBodySchema, operationId: "rejectAsset", summary: "Reject an asset, signed", response: responses({ 200: ok(AssetResponse, "The rejected asset") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    return { asset: await rejectAsset(ctx, reviewer(req), req.params.id, req.body.reason, req.body.signature) };
  });

  app.post("/assets/:id/recertify", { preValidation: allow("mops"), schema: { tags, params: IdParams, body: RecertifyBodySchema, operationId: "recertifyAsset", summary: "Re-certify an approved asset with a new expiry", response: responses({ 200: ok(AssetResponse, "The re-certified asset") }, 400, 401, 403, 404, 409, 413, 415, 422) } }, async (req) => {
    const user = requireRole(callerOf(req), "mops");
    return { asset: await recertifyAsset(ctx, actorOf(user), req.params.id, req.body.expiresAt) };
  });

  // ---- reuse and readiness
  app.get("/content/metrics", { preValidation: reader, schema: { tags, operationId: "getContentMetrics", summary: "Content reuse, claims per asset and market readiness", response: responses({ 200: ok(ContentMetricsResponse, "The content metrics now") }, 401, 403) } }, async () => {
    return contentMetrics(ctx.store.db, now(), await ctx.governance.refresh(ctx.store.db));
  });

  // ---- revision campaigns (a withdrawal with a successor)
  app.get("/content/revisions", { preValidation: reader, schema: { tags, operationId: "listRevisionCampaigns", summary: "Revision campaigns opened by withdrawals with a successor, newest first", response: responses({ 200: ok(CampaignListResponse, "The campaigns") }, 401, 403) } }, async () => {
    return { campaigns: await listCampaigns(ctx.store.db) };
  });

  app.get("/content/revisions/:id", { preValidation: reader, schema: { tags, params: IdParams, operationId: "getRevisionCampaign", summary: "A revision campaign's progress per market and channel (by campaign id or by the withdrawn claim's id)", response: responses({ 200: ok(CampaignResponse, "The campaign") }, 401, 403, 404) } }, async (req) => {
    return { campaign: await campaignProgress(ctx.store.db, req.params.id, now()) };
  });

  // ---- first use (US, FDA Form 2253)
  app.get("/content/first-use", { preValidation: allow(...FIRST_USE_READERS), schema: { tags, querystring: FirstUseQuerySchema, operationId: "listFirstUses", summary: "First uses of approved US asset versions (FDA Form 2253): due or submitted; ?format=csv for a spreadsheet", response: responses({ 200: { description: "The items (JSON), or CSV with ?format=csv", content: { "application/json": { schema: FirstUseListResponse }, "text/csv": { schema: z.string() } } } }, 401, 403) } }, async (req, reply) => {
    const items = await listFirstUses(ctx.store.db, req.query, now());
    if (req.query.format === "csv") return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="first-use.csv"').send(firstUsesCsv(items));
    return { items };
  });

  app.get("/content/first-use.csv", { preValidation: allow(...FIRST_USE_READERS), schema: { tags, querystring: FirstUseQuerySchema.omit({ format: true }), operationId: "exportFirstUsesCsv", summary: "First uses as CSV, one row per asset version", response: responses({ 200: { description: "CSV with a header row", content: { "text/csv": { schema: z.string() } } } }, 401, 403) } }, async (req, reply) => {
    const items = await listFirstUses(ctx.store.db, req.query, now());
    return reply.type("text/csv; charset=utf-8").header("content-disposition", 'attachment; filename="first-use.csv"').send(firstUsesCsv(items));
  });

  app.post("/content/first-use/:assetId/:version/submitted", { preValidation: allow("mops", "reviewer:regulatory"), schema: { tags, params: FirstUseParams, body: FirstUseBodySchema, operationId: "markFirstUseSubmitted", summary: "Record that a first use was submitted to FDA (Form 2253), with an electronic signature", response: responses({ 200: ok(FirstUseItemResponse, "The item, now submitted") }, 401, 403, 404, 409) } }, async (req) => {
    const user = requireRole(callerOf(req), "mops", "reviewer:regulatory");
    return { item: await markFirstUseSubmitted(ctx, user, req.params.assetId, req.params.version, req.body.reference, req.body.signature) };
  });

  // ---- what agents must know
  app.get("/agents/:id/notices", { schema: { tags, params: IdParams, querystring: NoticeQuerySchema, operationId: "listAgentNotices", summary: "What an agent must know about withdrawn content", response: responses({ 200: ok(NoticeListResponse, "The agent's notices, oldest first") }, 400, 401, 403) } }, async (req) => {
    const caller = callerOf(req);
    if (caller.kind === "agent" && caller.id !== req.params.id) throw forbidden("an agent may read only its own notices");
    if (caller.kind === "user") requireUser(caller);
    return { notices: await listNotices(ctx.store.db, req.params.id, req.query) };
  });
};
