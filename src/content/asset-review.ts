// The review workflow of an asset version: submit (errors among the pre-review findings refuse it),
// take into review, sign (approve) with electronic signatures from the reviewers its risk class and
// findings require, send back for changes, reject, and re-certify. An approval covers the asset's
// market and channel; on approval the version goes live and the version it replaces is superseded.
import { write, type Context, type Write } from "../shared/context.ts";
import { conflict, notFound, refused } from "../shared/errors.ts";
import { actorOf, type Principal } from "../auth/principal.ts";
import { sign, type SignatureInput } from "../auth/store.ts";

import type { ContentPolicy } from "../governance/content-policy.ts";
import type { Bundle } from "../governance/bundle.ts";
import { assetApprovalProblems, errorFindings } from "./approval.ts";
import { currentContentPolicy } from "./policy.ts";
import { requiredReviewers } from "./reviewers.ts";
import { evaluateAsset, loadModuleClaims, type Evaluation } from "./evaluation.ts";
import { statusAt, type ContentStatus } from "./lifecycle.ts";
import { afterSignature, awaiting, refusalOf, signerOf, signingSlot, type ReviewState } from "./workflow.ts";
import { appError, reviewOf } from "./claims.ts";
import { editInTx, modulesOf, selectAsset, toAsset, type Asset, type AssetRow, type AssetVersionRow } from "./assets.ts";

type Signer = Extract<Principal, { kind: "user" }>;

async function loadHead(w: Write, id: string): Promise<AssetRow> {
  const head = await selectAsset(w.trx, id);
  if (!head) throw notFound("asset", id);
  return head;
}

/** The latest version checked again now, against the bundle and the claims as they stand. */
async function reevaluate(w: Write, bundle: Bundle, head: AssetRow): Promise<{ evaluation: Evaluation; modules: Awaited<ReturnType<typeof modulesOf>> }> {
  const modules = await modulesOf(w.trx, head.id, head.version);
  const evaluation = await evaluateAsset(w.trx, bundle, {
    channel: head.channel as Asset["channel"], market: head.market, language: head.language, product: head.product,
    subject: head.subject, body: head.body, safetyInfo: head.safety_info,
  }, modules, w.now);
  return { evaluation, modules };
}

/** Writes a change of the latest version to its version row and the head, if the head is as read. */
async function updateLatest(w: Write, head: AssetRow, change: Partial<AssetVersionRow> & { live_version?: number | null }): Promise<AssetRow> {
  const { live_version, ...versionChange } = change;
  const updated = await w.trx.updateTable("assets").set(change)
    .where("id", "=", head.id).where("version", "=", head.version).where("status", "=", head.status).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw conflict("ASSET_CHANGED", `asset '${head.id}' changed meanwhile; read it again`);
  await w.trx.updateTable("asset_versions").set(versionChange).where("asset_id", "=", head.id).where("version", "=", head.version).execute();
  return { ...head, ...change, live_version: live_version === undefined ? head.live_version : live_version };
}

export function initialReview(policy: ContentPolicy, evaluation: Evaluation): ReviewState {
  return { required: requiredReviewers(policy, evaluation.riskClass, evaluation.findings), signatures: [] };
}

/** draft -> submitted: refused while an error finding stands; the required reviewers are fixed now. */
export async function submitAsset(ctx: Context, actor: string, id: string): Promise<Asset> {
  const { policy, bundle } = await currentContentPolicy(ctx);
  return write(ctx, actor, async (w) => {
    const head = await loadHead(w, id);
    const refusal = refusalOf("asset", id, statusAt(head.status as ContentStatus, head.expires_at, w.now), "submit");
    if (refusal) throw appError(refusal);
    const { evaluation, modules } = await reevaluate(w, bundle, head);
    const errors = errorFindings(evaluation.findings);
    if (errors.length > 0) throw refused("ASSET_NOT_SUBMITTABLE", `asset '${id}' cannot be submitted while its pre-review checks find errors: ${errors.map((e) => e.message).join("; ")}`, errors);
    const review = initialReview(policy, evaluation);
    const next = await updateLatest(w, head, {
      status: "submitted", submitted_at: w.now.toISOString(), review: JSON.stringify(review),
      checks: JSON.stringify(evaluation.findings), rendered: evaluation.rendered.text,
    });
    w.audit("asset.submitted", `asset:${id}`, { id, version: head.version, required: review.required, checks: evaluation.findings });
    return toAsset(next, next.live_version, modules, evaluation.claims, w.now);
  });
}

