// Human review: a pending_review decision waits here for the roles the authority matrix named.
// Approval re-decides at that moment (consent may have been revoked, a claim withdrawn, a cap filled).
import { lockAgentShared } from "../agents/locks.ts";
import type { Context, Write } from "../shared/context.ts";
import { write } from "../shared/context.ts";
import { AppError, conflict, forbidden, notFound } from "../shared/errors.ts";
import { parseJson } from "../shared/json.ts";
import { lockHcp, type Db } from "../store/db.ts";
import type { ReviewerRole } from "../shared/vocabulary.ts";
import { actorOf, hasRole, type Principal } from "../auth/principal.ts";
import { sign, type Signature, type SignatureInput } from "../auth/store.ts";
import { decide } from "../gate/decide.ts";
import { commitDelivery, loadSnapshot } from "../gate/store.ts";
import type { Proposal } from "../gate/proposal.ts";
import { lockAssetForSend } from "../content/read-model.ts";
import type { Bundle } from "../governance/bundle.ts";
import { ownerConfirmationRefusal } from "./separation.ts";
import { contentUnderReview, type ReviewContent, type SignedContent } from "./content.ts";

/** How long a review may wait before it is overdue (the console shows deadlines). */
export const REVIEW_DEADLINE_MS = 48 * 3600 * 1000;

export type ReviewStatus = "open" | "approved" | "rejected" | "cancelled";

export interface ReviewSignature extends Signature {
  roles: ReviewerRole[];
  /** The hash of the content the signer was shown and signed (absent on signatures from before content was reviewable). */
  content?: SignedContent;
}

export interface Review {
  id: string;
  decisionId: string;
  agentId: string;
  hcpId: string;
  roles: ReviewerRole[];
  status: ReviewStatus;
  createdAt: string;
  dueAt: string;
  closedAt: string | null;
  closedBy: string | null;
  signatures: ReviewSignature[];
  /** Roles that have not signed yet. */
  awaiting: ReviewerRole[];
  reason: string | null;
  /** What the action will send, as the reviewer reads and signs it; null when it sends no text. Only on a single review. */
  content?: ReviewContent | null;
}

type ReviewRow = NonNullable<Awaited<ReturnType<typeof selectReview>>>;
const selectReview = (db: Db | Write["trx"], id: string) => db.selectFrom("reviews").selectAll().where("id", "=", id).executeTakeFirst();

function toReview(row: ReviewRow): Review {
  const roles = parseJson<ReviewerRole[]>(row.roles, []);
  const signatures = parseJson<ReviewSignature[]>(row.signature, []);
  const signed = new Set(signatures.flatMap((s) => s.roles));
  return {
    id: row.id, decisionId: row.decision_id, agentId: row.agent_id, hcpId: row.hcp_id, roles, status: row.status as ReviewStatus,
    createdAt: row.created_at, dueAt: row.due_at, closedAt: row.closed_at, closedBy: row.closed_by, signatures,
    awaiting: roles.filter((r) => !signed.has(r)), reason: row.reason,
  };
}

export async function openReview(w: Write, r: { id: string; decisionId: string; agentId: string; hcpId: string; roles: readonly ReviewerRole[]; now: Date }): Promise<void> {
  await w.trx.insertInto("reviews").values({
    id: r.id, decision_id: r.decisionId, agent_id: r.agentId, hcp_id: r.hcpId, roles: JSON.stringify(r.roles), status: "open",
    created_at: r.now.toISOString(), due_at: new Date(r.now.getTime() + REVIEW_DEADLINE_MS).toISOString(), closed_at: null, closed_by: null, signature: null, reason: null,
  }).execute();
  w.audit("review.opened", `review:${r.id}`, { decisionId: r.decisionId, roles: r.roles });
}

export async function getReview(db: Db, id: string): Promise<Review> {
  const row = await selectReview(db, id);
  if (!row) throw notFound("review", id);
  const review = toReview(row);
  const decision = await db.selectFrom("decisions").select("proposal").where("id", "=", review.decisionId).executeTakeFirst();
  const under = decision ? await contentUnderReview(db, review.decisionId, decision.proposal, review.hcpId) : null;
  return { ...review, content: under?.content ?? null };
}

/**
 * The content this signature covers. Every approving signer of one review must have signed the same
 * content (`approving`); a rejection may always refuse what is there now.
 */
