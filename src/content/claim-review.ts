// The review workflow of a claim version: submit, take into review, sign (approve), send back for
// changes, reject. Each decision is electronically signed; who must sign follows the claim's risk
// class (content.yaml `review`). Every step is one transaction with its audit record.
import { write, type Context } from "../shared/context.ts";
import { conflict, notFound, refused } from "../shared/errors.ts";
import { actorOf, type Principal } from "../auth/principal.ts";
import { sign, type SignatureInput } from "../auth/store.ts";
import { parseJson } from "../shared/json.ts";
import { claimApprovalProblems } from "./approval.ts";
import { currentContentPolicy } from "./policy.ts";
import { requiredReviewers } from "./reviewers.ts";
import { statusAt, type ContentStatus, type RiskClass } from "./lifecycle.ts";
import { afterSignature, awaiting, refusalOf, signerOf, signingSlot, type ReviewState } from "./workflow.ts";
import { appError, reviewOf, selectClaim, toClaim, updateLatestClaim, type Claim, type ClaimRow } from "./claims.ts";

type Signer = Extract<Principal, { kind: "user" }>;

function problemsOf(head: ClaimRow, now: Date) {
  return claimApprovalProblems(
    { id: head.id, status: head.status as ContentStatus, expiresAt: head.expires_at, references: parseJson<string[]>(head.refs, []) }, now,
  );
}

async function loadHead(trx: Parameters<typeof selectClaim>[0], id: string): Promise<ClaimRow> {
  const head = await selectClaim(trx, id);
  if (!head) throw notFound("claim", id);
  return head;
}

/** draft -> submitted: the required reviewers are fixed now, from the risk class. */
export async function submitClaim(ctx: Context, actor: string, id: string): Promise<Claim> {
  const { policy } = await currentContentPolicy(ctx);
  return write(ctx, actor, async (w) => {
    const head = await loadHead(w.trx, id);
    const status = statusAt(head.status as ContentStatus, head.expires_at, w.now);
    const refusal = refusalOf("claim", id, status, "submit");
    if (refusal) throw appError(refusal);
    const problems = problemsOf(head, w.now);
    if (problems.length > 0) throw refused("CLAIM_NOT_SUBMITTABLE", `claim '${id}' cannot be submitted: ${problems.map((p) => p.message).join("; ")}`, problems);
    const review: ReviewState = { required: requiredReviewers(policy, head.risk_class as RiskClass, []), signatures: [] };
    const next = await updateLatestClaim(w, head, { status: "submitted", submitted_at: w.now.toISOString(), review: JSON.stringify(review) });
    w.audit("claim.submitted", `claim:${id}`, { id, version: head.version, required: review.required });
    return toClaim(next, w.now);
  });
}

/** submitted -> in_review: a reviewer takes it up. */
export async function startClaimReview(ctx: Context, reviewer: Signer, id: string): Promise<Claim> {
  return write(ctx, actorOf(reviewer), async (w) => {
    const head = await loadHead(w.trx, id);
    const refusal = refusalOf("claim", id, statusAt(head.status as ContentStatus, head.expires_at, w.now), "start_review");
    if (refusal) throw appError(refusal);
    const next = await updateLatestClaim(w, head, { status: "in_review" });
    w.audit("claim.review_started", `claim:${id}`, { id, version: head.version, by: reviewer.username });
    return toClaim(next, w.now);
  });
}

/**
 * An approving signature. The signer re-authenticates first (a wrong password changes nothing); the
 * version's author may not sign, and the signature fills one open slot the signer holds a role for
 * (separation of duties, workflow.ts); when no slot is left the version is approved, else it is in review. A draft is submitted and signed in one step.
 */
export async function approveClaim(ctx: Context, signer: Signer, id: string, input: SignatureInput): Promise<Claim> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now(), "approved");
  const { policy } = await currentContentPolicy(ctx);
  return write(ctx, actorOf(signer), async (w) => {
    const head = await loadHead(w.trx, id);
    const status = statusAt(head.status as ContentStatus, head.expires_at, w.now);
    if (status === "approved") throw conflict("CLAIM_ALREADY_APPROVED", `claim '${id}' was already approved at ${head.approved_at}`);
    const problems = problemsOf(head, w.now);
    if (problems.length > 0) throw refused("CLAIM_NOT_APPROVABLE", `claim '${id}' cannot be approved: ${problems.map((p) => p.message).join("; ")}`, problems);
    const refusal = refusalOf("claim", id, status, "approve");
    if (refusal) throw appError(refusal);
    const state = reviewOf(head.review) ?? { required: requiredReviewers(policy, head.risk_class as RiskClass, []), signatures: [] };
    const slot = signingSlot({ kind: "claim", id, version: head.version, author: head.created_by }, state, signerOf(signer), policy.separation);
    if (!slot.ok) throw appError(slot.refusal);
    const roles = [slot.role];
    const signed = { ...signature, roles };
    const after = afterSignature(state, signed);
    const at = w.now.toISOString();
    const first = after.state.signatures[0]!;
    const { roles: _r, ...firstSignature } = first;
    const next = await updateLatestClaim(w, head, {
      status: after.status, review: JSON.stringify(after.state), submitted_at: head.submitted_at ?? at,
      ...(after.status === "approved" ? { approved_at: at, approval: JSON.stringify(firstSignature) } : {}),
    });
    w.audit(after.status === "approved" ? "claim.approved" : "claim.signed", `claim:${id}`, {
      id, version: head.version, signature: signed, awaiting: awaiting(after.state),
    });
    return toClaim(next, w.now);
  });
}

async function closeReview(ctx: Context, signer: Signer, id: string, reason: string, input: SignatureInput, outcome: "rejected" | "changes_requested"): Promise<Claim> {
  const signature = await sign(ctx.store.db, signer.id, input, ctx.clock.now(), outcome === "rejected" ? "rejected" : "reviewed");
  return write(ctx, actorOf(signer), async (w) => {
    const head = await loadHead(w.trx, id);
    const refusal = refusalOf("claim", id, statusAt(head.status as ContentStatus, head.expires_at, w.now), outcome === "rejected" ? "reject" : "request_changes");
    if (refusal) throw appError(refusal);
    const rejection = JSON.stringify({ ...signature, reason, outcome });
    const next = await updateLatestClaim(w, head, { status: outcome, rejection });
    w.audit(outcome === "rejected" ? "claim.rejected" : "claim.changes_requested", `claim:${id}`, { id, version: head.version, reason, signature });
    return toClaim(next, w.now);
  });
}

export const rejectClaim = (ctx: Context, signer: Signer, id: string, reason: string, input: SignatureInput) =>
  closeReview(ctx, signer, id, reason, input, "rejected");
export const requestClaimChanges = (ctx: Context, signer: Signer, id: string, reason: string, input: SignatureInput) =>
  closeReview(ctx, signer, id, reason, input, "changes_requested");