/** submitted -> in_review: a reviewer takes it up. */
export async function startAssetReview(ctx: Context, reviewer: Signer, id: string): Promise<Asset> {
  return write(ctx, actorOf(reviewer), async (w) => {
    const head = await loadHead(w, id);
    const refusal = refusalOf("asset", id, statusAt(head.status as ContentStatus, head.expires_at, w.now), "start_review");
    if (refusal) throw appError(refusal);
    const next = await updateLatest(w, head, { status: "in_review" });
    w.audit("asset.review_started", `asset:${id}`, { id, version: head.version, by: reviewer.username });
    const modules = await modulesOf(w.trx, id, head.version);
    return toAsset(next, next.live_version, modules, await loadModuleClaims(w.trx, modules, w.now), w.now);
  });
}

/**
 * An approving signature. The signer re-authenticates first (a wrong password changes nothing); then,
 * in one transaction, the version is checked again: no error finding may stand, every claim module
 * must be approved and unexpired, the asset unexpired. The author may not sign; the signature fills one
 * open slot the signer holds a role for (separation of duties, workflow.ts); when none is left the version is approved for its market and channel and goes live.
 */
export async function approveAsset(ctx: Context, signer: Signer, id: string, input: SignatureInput): Promise<Asset> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now(), "approved");
  const { policy, bundle } = await currentContentPolicy(ctx);
  return write(ctx, actorOf(signer), async (w) => {
    const head = await loadHead(w, id);
    const status = statusAt(head.status as ContentStatus, head.expires_at, w.now);
    if (status === "approved") throw conflict("ASSET_ALREADY_APPROVED", `asset '${id}' v${head.version} was already approved at ${head.approved_at}`);
    const { evaluation, modules } = await reevaluate(w, bundle, head);
    const problems = assetApprovalProblems(
      { id, status: head.status as ContentStatus, expiresAt: head.expires_at, market: head.market },
      evaluation.claims.map((c) => ({ id: c.id, status: c.status, expiresAt: c.expiresAt, references: c.references })),
      evaluation.findings, w.now,
    );
    if (problems.length > 0) throw refused("ASSET_NOT_APPROVABLE", `asset '${id}' cannot be approved: ${problems.map((p) => p.message).join("; ")}`, problems);
    const refusal = refusalOf("asset", id, status, "approve");
    if (refusal) throw appError(refusal);
    const state = reviewOf(head.review) ?? initialReview(policy, evaluation);
    const slot = signingSlot({ kind: "asset", id, version: head.version, author: head.created_by }, state, signerOf(signer), policy.separation);
    if (!slot.ok) throw appError(slot.refusal);
    const roles = [slot.role];
    const signed = { ...signature, roles };
    const after = afterSignature(state, signed);
    const at = w.now.toISOString();
    const approved = after.status === "approved";
    const { roles: _roles, ...first } = after.state.signatures[0]!;
    if (approved && head.live_version !== null && head.live_version !== head.version) {
      await w.trx.updateTable("asset_versions").set({ status: "superseded" })
        .where("asset_id", "=", id).where("version", "=", head.live_version).where("status", "=", "approved").execute();
    }
    const next = await updateLatest(w, head, {
      status: after.status, review: JSON.stringify(after.state), submitted_at: head.submitted_at ?? at,
      checks: JSON.stringify(evaluation.findings), rendered: evaluation.rendered.text,
      ...(approved ? { approved_at: at, approval: JSON.stringify(first), live_version: head.version } : {}),
    });
    w.audit(approved ? "asset.approved" : "asset.signed", `asset:${id}`, {
      id, version: head.version, signature: signed, awaiting: awaiting(after.state),
      claims: evaluation.claims.map((c) => ({ id: c.id, version: c.version })), checks: evaluation.findings,
      ...(approved ? { approvedFor: { market: head.market, channel: head.channel }, supersedes: head.live_version } : {}),
    });
    return toAsset(next, next.live_version, modules, evaluation.claims, w.now);
  });
}