async function contentToSign(trx: Write["trx"], review: Review, approving = true): Promise<{ signed: SignedContent | null; content: ReviewContent | null }> {
  const decision = await trx.selectFrom("decisions").select("proposal").where("id", "=", review.decisionId).executeTakeFirstOrThrow();
  const under = await contentUnderReview(trx, review.decisionId, decision.proposal, review.hcpId);
  const earlier = approving ? review.signatures.find((s) => s.content && under && s.content.hash !== under.signed.hash) : undefined;
  if (earlier) {
    throw conflict("CONTENT_CHANGED", `review ${review.id}: the content changed after ${earlier.printedName} signed it (signed ${earlier.content!.hash}, now ${under!.signed.hash}); it must be proposed again`);
  }
  return { signed: under?.signed ?? null, content: under?.content ?? null };
}

export async function listReviews(db: Db, q: { status?: ReviewStatus; role?: ReviewerRole; limit: number }): Promise<Review[]> {
  let query = db.selectFrom("reviews").selectAll();
  if (q.status) query = query.where("status", "=", q.status);
  // Roles are a short JSON list; a LIKE on the quoted role is exact and portable.
  if (q.role) query = query.where("roles", "like", `%"${q.role}"%`);
  const rows = await query.orderBy("due_at").limit(q.limit).execute();
  return rows.map(toReview);
}

/** The review roles this person may sign for among those still awaited. */
function signableRoles(p: Principal, awaiting: readonly ReviewerRole[]): ReviewerRole[] {
  return awaiting.filter((role) => hasRole(p, role));
}

function reviveProposal(json: string): Proposal {
  const p = JSON.parse(json) as Proposal & { notAfter: string | null };
  return { ...p, notAfter: p.notAfter ? new Date(p.notAfter) : null, content: p.content ?? null };
}

export async function approveReview(ctx: Context, user: Extract<Principal, { kind: "user" }>, id: string, input: SignatureInput) {
  const before = await getReview(ctx.store.db, id);
  const bundle = await ctx.governance.refresh(ctx.store.db);
  assertSignable(user, before);
  await assertMayConfirm(ctx.store.db, bundle, user, before);
  const signature = await sign(ctx.store.db, user.id, input, ctx.clock.now(), "approved");
  return write(ctx, actorOf(user), async (w) => {
    await lockHcp(ctx.store, w.trx, before.hcpId);
    // Like a proposal: a halt of the agent is before this approval or waits for it (and then cancels its send).
    await lockAgentShared(ctx.store, w.trx, [before.agentId]);
    const review = toReview((await selectReview(w.trx, id))!);
    // A merge moved the review to the survivor meanwhile: its contact history is the survivor's lock's.
    if (review.hcpId !== before.hcpId) await lockHcp(ctx.store, w.trx, review.hcpId);
    const roles = assertSignable(user, review);
    await assertMayConfirm(w.trx, bundle, user, review);
    const { signed, content } = await contentToSign(w.trx, review);
    const mine: ReviewSignature = signed ? { ...signature, roles, content: signed } : { ...signature, roles };
    const signatures = [...review.signatures, mine];
    const awaiting = review.awaiting.filter((r) => !roles.includes(r));
    if (awaiting.length > 0) {
      await w.trx.updateTable("reviews").set({ signature: JSON.stringify(signatures) }).where("id", "=", id).execute();
      w.audit("review.signed", `review:${id}`, { signature: mine, awaiting });
      return { review: { ...review, signatures, awaiting, content }, decision: null };
    }
    const decisionRow = await w.trx.selectFrom("decisions").selectAll().where("id", "=", review.decisionId).executeTakeFirstOrThrow();
    const proposal = { ...reviveProposal(decisionRow.proposal), hcpId: decisionRow.hcp_id };
    if (proposal.assetId) await lockAssetForSend(ctx.store, w.trx, proposal.assetId);
    const now = ctx.clock.now();
    const snapshot = await loadSnapshot(w.trx, proposal, bundle, now);
    const verdict = decide(proposal, snapshot, bundle, now, { confirmed: true });
    const scheduledFor = verdict.outcome === "scheduled" ? verdict.scheduledFor.toISOString() : null;
    const resolution = { reviewId: id, signatures, recheckedAt: now.toISOString(), bundleVersion: verdict.bundleVersion, outcome: verdict.outcome, reasons: verdict.reasons, checks: verdict.checks };
    await w.trx.updateTable("decisions").set({
      outcome: verdict.outcome, reasons: JSON.stringify(verdict.reasons), scheduled_for: scheduledFor, resolved_at: now.toISOString(),
      resolution: JSON.stringify(resolution), bundle_version: verdict.bundleVersion,
    }).where("id", "=", review.decisionId).execute();
    await commitDelivery(w.trx, review.decisionId, proposal, verdict);
    await w.trx.updateTable("reviews").set({ status: "approved", signature: JSON.stringify(signatures), closed_at: now.toISOString(), closed_by: user.id }).where("id", "=", id).execute();
    w.audit("review.approved", `review:${id}`, { signature: mine, decisionId: review.decisionId });
    w.audit("decision.resolved", `decision:${review.decisionId}`, { outcome: verdict.outcome, reasons: verdict.reasons, bundleVersion: verdict.bundleVersion, scheduledFor, reviewId: id });
    return {
      review: { ...review, status: "approved" as const, signatures, awaiting: [], closedAt: now.toISOString(), closedBy: user.id, content },
      decision: { id: review.decisionId, outcome: verdict.outcome, reasons: verdict.reasons, bundleVersion: verdict.bundleVersion, decidedAt: now.toISOString(), ...(scheduledFor ? { scheduledFor } : {}), reviewId: id },
    };
  });
}

export async function rejectReview(ctx: Context, user: Extract<Principal, { kind: "user" }>, id: string, reason: string, input: SignatureInput) {
  const before = await getReview(ctx.store.db, id);
  assertSignable(user, before);
  const signature = await sign(ctx.store.db, user.id, input, ctx.clock.now(), "rejected");
  return write(ctx, actorOf(user), async (w) => {
    const review = toReview((await selectReview(w.trx, id))!);
    // A merge moved the review to the survivor meanwhile: its contact history is the survivor's lock's.
    if (review.hcpId !== before.hcpId) await lockHcp(ctx.store, w.trx, review.hcpId);
    const roles = assertSignable(user, review);
    // A rejection records what it refused, as an approval records what it approved.
    const { signed } = await contentToSign(w.trx, review, false);
    const mine: ReviewSignature = signed ? { ...signature, roles, content: signed } : { ...signature, roles };
    const signatures = [...review.signatures, mine];
    const at = w.now.toISOString();
    const reasons = [{ code: "AUTHORITY_CONFIRM", message: `rejected by ${signature.printedName} (${roles.join(", ")}): ${reason}` }];
    await w.trx.updateTable("reviews").set({ status: "rejected", signature: JSON.stringify(signatures), closed_at: at, closed_by: user.id, reason }).where("id", "=", id).execute();
    await w.trx.updateTable("decisions").set({ outcome: "rejected", resolved_at: at, resolution: JSON.stringify({ reviewId: id, signatures, outcome: "rejected", reason, reasons }) }).where("id", "=", review.decisionId).execute();
    w.audit("review.rejected", `review:${id}`, { signature: mine, reason, decisionId: review.decisionId });
    return { review: { ...review, status: "rejected" as const, signatures, awaiting: [], closedAt: at, closedBy: user.id, reason }, decision: { id: review.decisionId, outcome: "rejected" as const } };
  });
}

/**
 * The one role this person signs in. One person fills one of the awaited roles (an admin or a reviewer
 * holding several roles too), and signs a review once.
 */
function assertSignable(user: Extract<Principal, { kind: "user" }>, review: Review): ReviewerRole[] {
  if (review.status !== "open") throw conflict("REVIEW_CLOSED", `review ${review.id} is already ${review.status}`);
  if (review.signatures.some((s) => s.userId === user.id)) {
    throw conflict("REVIEW_ALREADY_SIGNED", `${user.username} already signed review ${review.id}; one person fills one role, it awaits ${review.awaiting.join(", ")} from someone else`);
  }
  const roles = signableRoles(user, review.awaiting);
  if (roles.length === 0) throw forbidden(`review ${review.id} awaits ${review.awaiting.join(", ")}; ${user.username} holds none of these roles`);
  return roles.slice(0, 1);
}

/** An agent's owner does not confirm its touches unless authority.yaml `review.ownerMayConfirm` says so. */
async function assertMayConfirm(db: Db | Write["trx"], bundle: Bundle, user: Extract<Principal, { kind: "user" }>, review: Review): Promise<void> {
  const agent = await db.selectFrom("agents").select("owner").where("id", "=", review.agentId).executeTakeFirst();
  if (!agent) return;
  const refusal = ownerConfirmationRefusal(review, agent.owner, user, bundle.authority.review?.ownerMayConfirm ?? false);
  if (refusal) throw new AppError(refusal.status, refusal.code, refusal.message);
}