async function closeReview(ctx: Context, signer: Signer, id: string, reason: string, input: SignatureInput, outcome: "rejected" | "changes_requested"): Promise<Asset> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now(), outcome === "rejected" ? "rejected" : "reviewed");
  return write(ctx, actorOf(signer), async (w) => {
    const head = await loadHead(w, id);
    const refusal = refusalOf("asset", id, statusAt(head.status as ContentStatus, head.expires_at, w.now), outcome === "rejected" ? "reject" : "request_changes");
    if (refusal) throw appError(refusal);
    const next = await updateLatest(w, head, { status: outcome, rejection: JSON.stringify({ ...signature, reason, outcome }) });
    w.audit(outcome === "rejected" ? "asset.rejected" : "asset.changes_requested", `asset:${id}`, { id, version: head.version, reason, signature });
    const modules = await modulesOf(w.trx, id, head.version);
    return toAsset(next, next.live_version, modules, await loadModuleClaims(w.trx, modules, w.now), w.now);
  });
}

export const rejectAsset = (ctx: Context, signer: Signer, id: string, reason: string, input: SignatureInput) =>
  closeReview(ctx, signer, id, reason, input, "rejected");
export const requestAssetChanges = (ctx: Context, signer: Signer, id: string, reason: string, input: SignatureInput) =>
  closeReview(ctx, signer, id, reason, input, "changes_requested");

/**
 * Re-certification: the version in force (approved, or approved and since expired) is copied into a new
 * version with a new expiry and submitted, so the reviewers its risk and findings require sign it again.
 */
export async function recertifyAsset(ctx: Context, actor: string, id: string, expiresAt: string): Promise<Asset> {
  const { policy, bundle } = await currentContentPolicy(ctx);
  return write(ctx, actor, async (w) => {
    const head = await loadHead(w, id);
    if (head.live_version === null) throw refused("ASSET_NOT_CERTIFIED", `asset '${id}' has no approved version to re-certify`);
    if (head.version !== head.live_version) {
      throw conflict("ASSET_HAS_NEWER_VERSION", `asset '${id}' has a newer version (v${head.version}) than the one in force (v${head.live_version}); review that one instead`);
    }
    const draft = await editInTx(w, bundle, id, { expiresAt }, `re-certification of v${head.live_version}`);
    const errors = draft.checks.filter((c) => c.severity === "error");
    if (errors.length > 0) throw refused("ASSET_NOT_SUBMITTABLE", `asset '${id}' cannot be re-certified while its checks find errors: ${errors.map((e) => e.message).join("; ")}`, errors);
    const next = await loadHead(w, id);
    const { evaluation, modules } = await reevaluate(w, bundle, next);
    const review = initialReview(policy, evaluation);
    const submitted = await updateLatest(w, next, { status: "submitted", submitted_at: w.now.toISOString(), review: JSON.stringify(review) });
    w.audit("asset.recertification_submitted", `asset:${id}`, { id, version: next.version, recertifies: head.live_version, expiresAt: next.expires_at, required: review.required });
    return toAsset(submitted, submitted.live_version, modules, evaluation.claims, w.now);
  });
}


